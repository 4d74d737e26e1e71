package io.hogwild.common.sgd;

import io.hogwild.common.data.Dataset;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Mean loss and accuracy of a linear model on rows of a dataset. Features beyond the model's dimension
 * have weight 0 (a test file may hold features the training file never had); they are counted.
 *
 * @param rows              the rows scored
 * @param meanLoss          mean loss over them (without the regulariser)
 * @param accuracy          the fraction whose sign of {@code w . x} matches the label ({@code w . x = 0} is
 *                          scored as -1, as liblinear does)
 * @param unseenFeatureRows rows that hold at least one feature the training data never held (weight 0)
 */
public record Evaluation(long rows, double meanLoss, double accuracy, long unseenFeatureRows)
{
    /** Which rows to score. */
    public interface RowFilter
    {
        boolean test(long row);
    }

    /** Scores the rows of {@code data} that {@code filter} accepts against {@code weights}. */
    public static Evaluation of(final Dataset data, final RowFilter filter, final UnsafeBuffer weights,
        final Loss loss)
    {
        return of(data, filter, weights, loss, weights.capacity() / Float.BYTES);
    }

    /**
     * Scores the rows that {@code filter} admits; a feature at or beyond {@code trainedDimension} (the
     * training data's) counts its row as unseen.
     */
    public static Evaluation of(final Dataset data, final RowFilter filter, final UnsafeBuffer weights,
        final Loss loss, final long trainedDimension)
    {
        final long dimension = weights.capacity() / Float.BYTES;
        long rows = 0;
        long correct = 0;
        long unseen = 0;
        double lossSum = 0;
        for (long row = 0; row < data.rows(); row++)
        {
            if (!filter.test(row))
            {
                continue;
            }
            final long end = data.rowStart(row + 1);
            double dot = 0;
            boolean beyond = false;
            for (long k = data.rowStart(row); k < end; k++)
            {
                final int index = data.index(k);
                if (index < dimension)
                {
                    dot += weights.getFloat(index << 2) * data.value(k);
                }
                beyond |= index >= trainedDimension;
            }
            final int label = data.label(row);
            rows++;
            lossSum += loss.value(label * dot);
            if ((dot > 0 ? 1 : -1) == label)
            {
                correct++;
            }
            if (beyond)
            {
                unseen++;
            }
        }
        return new Evaluation(rows, rows == 0 ? Double.NaN : lossSum / rows,
            rows == 0 ? Double.NaN : (double)correct / rows, unseen);
    }
}
