package io.hogwild.common.settings;

import java.util.Locale;

/** What the coordinator does when a worker process dies or stops beating during an epoch. */
public enum WorkerFailurePolicy
{
    /** Start a replacement that goes on from what the slot says the worker trained, its unfinished chunk first. */
    RESTART,
    /** Stop the run: every other worker exits, the state says failed, no summary, a non-zero exit. */
    FAIL;

    public String cliName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "restart" or "fail"; null when neither. */
    public static WorkerFailurePolicy fromCliName(final String name)
    {
        for (final WorkerFailurePolicy policy : values())
        {
            if (policy.cliName().equalsIgnoreCase(name))
            {
                return policy;
            }
        }
        return null;
    }
}
