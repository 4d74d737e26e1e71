package io.hogwild.coordinator;

/**
 * How long the coordinator parks between looks at the epoch barrier. Every look wakes it, and when every
 * core runs a worker (the default) a wake preempts a worker, whose epoch the barrier then waits for: on the
 * 2-core development VM, looking every 50 us halved the rate of a worker that shared the coordinator's core;
 * looking every 1 ms, as before, cost it less than this machine's noise (docs/performance.md). So the
 * coordinator sleeps half of the epoch's remaining time, estimated from the rate at which the workers have
 * published samples since the first look that saw any (so that the workers' wake-up at the epoch's start
 * does not slow the estimate), and at most {@link #MAX_PARK_NS}, so that a worker that died is still noticed within
 * that; the looks come closer as the end nears (about 20 an epoch of 150 ms instead of 150). Without
 * progress to estimate from (the epoch's first chunks, or every chunk published and the workers yet to
 * arrive) it backs off from {@link #MIN_PARK_NS} to {@link #BACKOFF_MAX_NS}. Once a worker has arrived and
 * fewer workers train than there are cores, a look takes no worker's core: it looks at least every
 * {@link #FREE_CORE_PARK_NS}, since the barrier was seen 0.2-1.7 ms after the last worker's arrival with two
 * workers on two cores (a park of half the estimate, which counts whole chunks, overshoots the last one).
 */
final class BarrierWait
{
    static final long MIN_PARK_NS = 1_000;
    static final long BACKOFF_MAX_NS = 1_000_000;
    static final long MAX_PARK_NS = 50_000_000;
    static final long FREE_CORE_PARK_NS = 50_000;

    private long backoffNs = MIN_PARK_NS;
    /** The first look that saw progress: its time and the samples done then; -1 before it. */
    private long firstProgressNs = -1;
    private long firstProgressDone;

    /**
     * The next park, in nanoseconds.
     *
     * @param elapsedNs time since the epoch was released
     * @param done      samples published this epoch so far
     * @param total     samples the epoch trains
     * @param coreFreed true once a worker has arrived and fewer workers train than there are cores
     */
    long nextParkNs(final long elapsedNs, final long done, final long total, final boolean coreFreed)
    {
        final long park = nextParkNs(elapsedNs, done, total);
        return coreFreed ? Math.min(park, FREE_CORE_PARK_NS) : park;
    }

    /**
     * True when a look takes no worker's core: a worker has arrived (its core is its own no longer) and fewer
     * workers train than there are cores.
     */
    static boolean coreFreed(final int training, final int workers, final int cores)
    {
        return training < workers && training < cores;
    }

    /** {@link #nextParkNs(long, long, long, boolean)} while every worker trains, or no core is free. */
    long nextParkNs(final long elapsedNs, final long done, final long total)
    {
        if (done > 0 && done < total)
        {
            backoffNs = MIN_PARK_NS; // the tail starts fine-grained again
            if (firstProgressNs < 0)
            {
                firstProgressNs = elapsedNs;
                firstProgressDone = done;
            }
            final double nsPerSample = done > firstProgressDone && elapsedNs > firstProgressNs
                ? (double)(elapsedNs - firstProgressNs) / (done - firstProgressDone)
                : (double)elapsedNs / done;
            final double remainingNs = (total - done) * nsPerSample;
            return Math.max(MIN_PARK_NS, Math.min(MAX_PARK_NS, (long)(remainingNs / 2)));
        }
        final long park = backoffNs;
        backoffNs = Math.min(BACKOFF_MAX_NS, backoffNs * 2);
        return park;
    }
}
