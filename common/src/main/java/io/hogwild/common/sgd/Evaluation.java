package io.hogwild.common.sgd;

import java.util.stream.IntStream;

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
    /** Rows a piece of a parallel evaluation scans. */
    static final int PIECE_ROWS = 16_384;

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
     * training data's) counts its row as unseen. The rows are scored in pieces of {@value #PIECE_ROWS} on the
     * common fork-join pool (the coordinator scores between epochs, while the workers wait and the cores are
     * free), and the pieces are added in row order, so the result does not depend on the threads.
     * {@code filter} must be safe to call from several threads.
     */
    public static Evaluation of(final Dataset data, final RowFilter filter, final UnsafeBuffer weights,
        final Loss loss, final long trainedDimension)
    {
        final long dimension = weights.capacity() / Float.BYTES;
        final int pieces = (int)((data.rows() + PIECE_ROWS - 1) / PIECE_ROWS);
        final double[] lossSums = new double[pieces];
        final long[] counts = new long[pieces * 3];
        IntStream.range(0, pieces).parallel().forEach(piece ->
        {
            final long first = (long)piece * PIECE_ROWS;
            final long last = Math.min(data.rows(), first + PIECE_ROWS);
            long rows = 0;
            long correct = 0;
            long unseen = 0;
            double lossSum = 0;
            for (long row = first; row < last; row++)
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
                correct += (dot > 0 ? 1 : -1) == label ? 1 : 0;
                unseen += beyond ? 1 : 0;
            }
            lossSums[piece] = lossSum;
            counts[3 * piece] = rows;
            counts[3 * piece + 1] = correct;
            counts[3 * piece + 2] = unseen;
        });
        long rows = 0;
        long correct = 0;
        long unseen = 0;
        double lossSum = 0;
        for (int piece = 0; piece < pieces; piece++)
        {
            lossSum += lossSums[piece];
            rows += counts[3 * piece];
            correct += counts[3 * piece + 1];
            unseen += counts[3 * piece + 2];
        }
        return new Evaluation(rows, rows == 0 ? Double.NaN : lossSum / rows,
            rows == 0 ? Double.NaN : (double)correct / rows, unseen);
    }
}
