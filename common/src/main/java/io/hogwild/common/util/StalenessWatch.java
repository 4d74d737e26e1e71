package io.hogwild.common.util;

/**
 * Tells how long a heartbeat value has stood still, by this process's own monotonic clock. Comparing
 * another process's wall-clock timestamp with ours would take a clock step (NTP, a resumed VM) for a
 * dead peer; watching the value change does not.
 */
public final class StalenessWatch
{
    /** A gap between two observations longer than this is the observer's own pause, not the peer's. */
    public static final long OBSERVER_GAP_NS = 1_000_000_000L;

    private long lastValue;
    private long lastChangeNs;
    private long lastObservationNs;
    private boolean seen;

    /** Records the current heartbeat value; returns the nanoseconds since it last changed. */
    public long observe(final long value, final long nowNs)
    {
        // After a pause of the observer itself (stopped, descheduled, not looking), start counting anew:
        // the peer may have been paused with it.
        if (!seen || value != lastValue || nowNs - lastObservationNs > OBSERVER_GAP_NS)
        {
            seen = true;
            lastValue = value;
            lastChangeNs = nowNs;
        }
        lastObservationNs = nowNs;
        return nowNs - lastChangeNs;
    }
}
