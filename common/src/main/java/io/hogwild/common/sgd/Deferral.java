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

    /** Samples a worker trains between two stores of its hot updates. */
    public static final int HOT_STORE_SAMPLES = 256;
    /**
     * With {@link #ALL}, the samples that all the workers together train between two stores of one worker's
     * cold updates: each worker stores them every {@code COLD_STORE_SAMPLES_TOGETHER / workers} samples (at
     * least {@link #HOT_STORE_SAMPLES}), so that the others' cold updates a worker has not seen yet stay under
     * about twice this many samples' worth, however many workers there are.
     */
    public static final int COLD_STORE_SAMPLES_TOGETHER = 32768;
    /** With {@link #ALL}, a store's pass over the dimension is at most 1/this of the interval's non-zeros. */
    static final int STORE_PASS_FRACTION = 4;

    /** With {@link #ALL}, samples a worker of {@code workers} trains between two stores of its cold updates; else 0. */
    public int coldStoreSamples(final int workers)
    {
        return this == ALL ? Math.max(HOT_STORE_SAMPLES, COLD_STORE_SAMPLES_TOGETHER / Math.max(1, workers)) : 0;
    }

    /**
     * What a worker of a run defers: nothing unless it is lock-free with other workers to share the cache
     * lines with; then the hot features, and every feature when the store's pass over the whole dimension
     * costs at most a quarter of the non-zeros that the rows between two stores hold (the pass is
     * sequential, cheaper than a row's entries, so the stores cost a few per cent of the training). On the
     * RCV1-shaped data (47,236 features, 76 non-zeros a row) that is up to 8 workers; with more, or on data
     * of a million features, only the hot updates are deferred.
     */
    public static Deferral of(final SyncMode sync, final int workers, final Dataset data)
    {
        if (sync != SyncMode.LOCKFREE || workers < 2)
        {
            return NONE;
        }
        final double rowsNonZeros = (double)ALL.coldStoreSamples(workers) * data.nnz() / Math.max(1, data.rows());
        return data.dimension() * STORE_PASS_FRACTION <= rowsNonZeros ? ALL : HOT;
    }
}
