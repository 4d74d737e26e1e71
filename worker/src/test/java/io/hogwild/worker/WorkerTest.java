package io.hogwild.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import io.hogwild.common.data.SyntheticData;
import io.hogwild.common.sgd.DataSplit;
import io.hogwild.common.sgd.Deferral;
import io.hogwild.common.sgd.EpochChunks;
import io.hogwild.common.sgd.Loss;
import io.hogwild.common.sgd.Regularisation;
import io.hogwild.common.sgd.SgdKernel;
import io.hogwild.common.sgd.SyncMode;
import io.hogwild.common.weights.Command;
import io.hogwild.common.weights.WeightFile;
import io.hogwild.common.weights.WorkerState;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A worker driven through the weight file by the test, which plays the coordinator. */
class WorkerTest
{
    @TempDir
    Path dir;

    static void await(final BooleanSupplier condition, final long timeoutMs, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** 3,000 rows over 200 features, a tenth held out (seed 7). */
    private Dataset rows() throws java.io.IOException
    {
        final Path dataPath = dir.resolve("d.hwd");
        DatasetWriter.write(dataPath, List.of(new SyntheticData(200, 10, 1).generate(3_000, 2)), 200,
            SourceInfo.GENERATED);
        return Dataset.open(dataPath);
    }

    /** A weight file for two workers: blocks of 8 rows, 16 blocks a chunk. */
    private WeightFile weightFile(final Dataset data)
    {
        return WeightFile.create(dir.resolve("weights.bin"), new WeightFile.Config(200, 2, Loss.HINGE, 1,
            SyncMode.LOCKFREE, 7, 0.1, 1e-6, ProcessHandle.current().pid(), System.currentTimeMillis(),
            DataSplit.trainRows(data, 7, 0.1), 8, 16), Regularisation.coefficients(data, 7, 0.1, 1e-6, 200));
    }

    /** What the test does, as the coordinator, while a worker runs. */
    private interface Coordinating
    {
        void accept(Worker worker) throws Exception;
    }

    /**
     * Runs worker {@code index} on a thread while {@code coordinating} plays the coordinator, then stops it:
     * before the mapping closes, even when an assertion failed.
     */
    private static void withWorker(final WeightFile file, final Dataset data, final int index,
        final Coordinating coordinating) throws Exception
    {
        final Worker worker = new Worker(file, data, index);
        final CompletableFuture<Worker.Outcome> outcome = CompletableFuture.supplyAsync(worker::run);
        try
        {
            coordinating.accept(worker);
        }
        finally
        {
            file.command(Command.STOP);
            assertEquals(Worker.Outcome.STOPPED, outcome.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(30)
    void shouldTrainEachReleasedEpochThenStopOnCommand() throws Exception
    {
        try (Dataset data = rows();
            WeightFile file = weightFile(data))
        {
            withWorker(file, data, 1, worker ->
            {
                await(() -> file.workerState(1) == WorkerState.WAITING, 10_000, "the worker to attach");
                assertEquals(ProcessHandle.current().pid(), file.workerPid(1));
                // A worker thread other than the first leaves the warm-up to it (they share the JIT).
                await(() -> worker.warmedUpSamples() >= 0, 10_000, "the warm-up to end");
                assertEquals(0, worker.warmedUpSamples());
                assertEquals(0, file.workerSamplesDone(1), "nothing is trained before an epoch is released");

                file.releaseEpoch(1, 0.5);
                await(() -> file.workerEpochReached(1) == 1, 10_000, "epoch 1 at the barrier");
                // Alone at work, it takes every chunk of the epoch: every training row once.
                assertEquals(file.trainRows(), file.workerEpochSamples(1));
                assertEquals(file.trainRows(), file.workerSamplesDone(1));
                assertTrue(file.workerEpochLossSum(1) > 0);
                assertNotEquals(0f,
                    file.weights().getFloat(0) + file.weights().getFloat(4) + file.weights().getFloat(8));
                final double firstLoss = file.workerEpochLossSum(1);

                file.releaseEpoch(2, 0.45);
                await(() -> file.workerEpochReached(1) == 2, 10_000, "epoch 2 at the barrier");
                assertTrue(file.workerEpochLossSum(1) < firstLoss, "the progressive loss falls");
            });
            assertEquals(WorkerState.EXITED, file.workerState(1));
            assertEquals(WorkerState.NOT_STARTED, file.workerState(0));
        }
    }

    @Test
    @Timeout(30)
    void shouldLeaveEveryUpdateOfItsEpochInTheSharedWeightsAtTheBarrier() throws Exception
    {
        try (Dataset data = rows();
            WeightFile file = weightFile(data))
        {
            // What the worker trains alone: every chunk in the epoch's order, stores at the intervals, the rest
            // at the end. The cold interval (32,768) is longer than the epoch: only the last store holds them.
            final Deferral deferral = Deferral.of(SyncMode.LOCKFREE, file.workerCount(), data);
            assertEquals(Deferral.ALL, deferral);
            final UnsafeBuffer expected = new UnsafeBuffer(ByteBuffer.allocateDirect(200 * Float.BYTES));
            final SgdKernel kernel = new SgdKernel(data, expected, file.regularisation(), Loss.HINGE, 1,
                SyncMode.LOCKFREE, null, deferral, deferral.hotStoreSamples(2), deferral.coldStoreSamples(2, data));
            final EpochChunks chunks = new EpochChunks(data, 7, 0.1, 8, 16);
            final int[] rows = new int[chunks.maxRows()];
            chunks.shuffle(1);
            for (int chunk = 0; chunk < chunks.count(); chunk++)
            {
                final int n = chunks.rows(chunk, rows);
                kernel.trainDeferring(rows, 0, n, 0.5);
            }
            kernel.store();
            withWorker(file, data, 1, worker ->
            {
                await(() -> file.workerState(1) == WorkerState.WAITING, 10_000, "the worker to attach");
                file.releaseEpoch(1, 0.5);
                await(() -> file.workerEpochReached(1) == 1, 10_000, "epoch 1 at the barrier");
                for (int u = 0; u < 200; u++)
                {
                    assertEquals(expected.getFloat(u * Float.BYTES), file.weights().getFloat(u * Float.BYTES),
                        "feature " + u);
                }
            });
        }
    }

    @Test
    @Timeout(30)
    void shouldWarmUpOnWeightsOfItsOwnBeforeTheFirstEpoch() throws Exception
    {
        try (Dataset data = rows();
            WeightFile file = weightFile(data))
        {
            withWorker(file, data, 0, worker ->
            {
                await(() -> worker.warmedUpSamples() >= 0, 10_000, "the warm-up to end");
                // On a file this small, an epoch's rows: fewer than its non-zeros' worth.
                assertEquals(file.trainRows(), worker.warmedUpSamples());
                // Trained into weights of its own: the run's weights and counts stay as they are.
                for (int u = 0; u < 200; u++)
                {
                    assertEquals(0f, file.weights().getFloat(u * Float.BYTES), "weight " + u + " before epoch 1");
                }
                assertEquals(0, file.workerSamplesDone(0));
                assertEquals(0, file.workerEpochLossSum(0));
                assertEquals(0, file.workerEpochReached(0));
            });
        }
    }

    @Test
    @Timeout(30)
    void shouldObeyAStopInItsWarmUpWithoutAttaching() throws Exception
    {
        try (Dataset data = rows();
            WeightFile file = weightFile(data))
        {
            // Worker 0 warms up before it attaches; the stop is there before its first look.
            file.command(Command.STOP);
            final Worker worker = new Worker(file, data, 0);
            assertEquals(Worker.Outcome.STOPPED, worker.run());
            assertEquals(0, worker.warmedUpSamples());
            assertEquals(0, file.workerPid(0), "it never attached");
            assertEquals(WorkerState.EXITED, file.workerState(0));
        }
    }

    @Test
    void shouldWarmUpOnlyWhereItsMemoryIsSmall()
    {
        assertEquals(47_236L * Float.BYTES + 600_000, Worker.warmUpDirectBytes(47_236, 600_000));
        // 30 M features: 120 MB of weights alone, past the bound: no warm-up, and no room asked for it.
        assertEquals(0, Worker.warmUpDirectBytes(30_000_000, 0));
    }

    /**
     * A replacement goes on from what its slot counts: the chunks its predecessor finished, then the chunk it
     * took and did not finish, then chunks the others left. Played here by the test as the predecessor, so the
     * instant of its death is exact: it took chunks 0 and 1, finished 0, and died in 1.
     */
    @Test
    @Timeout(30)
    void shouldHaveAReplacementFinishTheChunkItsPredecessorTookThenTakeTheRest() throws Exception
    {
        try (Dataset data = rows();
            WeightFile file = weightFile(data))
        {
            final EpochChunks chunks = new EpochChunks(data, 7, 0.1, 8, 16);
            assertTrue(chunks.count() > 4, chunks.count() + " chunks");
            chunks.shuffle(1);
            final int firstRows = chunks.rows(0, new int[chunks.maxRows()]);

            file.releaseEpoch(1, 0.5);
            assertEquals(0, file.takeChunk(0, 1, 0));
            file.workerEpochProgress(0, 1, firstRows, 1.0);
            assertEquals(1, file.takeChunk(0, 1, firstRows));

            final Worker replacement = new Worker(file, data, 0);
            final CompletableFuture<Worker.Outcome> outcome = CompletableFuture.supplyAsync(replacement::run);
            try
            {
                await(() -> file.workerEpochReached(0) == 1, 10_000, "epoch 1 at the barrier");
                assertEquals(file.trainRows(), file.workerEpochSamples(0),
                    "chunk 0 counted once, chunk 1 trained by the replacement, and every chunk after it");
                assertEquals(-1, file.takeChunk(1, 1, 0), "every chunk taken");
                assertEquals(file.trainRows() - firstRows, file.workerSamplesDone(0), "what the replacement trained");
            }
            finally
            {
                // Stopped before the mapping closes, even when an assertion failed: a worker polling an
                // unmapped file would take the test JVM down with it.
                file.command(Command.STOP);
                assertEquals(Worker.Outcome.STOPPED, outcome.get(10, TimeUnit.SECONDS));
            }
        }
    }
}
