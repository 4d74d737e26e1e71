package io.hogwild.common.sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

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
        // Several pieces and a last short one; a model narrower than the data, so some rows are unseen.
        final int rows = 3 * Evaluation.PIECE_ROWS + 1_234;
        final Path file = dir.resolve("eval.hwd");
        DatasetWriter.write(file, List.of(new SyntheticData(400, 12, 5).generate(rows, 1)), 400, SourceInfo.GENERATED);
        final int modelDimension = 380;
        final UnsafeBuffer weights = new UnsafeBuffer(ByteBuffer.allocateDirect(modelDimension * Float.BYTES));
        final Random random = new Random(3);
        for (int u = 0; u < modelDimension; u++)
        {
            weights.putFloat(u * Float.BYTES, (float)random.nextGaussian());
        }
        final Evaluation.RowFilter everyThird = row -> row % 3 == 1;
        try (Dataset data = Dataset.open(file))
        {
            long scored = 0;
            long correct = 0;
            long unseen = 0;
            double lossSum = 0;
            for (long row = 0; row < data.rows(); row++)
            {
                if (!everyThird.test(row))
                {
                    continue;
                }
                double dot = 0;
                boolean beyond = false;
                for (long k = data.rowStart(row); k < data.rowStart(row + 1); k++)
                {
                    final int index = data.index(k);
                    dot += index < modelDimension ? weights.getFloat(index * Float.BYTES) * data.value(k) : 0;
                    beyond |= index >= 390;
                }
                scored++;
                lossSum += Loss.LOGISTIC.value(data.label(row) * dot);
                correct += (dot > 0 ? 1 : -1) == data.label(row) ? 1 : 0;
                unseen += beyond ? 1 : 0;
            }
            final Evaluation evaluation = Evaluation.of(data, everyThird, weights, Loss.LOGISTIC, 390);
            assertEquals(scored, evaluation.rows());
            assertEquals((double)correct / scored, evaluation.accuracy());
            assertEquals(unseen, evaluation.unseenFeatureRows());
            assertTrue(unseen > 0 && unseen < scored, unseen + " unseen rows");
            // Only the order of the additions differs.
            assertEquals(lossSum / scored, evaluation.meanLoss(), 1e-12 * Math.abs(lossSum / scored));
            // The pieces are added in row order: the same result every time, whatever the threads did.
            for (int again = 0; again < 5; again++)
            {
                assertEquals(evaluation, Evaluation.of(data, everyThird, weights, Loss.LOGISTIC, 390));
            }
        }
    }
}
