package io.hogwild.spark;

import java.io.Serializable;

import io.hogwild.common.data.CsrChunk;
import io.hogwild.common.sgd.DataSplit;

/**
 * One partition of a LIBSVM file, parsed once into CSR arrays and cached by Spark: the rows a partition
 * walks every iteration without parsing text again.
 *
 * @param firstRow the global (0-based) index of the partition's first row in the file, which decides
 *                 the validation split exactly as {@code train} does
 * @param rows     the rows, 0-based feature indices
 */
public record Shard(long firstRow, CsrChunk rows) implements Serializable
{
    /**
     * Whether row {@code row} of this partition is held out for validation: {@link DataSplit#isValidation} of
     * its source row, the same rows {@code train} holds out of a dataset file converted from the same text.
     */
    public boolean isValidation(final int row, final long seed, final double validationFraction)
    {
        return DataSplit.isValidation(seed, firstRow + row, validationFraction);
    }

    public int rowStart(final int row)
    {
        return row == 0 ? 0 : rows.rowEnd(row - 1);
    }

    /** w . x of {@code row}; features at or beyond {@code weights.length} have weight 0. */
    public double dot(final int row, final double[] weights)
    {
        final int end = rows.rowEnd(row);
        double dot = 0;
        for (int k = rowStart(row); k < end; k++)
        {
            final int index = rows.index(k);
            if (index < weights.length)
            {
                dot += weights[index] * rows.value(k);
            }
        }
        return dot;
    }
}
