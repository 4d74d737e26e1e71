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
    /**
     * Rows a piece of a parallel evaluation scores: small enough that the pieces of a set of a few ten
     * thousand rows keep every core busy to the end (16,384 left one core idle for most of a 23,149-row test set).
     */
    static final int PIECE_ROWS = 4_096;

    /** Scores every row of {@code data} against {@code weights}. */
    public static Evaluation of(final Dataset data, final UnsafeBuffer weights, final Loss loss)
    {
        return of(ScoredRows.all(data), weights, loss, weights.capacity() / Float.BYTES);
    }

    /**
     * Scores {@code rows}; a feature at or beyond {@code trainedDimension} (the training data's) counts its
     * row as unseen. The rows are scored in pieces of {@value #PIECE_ROWS} on the common fork-join pool (the
     * coordinator scores between epochs, while the workers wait and the cores are free), and the pieces are
     * added in row order, so the result does not depend on the threads.
     */
    public static Evaluation of(final ScoredRows rows, final UnsafeBuffer weights, final Loss loss,
        final long trainedDimension)
    {
        final long dimension = weights.capacity() / Float.BYTES;
        final long count = rows.count();
        final int pieces = (int)((count + PIECE_ROWS - 1) / PIECE_ROWS);
        // An ordered stream's list keeps the pieces in row order, however the threads took them.
        final List<Tally> scored = IntStream.range(0, pieces).parallel()
            .mapToObj(piece ->
            {
                final Tally tally = new Tally(loss, trainedDimension);
                final long first = (long)piece * PIECE_ROWS;
                rows.score(first, Math.min(count, first + PIECE_ROWS), weights, dimension, tally);
                return tally;
            }).toList();
        long correct = 0;
        long unseen = 0;
        double lossSum = 0;
        for (final Tally piece : scored)
        {
            lossSum += piece.lossSum;
            correct += piece.correct;
            unseen += piece.unseen;
        }
        return new Evaluation(count, count == 0 ? Double.NaN : lossSum / count,
            count == 0 ? Double.NaN : (double)correct / count, unseen);
    }

    /** The sums of one piece's rows, row after row. */
    static final class Tally
    {
        private final Loss loss;
        private final long trainedDimension;
        private double lossSum;
        private long correct;
        private long unseen;

        Tally(final Loss loss, final long trainedDimension)
        {
            this.loss = loss;
            this.trainedDimension = trainedDimension;
        }

        /** A row of label {@code label}, dot product {@code dot} and largest feature {@code maxFeature}. */
        void add(final int label, final double dot, final int maxFeature)
        {
            lossSum += loss.value(label * dot);
            correct += (dot > 0 ? 1 : -1) == label ? 1 : 0;
            unseen += maxFeature >= trainedDimension ? 1 : 0;
        }
    }
}
