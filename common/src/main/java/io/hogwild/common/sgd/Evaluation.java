package io.hogwild.common.sgd;

import java.util.List;
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
        // An ordered stream's list keeps the pieces in row order, however the threads took them.
        final List<Piece> scored = IntStream.range(0, pieces).parallel()
            .mapToObj(piece -> score(data, filter, weights, loss, dimension, trainedDimension, piece)).toList();
        long rows = 0;
        long correct = 0;
        long unseen = 0;
        double lossSum = 0;
        for (final Piece piece : scored)
        {
            lossSum += piece.lossSum();
            rows += piece.rows();
            correct += piece.correct();
            unseen += piece.unseen();
        }
        return new Evaluation(rows, rows == 0 ? Double.NaN : lossSum / rows,
            rows == 0 ? Double.NaN : (double)correct / rows, unseen);
    }

    /** The sums of one piece's scored rows. */
    private record Piece(long rows, double lossSum, long correct, long unseen)
    {
    }

    /** Scores the admitted rows of piece {@code piece}: rows {@code [piece, piece + 1) x PIECE_ROWS}. */
    private static Piece score(final Dataset data, final RowFilter filter, final UnsafeBuffer weights, final Loss loss,
        final long dimension, final long trainedDimension, final int piece)
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
        return new Piece(rows, lossSum, correct, unseen);
    }
}
