package io.hogwild.common.sgd;

import io.hogwild.common.data.Dataset;

/**
 * Which of its updates a lock-free {@link SgdKernel} keeps private between stores to the shared weights,
 * and how often it stores them (the class comment of {@link SgdKernel} says how and why).
 */
public enum Deferral
{
    /** Every update goes straight to the shared weights, as in Hogwild!'s paper. */
    NONE,
    /** The hot features' updates are deferred, the others go straight to the shared weights. */
    HOT,
    /** Every feature's updates are deferred: the hot ones by slot, the others by feature. */
    ALL;

    /** The fewest samples a worker trains between two stores of its hot updates (with 8 workers or more). */
    public static final int HOT_STORE_SAMPLES = 256;
    /**
     * The most samples' worth of the other workers' hot changes that a worker has not seen yet, (workers - 1) x
     * the interval: what the floor leaves 8 workers, with which they reach the accuracy of one worker (measured
     * with 8 workers on 2 cores, the most we could try). Each worker of 2 to 8 stores as rarely as this allows,
     * {@code UNSEEN_HOT_SAMPLES / (workers - 1)} samples: 1,792 with 2 workers, 896 with 3, 597 with 4. Fewer
     * stores cost less: each moves every hot line between cores (929 lines on the RCV1-shaped data), and 2
     * processes trained 1.04x faster in steady epochs at 1,792 than at 1,024 (once 2,048 / workers), as 1,024
     * had against 512 (1.09x) and 512 against 256 (1.03-1.07x), at the same accuracy on the RCV1-shaped data,
     * a9a, w8a and SpamAssassin with 2, 4 and 8 workers (docs/performance.md).
     */
    static final int UNSEEN_HOT_SAMPLES = 7 * HOT_STORE_SAMPLES;
    /** A worker alone has no one's changes to wait for: it stores its hot updates every this many samples. */
    static final int ALONE_HOT_STORE_SAMPLES = 2048;
    /**
     * With {@link #ALL}, the most samples' worth of the other workers' cold changes that a worker has not seen yet,
     * (workers - 1) x the interval, however many workers there are: each worker stores its cold updates every
     * {@code UNSEEN_COLD_SAMPLES / (workers - 1)} samples (at least {@link #HOT_STORE_SAMPLES}; this many alone),
     * 32,768 with 2 workers, 4,681 with 8. (32,768 / workers until 2026-12-04: 16,384 with 2, when every chunk
     * of a worker was a whole number of intervals and ended with a store; at 32,768, with chunks of 4,096 samples
     * that store at the intervals only, 2 processes trained 1.08x faster in steady epochs, docs/performance.md.)
     */
    public static final int UNSEEN_COLD_SAMPLES = 32768;
    /**
     * With {@link #ALL} and other workers, a store's pass over the dimension is at most 1/this of the interval's
     * non-zeros. (4 until 2026-12-04; the simulation in {@link #of}'s comment showed the fallback it kept past
     * 13 workers on the RCV1-shaped data costing far more than the pass.)
     */
    static final int STORE_PASS_FRACTION = 1;
    /**
     * The same for a worker alone, which has no other core's traffic to save: the copy pays it only through
     * the walks' shorter reads (1.03-1.14x on the RCV1-shaped data, where the pass is 2 % of the work), so the
     * pass stays short.
     */
    static final int ALONE_STORE_PASS_FRACTION = 4;
    /**
     * With {@link #ALL}, the rows between two stores hold at most about this many non-zeros, so that the other
     * workers see a worker's cold changes within a fraction of a second on dense rows too.
     */
    static final long MAX_INTERVAL_NON_ZEROS = 1L << 22;
    /** {@link #ALL} keeps 8 bytes a feature: at most this many features (32 MiB), else {@link #HOT}. */
    public static final int MAX_COPY_FEATURES = 1 << 22;

    /**
     * Samples a worker of {@code workers} trains between two stores of its hot updates:
     * {@value #UNSEEN_HOT_SAMPLES} / (workers - 1), at least {@value #HOT_STORE_SAMPLES};
     * {@value #ALONE_HOT_STORE_SAMPLES} for a worker alone. 0 with {@link #NONE}.
     */
    public int hotStoreSamples(final int workers)
    {
        if (this == NONE)
        {
            return 0;
        }
        return workers < 2 ? ALONE_HOT_STORE_SAMPLES : Math.max(HOT_STORE_SAMPLES, UNSEEN_HOT_SAMPLES / (workers - 1));
    }

    /**
     * With {@link #ALL}, samples a worker of {@code workers} trains on {@code data} between two stores of
     * its cold updates: {@value #UNSEEN_COLD_SAMPLES} / (workers - 1) ({@value #UNSEEN_COLD_SAMPLES} alone), at least
     * {@value #HOT_STORE_SAMPLES}, and fewer where the rows are so dense that they would hold more than
     * about {@value #MAX_INTERVAL_NON_ZEROS} non-zeros. 0 with {@link #NONE} and {@link #HOT}.
     */
    public int coldStoreSamples(final int workers, final Dataset data)
    {
        if (this != ALL)
        {
            return 0;
        }
        final double nonZerosPerRow = Math.max(1.0, (double)data.nnz() / Math.max(1, data.rows()));
        final int dense = (int)Math.min(Integer.MAX_VALUE, MAX_INTERVAL_NON_ZEROS / nonZerosPerRow);
        return Math.max(HOT_STORE_SAMPLES, Math.min(UNSEEN_COLD_SAMPLES / Math.max(1, workers - 1), dense));
    }

    /**
     * What a worker of a run defers: nothing unless it is lock-free; then every feature when the copy is small
     * enough ({@value #MAX_COPY_FEATURES} features at most) and the store's pass over the whole dimension is at
     * most as long as the non-zeros that the rows between two stores hold (the pass is sequential, cheaper than
     * as many of a row's entries; a quarter as long for a worker alone). On the RCV1-shaped data (47,236
     * features, 76 non-zeros a row) that is 1 to 53 workers. Otherwise, with other workers to share the cache lines with, the hot updates only; alone,
     * nothing. Why the pass may be that long: what it replaces, cold entries read and written in the shared
     * weights, costs more. A trace-driven simulation over the RCV1-shaped rows ({@code bench/coherence.sh})
     * counts 26-35 coherence misses a sample with {@link #HOT} at 4-64 workers against 2.1-9.4 with {@link #ALL},
     * whose pass at 52 workers costs about half a sample; 16 and 32 threads on 2 cores trained 1.14x and 1.09x
     * faster with {@link #ALL} than with {@link #HOT}, to the same accuracy (docs/performance.md).
     *
     * <p>A worker alone defers too where the copy pays, though no other core takes its lines: its walks then read
     * one line an entry (the copy's record holds the weight and its shrink at the current step) where the shared
     * weights and coefficients, two arrays, take two, and its hot entries stay in the first-level cache. One
     * worker process trained 1.03-1.14x faster so in six alternating rounds (docs/performance.md), to the same
     * test accuracy
     * (the weights agree up to rounding: a store adds the copy's change to the shared weight).
     * {@link #HOT} alone would not pay: its cold entries are shared, so its samples take two walks, not one.
     */
    public static Deferral of(final SyncMode sync, final int workers, final Dataset data)
    {
        if (sync != SyncMode.LOCKFREE)
        {
            return NONE;
        }
        final Deferral shared = workers < 2 ? NONE : HOT;
        if (data.dimension() > MAX_COPY_FEATURES || data.rows() == 0)
        {
            return shared;
        }
        final double intervalNonZeros = (double)ALL.coldStoreSamples(workers, data) * data.nnz() / data.rows();
        final int fraction = workers < 2 ? ALONE_STORE_PASS_FRACTION : STORE_PASS_FRACTION;
        return data.dimension() * fraction <= intervalNonZeros ? ALL : shared;
    }
}
