package io.hogwild.common.sgd;

import java.util.Arrays;
import java.util.SplittableRandom;

import io.hogwild.common.data.Dataset;

/**
 * How the rows of a training file are split, the same way in the coordinator and in every worker: a row
 * is held out for validation when a hash of (seed, source row) falls below the validation fraction, the
 * source row being its 0-based ordinal among the data lines of the LIBSVM text (blank and comment lines do
 * not count; not its place in the dataset file, which stores rows shuffled), so
 * that Spark, reading the text, holds out the same rows, and a file converted again splits as before; the other
 * rows are cut into blocks of {@code blockLength} consecutive training rows, walked block by block in a new
 * shuffled order of the blocks each epoch, drawn from (seed, worker, epoch), so that a run and a resumed
 * run see the same orders; the rows of a block are walked in file order. A training run's workers share
 * one such order of all the blocks an epoch and take it in chunks ({@link EpochChunks}); {@link #shard}
 * deals the blocks round-robin into fixed shards instead, as the benchmarks do.
 *
 * <p>Why blocks: a row is a few hundred bytes of CSR entries, and a walk that jumps to a random row each
 * time pays a cache and TLB miss for each, which bounds the kernel by memory latency (0.8 M samples/s
 * against 4.4 M in file order on the default data). Blocks of consecutive rows let the hardware
 * prefetcher stream them, while the shuffled block order keeps the epoch's order random at the scale that
 * matters to SGD. With a block length of 1 this is a plain row shuffle and a round-robin deal.
 */
public final class DataSplit
{
    private DataSplit()
    {
    }

    /** True when the row at {@code row} of {@code data} belongs to the validation split. */
    public static boolean isValidation(final Dataset data, final long seed, final long row,
        final double validationFraction)
    {
        return validationFraction > 0 && isValidation(seed, data.sourceRow(row), validationFraction);
    }

    /**
     * True when source row {@code sourceRow} (the 0-based ordinal of its line among the data lines of the
     * LIBSVM text) belongs to the validation split.
     */
    public static boolean isValidation(final long seed, final long sourceRow, final double validationFraction)
    {
        if (validationFraction <= 0)
        {
            return false;
        }
        final long bits = mix(seed ^ 0x5DEECE66DL, sourceRow);
        return (bits >>> 11) * 0x1.0p-53 < validationFraction;
    }

    /**
     * The rows of {@code data} held out for validation, ascending: what the coordinator scores after each
     * epoch ({@link Evaluation#of}).
     */
    public static int[] validationRows(final Dataset data, final long seed, final double validationFraction)
    {
        if (data.rows() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("more than 2^31 rows in " + data.path());
        }
        int[] rows = new int[0];
        int count = 0;
        for (int row = 0; row < data.rows(); row++)
        {
            if (isValidation(data, seed, row, validationFraction))
            {
                if (count == rows.length)
                {
                    rows = Arrays.copyOf(rows, Math.max(1024, 2 * count));
                }
                rows[count++] = row;
            }
        }
        return Arrays.copyOf(rows, count);
    }

    /** Number of training rows (not held out) in {@code data}. */
    public static long trainRows(final Dataset data, final long seed, final double validationFraction)
    {
        long count = 0;
        for (long row = 0; row < data.rows(); row++)
        {
            if (!isValidation(data, seed, row, validationFraction))
            {
                count++;
            }
        }
        return count;
    }

    /** The training rows of worker {@code worker} of {@code workers}, dealt row by row, in file order. */
    public static int[] shard(final Dataset data, final long seed, final double validationFraction,
        final int worker, final int workers)
    {
        return shard(data, seed, validationFraction, worker, workers, 1);
    }

    /**
     * The training rows of worker {@code worker} of {@code workers}: the blocks of {@code blockLength}
     * consecutive training rows numbered {@code worker}, {@code worker + workers}, ..., in file order.
     */
    public static int[] shard(final Dataset data, final long seed, final double validationFraction,
        final int worker, final int workers, final int blockLength)
    {
        if (data.rows() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("more than 2^31 rows in " + data.path());
        }
        final long trainRows = trainRows(data, seed, validationFraction);
        int size = 0;
        for (long ordinal = 0; ordinal < trainRows; ordinal++)
        {
            if ((ordinal / blockLength) % workers == worker)
            {
                size++;
            }
        }
        final int[] shard = new int[size];
        long ordinal = 0;
        int n = 0;
        for (int row = 0; row < data.rows(); row++)
        {
            if (!isValidation(data, seed, row, validationFraction))
            {
                if ((ordinal / blockLength) % workers == worker)
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
        shuffle(order, order.length, seed, worker, epoch);
    }

    /** Shuffles {@code values[0, length)} in place for {@code epoch} of {@code worker} (Fisher-Yates). */
    private static void shuffle(final int[] values, final int length, final long seed, final int worker,
        final long epoch)
    {
        final SplittableRandom random = new SplittableRandom(mix(mix(seed, worker), epoch));
        for (int i = length - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    /**
     * Writes into {@code order} the rows of {@code shard} in {@code epoch}'s order for {@code worker}: its
     * blocks of {@code blockLength} consecutive entries in shuffled order, each block's rows in file order.
     * {@code blocks} is scratch space of at least {@link #blockCount} entries, so that nothing is allocated.
     * A block length of 1 gives exactly {@link #shuffle}'s order (the same permutation, drawn from the same
     * stream, of single-row blocks).
     */
    public static void blockOrder(final int[] shard, final int[] order, final int[] blocks, final int blockLength,
        final long seed, final int worker, final long epoch)
    {
        final int count = blockCount(shard.length, blockLength);
        permutation(blocks, count, seed, worker, epoch);
        int out = 0;
        for (int b = 0; b < count; b++)
        {
            final int from = blocks[b] * blockLength;
            final int length = Math.min(blockLength, shard.length - from);
            System.arraycopy(shard, from, order, out, length);
            out += length;
        }
    }

    /**
     * Writes into {@code values[0, count)} the numbers {@code 0 .. count - 1} in {@code epoch}'s shuffled order
     * for {@code worker}: the block order of {@link #blockOrder}.
     */
    public static void permutation(final int[] values, final int count, final long seed, final int worker,
        final long epoch)
    {
        for (int b = 0; b < count; b++)
        {
            values[b] = b;
        }
        shuffle(values, count, seed, worker, epoch);
    }

    /** Blocks of {@code blockLength} in {@code rows} rows (the last may be shorter). */
    public static int blockCount(final int rows, final int blockLength)
    {
        return (rows + blockLength - 1) / blockLength;
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
