package io.hogwild.common.sgd;

import io.hogwild.common.data.Dataset;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The rows that an {@link Evaluation} scores, read once where they can be read fastest: copied out of their
 * dataset into one contiguous table of features (hot slots resolved) and values when the copy is small
 * enough, else read in place. The validation rows are a tenth of a training file, one row every few KiB:
 * scored in place they cost 2.3x as much as the same number of consecutive rows (17 ms against 7.5 ms a pass
 * on the RCV1-shaped data on 2 cores, every epoch) and 3.5x as much as the copy (4.9-5.7 ms), which costs
 * one such pass and 8 bytes an entry.
 */
public final class ScoredRows
{
    /** The largest copy, in bytes; larger sets of rows, or copies over a quarter of the heap, are read in place. */
    static final long MAX_COPY_BYTES = 512L << 20;

    private final Dataset data;
    /** The rows scored in place, ascending; null for every row of {@link #data} (also when copied). */
    private final int[] rowList;
    private final long count;
    /** The copy: where each row's entries start in {@link #features} and {@link #values} (count + 1); else null. */
    private final int[] starts;
    private final int[] features;
    private final float[] values;
    private final byte[] labels;

    private ScoredRows(final Dataset data, final int[] rowList, final long count, final int[] starts,
        final int[] features, final float[] values, final byte[] labels)
    {
        this.data = data;
        this.rowList = rowList;
        this.count = count;
        this.starts = starts;
        this.features = features;
        this.values = values;
        this.labels = labels;
    }

    /** Every row of {@code data}. */
    public static ScoredRows all(final Dataset data)
    {
        return of(data, null);
    }

    /**
     * The bytes that the copies of a JVM may take together: {@value #MAX_COPY_BYTES}, and at most a quarter of
     * its heap less {@code reservedBytes} (what else the caller keeps on the heap that grows with the data).
     */
    public static long copyBudget(final long reservedBytes)
    {
        return Math.max(0, Math.min(MAX_COPY_BYTES, Runtime.getRuntime().maxMemory() / 4 - reservedBytes));
    }

    /** Rows {@code rows} of {@code data} (ascending; null for every row), copied within {@link #copyBudget}(0). */
    public static ScoredRows of(final Dataset data, final int[] rows)
    {
        return of(data, rows, copyBudget(0));
    }

    /**
     * Rows {@code rows} of {@code data} (ascending row numbers; null for every row), copied when the copy
     * takes at most {@code maxCopyBytes} bytes and the heap has room for it, else read in place.
     */
    public static ScoredRows of(final Dataset data, final int[] rows, final long maxCopyBytes)
    {
        final long count = rows == null ? data.rows() : rows.length;
        long entries = 0;
        for (long i = 0; i < count; i++)
        {
            final long row = rows == null ? i : rows[(int)i];
            entries += data.rowStart(row + 1) - data.rowStart(row);
        }
        if (copyBytes(entries, count) > maxCopyBytes || entries > Integer.MAX_VALUE - 8)
        {
            return new ScoredRows(data, rows, count, null, null, null, null);
        }
        final int[] starts;
        final int[] features;
        final float[] values;
        final byte[] labels;
        try
        {
            starts = new int[(int)count + 1];
            features = new int[(int)entries];
            values = new float[(int)entries];
            labels = new byte[(int)count];
        }
        catch (final OutOfMemoryError ex)
        {
            // The copy is a speed-up: without room for it the rows are scored where they lie.
            return new ScoredRows(data, rows, count, null, null, null, null);
        }
        int next = 0;
        for (int i = 0; i < count; i++)
        {
            final long row = rows == null ? i : rows[i];
            starts[i] = next;
            for (long k = data.rowStart(row), end = data.rowStart(row + 1); k < end; k++)
            {
                features[next] = data.index(k);
                values[next++] = data.value(k);
            }
            labels[i] = (byte)data.label(row);
        }
        starts[(int)count] = next;
        return new ScoredRows(null, null, count, starts, features, values, labels);
    }

    /** The rows scored. */
    public long count()
    {
        return count;
    }

    /** Bytes of the copy on the heap; 0 when the rows are read in place. */
    public long copyBytes()
    {
        return starts == null ? 0 : copyBytes(features.length, labels.length);
    }

    /**
     * Bytes of a copy of {@code count} rows of {@code entries} entries: a feature and a value an entry, a start and
     * a label a row.
     */
    private static long copyBytes(final long entries, final long count)
    {
        return entries * (Integer.BYTES + Float.BYTES) + count * (Integer.BYTES + 1);
    }

    /** True when the rows were copied, false when they are read in place. */
    public boolean copied()
    {
        return starts != null;
    }

    /** Scores the rows {@code [first, last)} of this set into {@code tally}. */
    void score(final long first, final long last, final UnsafeBuffer weights, final long dimension,
        final Evaluation.Tally tally)
    {
        if (starts != null)
        {
            scoreCopy((int)first, (int)last, weights, dimension, tally);
        }
        else
        {
            scoreInPlace(first, last, weights, dimension, tally);
        }
    }

    // Two methods, not two loops in one: each is compiled for the one table it reads.
    private void scoreCopy(final int first, final int last, final UnsafeBuffer weights, final long dimension,
        final Evaluation.Tally tally)
    {
        for (int i = first; i < last; i++)
        {
            double dot = 0;
            int max = -1;
            for (int k = starts[i], end = starts[i + 1]; k < end; k++)
            {
                final int feature = features[k];
                dot += feature < dimension ? weights.getFloat(feature << 2) * values[k] : 0;
                max = Math.max(max, feature);
            }
            tally.add(labels[i], dot, max);
        }
    }

    private void scoreInPlace(final long first, final long last, final UnsafeBuffer weights, final long dimension,
        final Evaluation.Tally tally)
    {
        for (long i = first; i < last; i++)
        {
            final long row = rowList == null ? i : rowList[(int)i];
            double dot = 0;
            int max = -1;
            for (long k = data.rowStart(row), end = data.rowStart(row + 1); k < end; k++)
            {
                final int feature = data.index(k);
                dot += feature < dimension ? weights.getFloat(feature << 2) * data.value(k) : 0;
                max = Math.max(max, feature);
            }
            tally.add(data.label(row), dot, max);
        }
    }
}
