package io.hogwild.common.sgd;

import java.util.SplittableRandom;

import io.hogwild.common.data.Dataset;

/**
 * How the rows of a training file are split, the same way in the coordinator and in every worker: a row
 * is held out for validation when a hash of (seed, row) falls below the validation fraction; the other
 * rows are dealt round-robin to the workers. Each worker walks its shard in a new shuffled order each
 * epoch, drawn from (seed, worker, epoch), so that a run and a resumed run see the same orders.
 */
public final class DataSplit
{
    private DataSplit()
    {
    }

    /** True when {@code row} belongs to the validation split. */
    public static boolean isValidation(final long seed, final long row, final double validationFraction)
    {
        if (validationFraction <= 0)
        {
            return false;
        }
        final long bits = mix(seed ^ 0x5DEECE66DL, row);
        return (bits >>> 11) * 0x1.0p-53 < validationFraction;
    }

    /** Number of training rows (not held out) in {@code data}. */
    public static long trainRows(final Dataset data, final long seed, final double validationFraction)
    {
        long count = 0;
        for (long row = 0; row < data.rows(); row++)
        {
            if (!isValidation(seed, row, validationFraction))
            {
                count++;
            }
        }
        return count;
    }

    /** The training rows of worker {@code worker} of {@code workers}, in file order. */
    public static int[] shard(final Dataset data, final long seed, final double validationFraction,
        final int worker, final int workers)
    {
        if (data.rows() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("more than 2^31 rows in " + data.path());
        }
        final long trainRows = trainRows(data, seed, validationFraction);
        final int size = (int)(trainRows / workers + (worker < trainRows % workers ? 1 : 0));
        final int[] shard = new int[size];
        long ordinal = 0;
        int n = 0;
        for (int row = 0; row < data.rows(); row++)
        {
            if (!isValidation(seed, row, validationFraction))
            {
                if (ordinal % workers == worker)
                {
                    shard[n++] = row;
                }
                ordinal++;
            }
        }
        return shard;
    }

    /** Shuffles {@code order} in place for {@code epoch} of {@code worker} (Fisher-Yates). */
    public static void shuffle(final int[] order, final long seed, final int worker, final long epoch)
    {
        final SplittableRandom random = new SplittableRandom(mix(mix(seed, worker), epoch));
        for (int i = order.length - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** A 64-bit mix of two values (SplitMix64's finaliser over their combination). */
    static long mix(final long a, final long b)
    {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
