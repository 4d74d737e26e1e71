package io.hogwild.spark;

import java.io.Serializable;

import io.hogwild.common.sgd.Evaluation;
import io.hogwild.common.sgd.Loss;

/**
 * Loss and accuracy of a model on the rows of some shards, summed across partitions: scored as
 * {@link Evaluation} scores a mapped dataset (w . x = 0 counts as -1; features beyond the training
 * dimension have weight 0 and mark their row as unseen).
 */
public final class Scores implements Serializable
{
    private static final long serialVersionUID = 1L;

    /** Which rows of a shard to score. */
    public enum Rows
    {
        /** The rows held out for validation. */
        VALIDATION,
        /** Every row (test data). */
        ALL
    }

    private long rows;
    private long correct;
    private long unseen;
    private double lossSum;

    /** Scores the chosen rows of {@code shard}; a feature at or beyond {@code trainedDimension} marks its row unseen. */
    public Scores add(final Shard shard, final double[] weights, final Loss loss, final Rows which, final long seed,
        final double valFraction, final int trainedDimension)
    {
        final int count = shard.rows().rows();
        for (int row = 0; row < count; row++)
        {
            if (which == Rows.VALIDATION && !shard.isValidation(row, seed, valFraction))
            {
                continue;
            }
            final double dot = shard.dot(row, weights);
            final int label = shard.rows().label(row);
            rows++;
            lossSum += loss.value(label * dot);
            if ((dot > 0 ? 1 : -1) == label)
            {
                correct++;
            }
            final int end = shard.rows().rowEnd(row);
            for (int k = shard.rowStart(row); k < end; k++)
            {
                if (shard.rows().index(k) >= trainedDimension)
                {
                    unseen++;
                    break;
                }
            }
        }
        return this;
    }

    public Scores merge(final Scores other)
    {
        rows += other.rows;
        correct += other.correct;
        unseen += other.unseen;
        lossSum += other.lossSum;
        return this;
    }

    /** As an {@link Evaluation} (NaN loss and accuracy when no row was scored). */
    public Evaluation evaluation()
    {
        return new Evaluation(rows, rows == 0 ? Double.NaN : lossSum / rows,
            rows == 0 ? Double.NaN : (double)correct / rows, unseen);
    }
}
