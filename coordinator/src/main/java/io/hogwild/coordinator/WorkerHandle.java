package io.hogwild.coordinator;

/** A running worker as the coordinator sees it, whether a forked JVM ({@link WorkerProcess}) or a thread ({@link WorkerThread}). */
public interface WorkerHandle
{
    /** The worker's slot in the weight file. */
    int index();

    /** The PID of the process the worker runs in. */
    long pid();

    boolean isAlive();

    /** How the worker ended, for an error message; only meaningful once {@link #isAlive()} is false. */
    String describeEnd();

    /** Waits up to {@code timeoutMs} for the worker to end; true when it ended. */
    boolean awaitExit(long timeoutMs) throws InterruptedException;

    /** Ends the worker by force where that is possible (a process); a thread can only be asked to stop. */
    void kill();
}
