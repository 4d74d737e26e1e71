package io.hogwild.common.data;

import java.util.Arrays;

/**
 * A growable block of rows in compressed sparse row form, on the heap: what a parser or the generator
 * fills before {@link DatasetWriter} writes one or more blocks, in order, to a dataset file.
 * Feature indices are 0-based here (LIBSVM index minus one).
 */
public final class CsrChunk implements java.io.Serializable
{
    private static final long serialVersionUID = 1L;

    private byte[] labels;
    private int[] rowEnds;
    private int[] indices;
    private float[] values;
    private int rows;
    private int nnz;
    private int maxIndex = -1;
    private int positives;

    /** An empty chunk that grows as rows are added. */
    public CsrChunk()
    {
        this(1024, 16 * 1024);
    }

    /**
     * An empty chunk with room for about {@code expectedRows} rows and {@code expectedEntries} entries before
     * it grows: a good guess saves the copies of growing and the fresh memory they touch.
     */
    public CsrChunk(final int expectedRows, final int expectedEntries)
    {
        labels = new byte[Math.max(16, expectedRows)];
        rowEnds = new int[labels.length];
        indices = new int[Math.max(16, expectedEntries)];
        values = new float[indices.length];
    }

    /** The (0-based) index of the feature added last. */
    public int lastIndex()
    {
        return indices[nnz - 1];
    }

    /** Appends one feature of the row being built; the caller keeps indices ascending. */
    public void addFeature(final int index, final float value)
    {
        if (nnz == indices.length)
        {
            final int capacity = growCapacity(nnz);
            indices = Arrays.copyOf(indices, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        indices[nnz] = index;
        values[nnz] = value;
        nnz++;
        if (index > maxIndex)
        {
            maxIndex = index;
        }
    }

    /** Ends the row whose features were added since the last call, with label +1 or -1. */
    public void endRow(final int label)
    {
        if (rows == labels.length)
        {
            final int capacity = growCapacity(rows);
            labels = Arrays.copyOf(labels, capacity);
            rowEnds = Arrays.copyOf(rowEnds, capacity);
        }
        labels[rows] = (byte)label;
        rowEnds[rows] = nnz;
        rows++;
        if (label > 0)
        {
            positives++;
        }
    }

    /** Drops the features added since the last {@link #endRow}. */
    public void discardRow()
    {
        nnz = rows == 0 ? 0 : rowEnds[rows - 1];
    }

    public int rows()
    {
        return rows;
    }

    public int nnz()
    {
        return nnz;
    }

    /** Largest 0-based feature index seen, or -1. */
    public int maxIndex()
    {
        return maxIndex;
    }

    public int positives()
    {
        return positives;
    }

    public int label(final int row)
    {
        return labels[row];
    }

    /** Exclusive end of row {@code row} in the entry arrays. */
    public int rowEnd(final int row)
    {
        return rowEnds[row];
    }

    public int index(final int entry)
    {
        return indices[entry];
    }

    public float value(final int entry)
    {
        return values[entry];
    }

    private static int growCapacity(final int size)
    {
        final long capacity = Math.max(16, (long)size + (size >> 1));
        if (capacity > Integer.MAX_VALUE - 8)
        {
            if (size >= Integer.MAX_VALUE - 8)
            {
                throw new IllegalStateException("a block of more than 2^31 entries; split the input");
            }
            return Integer.MAX_VALUE - 8;
        }
        return (int)capacity;
    }
}
