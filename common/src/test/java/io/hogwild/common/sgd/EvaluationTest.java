package io.hogwild.common.sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import io.hogwild.common.data.SyntheticData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldScoreInParallelPiecesWhatARowByRowLoopScores() throws IOException
    {
        // Several pieces of listed rows and a last short one, copied and read in place; a model narrower than the data, so some rows are unseen.
        final int rows = 10 * Evaluation.PIECE_ROWS + 1_234;
        final Path file = dir.resolve("eval.hwd");
        DatasetWriter.write(file, List.of(new SyntheticData(400, 12, 5).generate(rows, 1)), 400, SourceInfo.GENERATED);
        final int modelDimension = 380;
        final UnsafeBuffer weights = new UnsafeBuffer(ByteBuffer.allocateDirect(modelDimension * Float.BYTES));
        final Random random = new Random(3);
        for (int u = 0; u < modelDimension; u++)
        {
            weights.putFloat(u * Float.BYTES, (float)random.nextGaussian());
        }
        final int[] everyThird = IntStream.range(0, rows).filter(row -> row % 3 == 1).toArray();
        try (Dataset data = Dataset.open(file))
        {
            for (final long maxCopyBytes : new long[] {ScoredRows.MAX_COPY_BYTES, 0})
            {
                final ScoredRows listed = ScoredRows.of(data, everyThird, maxCopyBytes);
                final ScoredRows all = ScoredRows.of(data, null, maxCopyBytes);
                assertEquals(maxCopyBytes > 0, listed.copied() && all.copied());
                assertScoresAsALoop(data, everyThird, listed, weights);
                assertScoresAsALoop(data, null, all, weights);
            }
        }
    }

    /** {@code Evaluation.of(scored, ...)} against a plain loop over rows {@code rows} (null: all) of {@code data}. */
    private static void assertScoresAsALoop(final Dataset data, final int[] rows, final ScoredRows scored,
        final UnsafeBuffer weights)
    {
        final int modelDimension = weights.capacity() / Float.BYTES;
        final int count = rows == null ? (int)data.rows() : rows.length;
        long correct = 0;
        long unseen = 0;
        double lossSum = 0;
        for (int i = 0; i < count; i++)
        {
            final int row = rows == null ? i : rows[i];
            double dot = 0;
            boolean beyond = false;
            for (long k = data.rowStart(row); k < data.rowStart(row + 1); k++)
            {
                final int index = data.index(k);
                dot += index < modelDimension ? weights.getFloat(index * Float.BYTES) * data.value(k) : 0;
                beyond |= index >= 390;
            }
            lossSum += Loss.LOGISTIC.value(data.label(row) * dot);
            correct += (dot > 0 ? 1 : -1) == data.label(row) ? 1 : 0;
            unseen += beyond ? 1 : 0;
        }
        final Evaluation evaluation = Evaluation.of(scored, weights, Loss.LOGISTIC, 390);
        assertEquals(count, evaluation.rows());
        assertEquals((double)correct / count, evaluation.accuracy());
        assertEquals(unseen, evaluation.unseenFeatureRows());
        assertTrue(unseen > 0 && unseen < count, unseen + " unseen rows");
        // Only the order of the additions differs.
        assertEquals(lossSum / count, evaluation.meanLoss(), 1e-12 * Math.abs(lossSum / count));
        // The pieces are added in row order: the same result every time, whatever the threads did.
        for (int again = 0; again < 5; again++)
        {
            assertEquals(evaluation, Evaluation.of(scored, weights, Loss.LOGISTIC, 390));
        }
    }
}
