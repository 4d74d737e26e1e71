package io.hogwild.common.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.hogwild.common.sgd.Loss;
import io.hogwild.common.sgd.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class WeightFileTest
{
    @TempDir
    Path dir;

    static WeightFile.Config config(final long dimension, final int workers)
    {
        return new WeightFile.Config(dimension, workers, Loss.LOGISTIC, 4, SyncMode.LOCKFREE, 42, 0.25, 1e-5,
            ProcessHandle.current().pid(), 1234, 1000, 16, 4);
    }

    @Test
    void shouldGiveAResumePositionOnlyForTheEpochItNames()
    {
        final Path path = dir.resolve("progress.bin");
        try (WeightFile created = WeightFile.create(path, config(5, 3), new float[5]);
            WeightFile reader = WeightFile.open(path, false))
        {
            assertEquals(0, reader.workerEpochPosition(1, 1), "nothing trained yet");
            created.workerEpochProgress(1, 7, 8192, 2.5);
            assertEquals(8192, reader.workerEpochPosition(1, 7));
            assertEquals(2.5, reader.workerEpochLossSoFar(1, 7));
            created.workerEpochDone(1, 7, 3.0, 9000);
            assertEquals(0, reader.workerEpochPosition(1, 8), "the next epoch starts at 0");
            assertEquals(0.0, reader.workerEpochLossSoFar(1, 8));
            assertEquals(0, reader.workerEpochPosition(2, 7), "another slot's progress is its own");
        }
    }

    @Test
    @Timeout(10)
    void shouldHandOutEachChunkOnceAnEpochAndKeepAnUncountedOneForAReplacement() throws Exception
    {
        final Path path = dir.resolve("chunks.bin");
        // 1,000 training rows in blocks of 16, 4 blocks a chunk: 16 chunks (the last of 40 rows).
        try (WeightFile created = WeightFile.create(path, config(5, 3), new float[5]);
            WeightFile reader = WeightFile.open(path, true))
        {
            assertEquals(4, reader.chunkBlocks());
            assertEquals(16, reader.chunkCount());
            created.releaseEpoch(1, 0.5);
            assertEquals(0, reader.takeChunk(0, 1, 0));
            assertEquals(1, created.takeChunk(1, 1, 0), "a second mapping sees the first take");
            assertEquals(2, reader.chunksTaken());

            // Worker 1 finished chunk 1 (64 samples), then took chunk 2: unfinished while its position stays.
            created.workerEpochProgress(1, 1, 64, 1.0);
            assertEquals(-1, reader.workerUnfinishedChunk(1, 1, 64), "chunk 1 is counted");
            assertEquals(2, created.takeChunk(1, 1, 64));
            assertEquals(2, reader.workerUnfinishedChunk(1, 1, reader.workerEpochPosition(1, 1)));
            assertEquals(0, reader.workerUnfinishedChunk(0, 1, 0), "worker 0's chunk 0, not counted either");
            assertEquals(-1, reader.workerUnfinishedChunk(2, 1, 0), "worker 2 took none");

            // A worker killed after winning its entry but before moving the hint: the chunk is its, and the next
            // taker finds it taken, moves the hint past it and takes the one after.
            final long owners = WeightFileLayout.chunkOwnersOffset(3, 5);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                final MappedByteBuffer raw = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
                raw.order(ByteOrder.LITTLE_ENDIAN).putLong((int)owners + 3 * Long.BYTES,
                    WeightFileLayout.ownerEntry(1, 2, 0));
            }
            assertEquals(4, reader.takeChunk(0, 1, 0));
            assertEquals(3, reader.workerUnfinishedChunk(2, 1, 0), "the dead worker's replacement finds chunk 3");

            for (int c = 5; c < 16; c++)
            {
                assertEquals(c, created.takeChunk(c % 3, 1, 0));
            }
            assertEquals(-1, reader.takeChunk(0, 1, 0), "every chunk of the epoch is taken");

            created.releaseEpoch(2, 0.4);
            assertEquals(0, reader.takeChunk(2, 2, 0), "every chunk is untaken again in the next epoch");
            assertEquals(-1, reader.workerUnfinishedChunk(1, 2, 0), "last epoch's entries are not this one's");
        }
    }

    @Test
    void shouldShowTheLockOwnerToASecondMappingAndFreeADeadOwnersLock()
    {
        final Path path = dir.resolve("locked.bin");
        try (WeightFile created = WeightFile.create(path, config(5, 3), new float[5]);
            WeightFile reader = WeightFile.open(path, false))
        {
            assertEquals(-1, reader.lockOwner());
            created.weightLock(2, () -> true).lock();
            assertEquals(2, reader.lockOwner());
            assertEquals(false, created.releaseLockOf(1), "worker 1 does not hold it");
            assertEquals(true, created.releaseLockOf(2));
            assertEquals(-1, reader.lockOwner());
        }
    }

    @Test
    void shouldWriteEveryFieldAndReadItBackFromASecondMapping()
    {
        final Path path = dir.resolve("weights.bin");
        try (WeightFile created = WeightFile.create(path, config(5, 3), new float[] {1, 2, 3, 4, 5});
            WeightFile reader = WeightFile.open(path, false))
        {
            created.weights().putFloat(2 * Float.BYTES, 0.75f);
            created.attachWorker(1, 777, 99);
            created.releaseEpoch(3, 0.125);
            created.workerEpochDone(1, 3, 6.5, 10);

            assertEquals(WeightFileLayout.VERSION, reader.version());
            assertEquals(5, reader.dimension());
            assertEquals(3, reader.workerCount());
            assertEquals(Loss.LOGISTIC, reader.loss());
            assertEquals(4, reader.batchSize());
            assertEquals(SyncMode.LOCKFREE, reader.syncMode());
            assertEquals(42, reader.seed());
            assertEquals(0.25, reader.validationFraction());
            assertEquals(1e-5, reader.lambda());
            assertEquals(1234, reader.startTimestampMs());
            assertEquals(1000, reader.trainRows());
            assertEquals(RunState.INITIALISING, reader.runState());
            assertEquals(0.75f, reader.weights().getFloat(2 * Float.BYTES));
            assertEquals(3f, reader.regularisation().getFloat(2 * Float.BYTES));
            assertEquals(777, reader.workerPid(1));
            assertEquals(WorkerState.WAITING, reader.workerState(1));
            assertEquals(WorkerState.NOT_STARTED, reader.workerState(0));
            assertEquals(3, reader.epoch());
            assertEquals(0.125, reader.stepSize());
            assertEquals(3, reader.workerEpochReached(1));
            assertEquals(6.5, reader.workerEpochLossSum(1));
            assertEquals(10, reader.workerEpochSamples(1));
        }
    }

    @Test
    void shouldLayTheWeightsWhereTheHeaderSaysForAnyReader() throws IOException
    {
        final Path path = dir.resolve("weights.bin");
        try (WeightFile file = WeightFile.create(path, config(3, 2), new float[3]))
        {
            file.weights().putFloat(Float.BYTES, -2.5f);
            file.force();
        }
        // What numpy.memmap(path, dtype='<f4', offset=weights_offset, shape=(dim,)) does, in Java.
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        final int offset = (int)bytes.getLong(WeightFileLayout.WEIGHTS_OFFSET_OFFSET);
        assertEquals(WeightFileLayout.weightsOffset(2), offset);
        assertEquals(3, bytes.getLong(WeightFileLayout.DIMENSION_OFFSET));
        assertEquals(-2.5f, bytes.getFloat(offset + Float.BYTES));
    }

    @Test
    void shouldRefuseAFileWhoseVersionIsNotWrittenYet() throws IOException
    {
        final Path path = dir.resolve("weights.bin");
        WeightFile.create(path, config(3, 1), new float[3]).close();
        patchInt(path, WeightFileLayout.VERSION_OFFSET, 0);
        assertTrue(assertThrows(WeightFileException.class, () -> WeightFile.open(path, false)).getMessage()
            .contains("not ready"));
        patchInt(path, WeightFileLayout.VERSION_OFFSET, 7);
        assertTrue(assertThrows(WeightFileException.class, () -> WeightFile.open(path, false)).getMessage()
            .contains("version 7"));
    }

    @Test
    void shouldRefuseWrongMagicAndTruncation() throws IOException
    {
        final Path path = dir.resolve("weights.bin");
        WeightFile.create(path, config(3000, 1), new float[3000]).close();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.truncate(5000);
        }
        assertTrue(assertThrows(WeightFileException.class, () -> WeightFile.open(path, false)).getMessage()
            .contains("truncated"));
        patchInt(path, WeightFileLayout.MAGIC_OFFSET, 0);
        assertTrue(assertThrows(WeightFileException.class, () -> WeightFile.open(path, false)).getMessage()
            .contains("wrong magic"));
        final Path missing = dir.resolve("none.bin");
        assertTrue(assertThrows(WeightFileException.class, () -> WeightFile.open(missing, false)).getMessage()
            .contains("no such weight file"));
    }

    private static void patchInt(final Path path, final int offset, final int value) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value), offset);
        }
    }
}
