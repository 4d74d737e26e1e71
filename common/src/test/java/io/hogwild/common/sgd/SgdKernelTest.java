package io.hogwild.common.sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

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

    /** The file's row that holds the source's row {@code source} (the file stores its rows shuffled). */
    private static int row(final Dataset data, final int source)
    {
        return data.rowsInSourceOrder()[source];
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
            final double loss = kernel.train(new int[] {row(data, 0)}, 0, 1, 0.5);
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
            final double loss = kernel.train(data.rowsInSourceOrder(), 0, 2, 1.0);
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
            new SgdKernel(data, w, c, Loss.HINGE, 1).train(new int[] {row(data, 1)}, 0, 1, 0.1);
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
            final Evaluation evaluation = Evaluation.of(data, w, Loss.HINGE);
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

    /**
     * Every mode computes the same weights, to the bit, on one thread. With a batch of one, the atomic mode
     * walks each row twice (margin, then update) and the others once (margin and shrink together, then the
     * gradient step only where the loss has a slope): the hinge loss, flat past the margin, checks both walks.
     */
    @ParameterizedTest
    @CsvSource({"LOGISTIC, 3", "LOGISTIC, 1", "HINGE, 1", "HINGE, 3"})
    void shouldGiveTheSameStepInEverySyncModeOnOneThread(final Loss lossFunction, final int batch) throws IOException
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
            final double referenceLoss = new SgdKernel(data, reference, c, lossFunction, batch)
                .train(order, 0, order.length, 0.3);
            int flat = 0;
            for (final int row : order)
            {
                flat += lossFunction.derivative(data.label(row) * new SgdKernel(data, reference, c, lossFunction, batch)
                    .dot(row)) == 0 ? 1 : 0;
            }
            if (lossFunction == Loss.HINGE)
            {
                assertTrue(flat > 100 && flat < order.length - 100, flat + " rows past the margin: both walks run");
            }
            for (final SyncMode sync : SyncMode.values())
            {
                final CountingGuard guard = sync == SyncMode.LOCK || sync == SyncMode.FILELOCK ? new CountingGuard() : null;
                final UnsafeBuffer w = floats(new float[300]);
                final double loss = new SgdKernel(data, w, c, lossFunction, batch, sync, guard, Deferral.NONE, 0, 0)
                    .train(order, 0, order.length, 0.3);
                assertEquals(referenceLoss, loss, 0, sync.cliName());
                for (int u = 0; u < 300; u++)
                {
                    assertEquals(reference.getFloat(u * 4), w.getFloat(u * 4), sync.cliName() + " weight " + u);
                }
                if (guard != null)
                {
                    assertEquals((order.length + batch - 1) / batch, guard.locks, "one lock per mini-batch");
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
                () -> new SgdKernel(data, w, w, Loss.HINGE, 1, SyncMode.LOCK, null, Deferral.NONE, 0, 0));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SgdKernel(data, w, w, Loss.HINGE, 1, SyncMode.ATOMIC, new CountingGuard(), Deferral.NONE, 0, 0));
        }
    }

    /** 2,000 rows over 3,000 features: some features are hot (in 1/128 of the rows), most are not. */
    private Dataset hotAndColdRows() throws IOException
    {
        final Path file = dir.resolve("hotcold.hwd");
        DatasetWriter.write(file, List.of(new SyntheticData(3000, 15, 9).generate(2000, 10)), 3000,
            SourceInfo.GENERATED);
        final Dataset data = Dataset.open(file);
        data.verify();
        assertTrue(data.hotFeatureCount() > 10 && data.hotFeatureCount() < 1000, data.hotFeatureCount() + " hot");
        return data;
    }

    /** A lock-free hinge-loss kernel of a batch of one, deferring {@code deferral} at the given intervals. */
    private static SgdKernel deferring(final Dataset data, final UnsafeBuffer weights, final UnsafeBuffer c,
        final Deferral deferral, final int hotStoreSamples, final int coldStoreSamples)
    {
        return new SgdKernel(data, weights, c, Loss.HINGE, 1, SyncMode.LOCKFREE, null, deferral, hotStoreSamples,
            coldStoreSamples);
    }

    /** The regulariser's coefficients of {@link #hotAndColdRows}, lambda 1e-3. */
    private static UnsafeBuffer hotAndColdCoefficients(final Dataset data)
    {
        return floats(Regularisation.coefficients(data, 1, 0, 1e-3, 3000));
    }

    @ParameterizedTest
    @EnumSource(value = Deferral.class, names = {"HOT", "ALL"})
    void shouldComputeWhatThePlainKernelDoesWhenItDefersAlone(final Deferral deferral) throws IOException
    {
        try (Dataset data = hotAndColdRows())
        {
            final UnsafeBuffer c = hotAndColdCoefficients(data);
            final int[] order = DataSplit.shard(data, 1, 0, 0, 1);
            DataSplit.shuffle(order, 1, 0, 1);
            // Four epochs' worth of rows, so that the longer calls pass a store interval of either kind.
            final int[] rows = new int[4 * order.length];
            for (int copy = 0; copy < 4; copy++)
            {
                System.arraycopy(order, 0, rows, copy * order.length, order.length);
            }
            for (final int batch : new int[] {1, 3})
            {
                // Both start from the same non-zero weights: the copies must be taken from them, not assumed zero.
                final float[] start = new float[3000];
                for (int u = 0; u < start.length; u++)
                {
                    start[u] = 0.01f * (u % 7 - 3);
                }
                final UnsafeBuffer plain = floats(start.clone());
                final UnsafeBuffer deferring = floats(start.clone());
                final SgdKernel deferringKernel = new SgdKernel(data, deferring, c, Loss.HINGE, batch, SyncMode.LOCKFREE,
                    null, deferral, deferral.hotStoreSamples(8), deferral.coldStoreSamples(8, data));
                assertEquals(deferral, deferringKernel.deferral());
                double plainLoss = 0;
                double deferringLoss = 0;
                // Calls short and long (past a store interval): the weights hold every update after each call. The step
                // changes from call to call, as from epoch to epoch: the deferring kernel's shrinks must follow it.
                for (int from = 0, call = 0; from < rows.length; call++)
                {
                    final int to = Math.min(rows.length, from + (call % 2 == 0 ? 700 : Deferral.ALL.coldStoreSamples(8, data) + 300));
                    final double step = call % 3 == 2 ? 0.05 : 0.2;
                    plainLoss += new SgdKernel(data, plain, c, Loss.HINGE, batch).train(rows, from, to, step);
                    deferringLoss += deferringKernel.train(rows, from, to, step);
                    for (int u = 0; u < 3000; u++)
                    {
                        assertEquals(plain.getFloat(u * 4), deferring.getFloat(u * 4), 1e-4,
                            "batch " + batch + ", weight " + u + " after row " + to);
                    }
                    from = to;
                }
                assertEquals(plainLoss, deferringLoss, 1e-6 * plainLoss, "batch " + batch);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Deferral.class, names = {"HOT", "ALL"})
    void shouldSeeTheOtherKernelsStoredChangesAfterItsOwnNextStore(final Deferral deferral) throws IOException
    {
        try (Dataset data = hotAndColdRows())
        {
            final UnsafeBuffer c = hotAndColdCoefficients(data);
            final UnsafeBuffer w = floats(new float[3000]);
            final int[] order = DataSplit.shard(data, 1, 0, 0, 1);
            final SgdKernel a = deferring(data, w, c, deferral, Deferral.HOT_STORE_SAMPLES, 512);
            final SgdKernel b = deferring(data, w, c, deferral, Deferral.HOT_STORE_SAMPLES, 512);
            final SgdKernel reader = new SgdKernel(data, w, c, Loss.HINGE, 1);
            b.train(order, 0, 10, 0.2); // b takes its copies of the (zero) weights
            a.train(order, 10, 1000, 0.2); // a stores its changes
            b.train(order, 1000, 1010, 0.2); // b's store at the end takes the shared weights again
            for (int row = 0; row < 50; row++)
            {
                assertEquals(reader.dot(row), b.dot(row), 1e-6, "row " + row + ": b sees the shared weights");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Deferral.class, names = {"HOT", "ALL"})
    void shouldStoreItsHotUpdatesEveryIntervalItIsGiven(final Deferral deferral) throws IOException
    {
        try (Dataset data = hotAndColdRows())
        {
            final UnsafeBuffer c = hotAndColdCoefficients(data);
            final int[] order = DataSplit.shard(data, 1, 0, 0, 1);
            assertTrue(order.length >= 1900, order.length + " rows");
            for (final int workers : new int[] {2, 8})
            {
                final int interval = deferral.hotStoreSamples(workers);
                final SgdKernel kernel = deferring(data, floats(new float[3000]), c, deferral, interval, 1900);
                kernel.train(order, 0, 1900, 0.1);
                // One store takes the copy at the call's start, one every interval, one for the call's remainder.
                final long expected = 1 + 1900 / interval + (1900 % interval == 0 ? 0 : 1);
                assertEquals(expected, kernel.hotStoreCount(), workers + " workers, every " + interval + " samples");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Deferral.class, names = {"HOT", "ALL"})
    void shouldStoreAtTheIntervalsAcrossCallsThenTheRestWhenAsked(final Deferral deferral) throws IOException
    {
        try (Dataset data = hotAndColdRows())
        {
            final UnsafeBuffer c = hotAndColdCoefficients(data);
            final int[] order = DataSplit.shard(data, 1, 0, 0, 1);
            final UnsafeBuffer once = floats(new float[3000]);
            final UnsafeBuffer inPieces = floats(new float[3000]);
            final SgdKernel whole = deferring(data, once, c, deferral, 300, 1500);
            final SgdKernel pieces = deferring(data, inPieces, c, deferral, 300, 1500);
            whole.train(order, 0, 1000, 0.1);
            for (int from = 0; from < 1000; from += 100)
            {
                pieces.trainDeferring(order, from, from + 100, 0.1);
            }
            // The copy taken at the first call, then a store at 300, 600 and 900 samples: 100 samples' changes wait.
            assertEquals(4, pieces.hotStoreCount());
            boolean allStored = true;
            for (int u = 0; u < 3000; u++)
            {
                allStored &= once.getFloat(u * Float.BYTES) == inPieces.getFloat(u * Float.BYTES);
            }
            assertFalse(allStored, "the last changes are not in the shared weights before the store");
            pieces.store();
            assertEquals(whole.hotStoreCount(), pieces.hotStoreCount());
            for (int u = 0; u < 3000; u++)
            {
                assertEquals(once.getFloat(u * Float.BYTES), inPieces.getFloat(u * Float.BYTES), "feature " + u);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Deferral.class, names = {"HOT", "ALL"})
    void shouldStoreNothingBeforeItTrainsAndTakeTheOthersChangesWhenRefreshed(final Deferral deferral)
        throws IOException
    {
        try (Dataset data = hotAndColdRows())
        {
            final UnsafeBuffer c = hotAndColdCoefficients(data);
            final UnsafeBuffer w = floats(new float[3000]);
            final int[] order = DataSplit.shard(data, 1, 0, 0, 1);
            final SgdKernel a = deferring(data, w, c, deferral, 300, 1500);
            final SgdKernel b = deferring(data, w, c, deferral, 300, 1500);
            a.store(); // nothing trained: nothing to store, no copy taken
            assertEquals(0, a.hotStoreCount());
            for (int u = 0; u < 3000; u++)
            {
                assertEquals(0f, w.getFloat(u * Float.BYTES), "feature " + u);
            }
            // b stores at its intervals, the last of both kinds at 1,500 samples: nothing of its own is pending.
            b.trainDeferring(order, 0, 1500, 0.2);
            a.trainDeferring(order, 1500, 1900, 0.2);
            a.store(); // all of a's changes, the cold ones included, are in the shared weights
            b.refresh(); // b takes them, though it has nothing to store
            final SgdKernel reader = new SgdKernel(data, w, c, Loss.HINGE, 1);
            for (int row = 0; row < 50; row++)
            {
                assertEquals(reader.dot(row), b.dot(row), 1e-6, "row " + row + ": b sees the shared weights");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Deferral.class, names = {"HOT", "ALL"})
    void shouldAddTheDeferredChangesOfTwoKernelsToWhatTheOtherStored(final Deferral deferral) throws IOException
    {
        final CsrChunk ones = new CsrChunk();
        for (int r = 0; r < 1000; r++)
        {
            ones.addFeature(0, 1f); // in every row: hot
            ones.addFeature(1 + r % 500, 1f); // in 2 rows of 1000: cold
            ones.endRow(1);
        }
        final Path file = dir.resolve("ones.hwd");
        DatasetWriter.write(file, List.of(ones), 501, SourceInfo.GENERATED);
        try (Dataset data = Dataset.open(file))
        {
            assertEquals(1, data.hotFeatureCount());
            final UnsafeBuffer w = floats(new float[501]);
            final UnsafeBuffer noShrink = floats(new float[501]);
            // The count loss adds the step to every coordinate a row holds: the weights count the updates.
            final SgdKernel a = new SgdKernel(data, w, noShrink, Loss.COUNT, 1, SyncMode.LOCKFREE, null, deferral,
                Deferral.HOT_STORE_SAMPLES, 64);
            final SgdKernel b = new SgdKernel(data, w, noShrink, Loss.COUNT, 1, SyncMode.LOCKFREE, null, deferral,
                Deferral.HOT_STORE_SAMPLES, 64);
            final int[] order = new int[1000];
            for (int i = 0; i < order.length; i++)
            {
                order[i] = i;
            }
            for (int from = 0; from < 1000; from += 100)
            {
                (from % 200 == 0 ? a : b).train(order, from, from + 100, 1.0);
                assertEquals(from + 100, w.getFloat(0), "hot weight after rows [0, " + (from + 100) + ")");
            }
            for (int u = 1; u <= 500; u++)
            {
                assertEquals(2f, w.getFloat(u * 4), "cold weight " + u);
            }
        }
    }
}
