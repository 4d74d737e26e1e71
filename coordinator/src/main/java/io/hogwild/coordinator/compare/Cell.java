package io.hogwild.coordinator.compare;

import io.hogwild.common.sgd.SyncMode;

/**
 * One set-up of the comparison: how the workers run, how they share the weights, how many there are.
 *
 * @param mode    "procs" or "threads"
 * @param sync    the synchronisation
 * @param workers the worker count
 */
public record Cell(String mode, SyncMode sync, int workers)
{
    public static final String PROCS = "procs";
    public static final String THREADS = "threads";

    /** The line of the charts this cell belongs to: mode and sync. */
    public String variant()
    {
        return mode + " " + sync.cliName();
    }

    /** A name fit for a directory: {@code procs-lockfree-w2}. */
    public String slug()
    {
        return mode + "-" + sync.cliName() + "-w" + workers;
    }
}
