package io.hogwild.common.util;

/**
 * Tells how long a heartbeat value has stood still, by this process's own monotonic clock. Comparing
 * another process's wall-clock timestamp with ours would take a clock step (NTP, a resumed VM) for a
 * dead peer; watching the value change does not.
 */
public final class StalenessWatch
{
    private long lastValue;
    private long lastChangeNs;
    private boolean seen;

    /** Records the current heartbeat value; returns the nanoseconds since it last changed. */
    public long observe(final long value, final long nowNs)
    {
        if (!seen || value != lastValue)
        {
            seen = true;
            lastValue = value;
            lastChangeNs = nowNs;
        }
        return nowNs - lastChangeNs;
    }
}
