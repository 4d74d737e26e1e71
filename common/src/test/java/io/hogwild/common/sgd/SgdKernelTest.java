package io.hogwild.common.sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import io.hogwild.common.data.CsrChunk;
import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import io.hogwild.common.data.SyntheticData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SgdKernelTest
{
    @TempDir
    Path dir;

    private Dataset twoRows() throws IOException
    {
        final CsrChunk chunk = new CsrChunk();
        chunk.addFeature(0, 1f);
        chunk.addFeature(2, 2f);
        chunk.endRow(1);
        chunk.addFeature(1, 1f);
        chunk.endRow(-1);
        final Path file = dir.resolve("two.hwd");
        DatasetWriter.write(file, List.of(chunk), 3, SourceInfo.GENERATED);
        return Dataset.open(file);
    }

    private static UnsafeBuffer floats(final float... values)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(values.length * Float.BYTES));
        for (int i = 0; i < values.length; i++)
        {
            buffer.putFloat(i * Float.BYTES, values[i]);
        }
        return buffer;
    }

    @Test
    void shouldTakeTheHingeStepOnTouchedCoordinatesOnly() throws IOException
    {
        try (Dataset data = twoRows())
        {
            final UnsafeBuffer w = floats(0.5f, 0.25f, 0f);
            final UnsafeBuffer c = floats(0.1f, 0.2f, 0.4f);
            final SgdKernel kernel = new SgdKernel(data, w, c, Loss.HINGE, 1);
            // Row 0: margin 1 * (0.5 * 1 + 0 * 2) = 0.5 < 1, so the gradient is -y x = (-1, 0, -2).
            final double loss = kernel.train(new int[] {0}, 0, 1, 0.5);
            assertEquals(0.5, loss, 1e-12);
            assertEquals(0.5f - 0.5f * 0.1f * 0.5f + 0.5f * 1f, w.getFloat(0), 1e-6f);
            assertEquals(0.25f, w.getFloat(4), "coordinate 1 is not in row 0 and must not move");
            assertEquals(0f + 0.5f * 2f, w.getFloat(8), 1e-6f);
        }
    }

    @Test
    void shouldTakeEveryMarginOfABatchBeforeApplyingAny() throws IOException
    {
        try (Dataset data = twoRows())
        {
            final UnsafeBuffer w = floats(0f, 0f, 0f);
            final UnsafeBuffer c = floats(0f, 0f, 0f);
            final SgdKernel kernel = new SgdKernel(data, w, c, Loss.LOGISTIC, 2);
            final double loss = kernel.train(new int[] {0, 1}, 0, 2, 1.0);
            assertEquals(2 * Math.log(2), loss, 1e-12);
            // Both margins 0: derivative -1/2 each, step 1/2 each: w += 0.25 * y * x.
            assertEquals(0.25f, w.getFloat(0), 1e-7f);
            assertEquals(-0.25f, w.getFloat(4), 1e-7f);
            assertEquals(0.5f, w.getFloat(8), 1e-7f);
        }
    }

    @Test
    void shouldCapTheRegularisationShrinkAtTheWholeWeight() throws IOException
    {
        try (Dataset data = twoRows())
        {
            final UnsafeBuffer w = floats(0f, 3f, 0f);
            final UnsafeBuffer c = floats(0f, 1000f, 0f);
            // Row 1 (label -1, x_1 = 1), w . x = 3: margin -3, hinge gradient +x; shrink capped at 1.
            new SgdKernel(data, w, c, Loss.HINGE, 1).train(new int[] {1}, 0, 1, 0.1);
            assertEquals(-0.1f, w.getFloat(4), 1e-6f);
        }
    }

    @Test
    void shouldLearnASyntheticSeparator() throws IOException
    {
        final SyntheticData generator = new SyntheticData(500, 20, 3);
        final Path file = dir.resolve("synthetic.hwd");
        DatasetWriter.write(file, List.of(generator.generate(4000, 4)), 500, SourceInfo.GENERATED);
        try (Dataset data = Dataset.open(file))
        {
            final UnsafeBuffer w = floats(new float[500]);
            final UnsafeBuffer c = floats(Regularisation.coefficients(data, 1, 0, 1e-6, 500));
            final SgdKernel kernel = new SgdKernel(data, w, c, Loss.HINGE, 1);
            final int[] order = DataSplit.shard(data, 1, 0, 0, 1);
            double first = 0;
            double last = 0;
            for (int epoch = 1; epoch <= 10; epoch++)
            {
                DataSplit.shuffle(order, 1, 0, epoch);
                last = kernel.train(order, 0, order.length, 0.5 * Math.pow(0.9, epoch - 1)) / order.length;
                first = epoch == 1 ? last : first;
            }
            final Evaluation evaluation = Evaluation.of(data, row -> true, w, Loss.HINGE);
            assertTrue(last < first, "progressive loss fell from " + first + " to " + last);
            assertTrue(evaluation.accuracy() > 0.9, "training accuracy " + evaluation.accuracy());
        }
    }

    /** Counts its lock and unlock calls, and checks that they alternate. */
    private static final class CountingGuard implements io.hogwild.common.sync.UpdateGuard
    {
        int locks;
        boolean held;

        @Override
        public void lock()
        {
            assertTrue(!held, "lock taken twice");
            held = true;
            locks++;
        }

        @Override
        public void unlock()
        {
            assertTrue(held, "unlock without lock");
            held = false;
        }
    }

    @Test
    void shouldGiveTheSameStepInEverySyncModeOnOneThread() throws IOException
    {
        final SyntheticData generator = new SyntheticData(300, 15, 9);
        final Path file = dir.resolve("modes.hwd");
        DatasetWriter.write(file, List.of(generator.generate(2000, 10)), 300, SourceInfo.GENERATED);
        try (Dataset data = Dataset.open(file))
        {
            final UnsafeBuffer c = floats(Regularisation.coefficients(data, 1, 0, 1e-4, 300));
            final int[] order = DataSplit.shard(data, 1, 0, 0, 1);
            DataSplit.shuffle(order, 1, 0, 1);
            final UnsafeBuffer reference = floats(new float[300]);
            final double referenceLoss = new SgdKernel(data, reference, c, Loss.LOGISTIC, 3)
                .train(order, 0, order.length, 0.3);
            for (final SyncMode sync : SyncMode.values())
            {
                final CountingGuard guard = sync == SyncMode.LOCK || sync == SyncMode.FILELOCK ? new CountingGuard() : null;
                final UnsafeBuffer w = floats(new float[300]);
                final double loss = new SgdKernel(data, w, c, Loss.LOGISTIC, 3, sync, guard)
                    .train(order, 0, order.length, 0.3);
                assertEquals(referenceLoss, loss, 0, sync.cliName());
                for (int u = 0; u < 300; u++)
                {
                    assertEquals(reference.getFloat(u * 4), w.getFloat(u * 4), sync.cliName() + " weight " + u);
                }
                if (guard != null)
                {
                    assertEquals((order.length + 2) / 3, guard.locks, "one lock per mini-batch");
                    assertTrue(!guard.held, "released at the end");
                }
            }
        }
    }

    @Test
    void shouldRefuseALockForTheModesWithoutAndNoneForTheModesWith() throws IOException
    {
        try (Dataset data = twoRows())
        {
            final UnsafeBuffer w = floats(0f, 0f, 0f);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SgdKernel(data, w, w, Loss.HINGE, 1, SyncMode.LOCK, null));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SgdKernel(data, w, w, Loss.HINGE, 1, SyncMode.ATOMIC, new CountingGuard()));
        }
    }
}
