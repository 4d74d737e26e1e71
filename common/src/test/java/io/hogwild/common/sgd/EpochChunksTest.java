package io.hogwild.common.sgd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import io.hogwild.common.data.SyntheticData;
import io.hogwild.common.weights.WeightFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EpochChunksTest
{
    @TempDir
    Path dir;

    private Dataset rows(final int count) throws IOException
    {
        final Path file = dir.resolve("rows-" + count + ".hwd");
        DatasetWriter.write(file, List.of(new SyntheticData(50, 5, 3).generate(count, 4)), 50, SourceInfo.GENERATED);
        return Dataset.open(file);
    }

    /** Every chunk's rows, in chunk order, for {@code epoch}. */
    private static int[] epochOrder(final EpochChunks chunks, final long epoch)
    {
        chunks.shuffle(epoch);
        final int[] all = new int[(int)chunks.trainRows()];
        final int[] rows = new int[chunks.maxRows()];
        int n = 0;
        for (int c = 0; c < chunks.count(); c++)
        {
            final int length = chunks.rows(c, rows);
            assertTrue(length > 0 && length <= chunks.maxRows(), "chunk " + c + " holds " + length);
            System.arraycopy(rows, 0, all, n, length);
            n += length;
        }
        assertEquals(all.length, n, "the chunks hold every training row");
        return all;
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 0.0", "8, 3, 0.2", "7, 5, 0.1", "32, 1, 0.5", "1000, 2, 0.0"})
    void shouldHoldEveryTrainingRowOnceAnEpochInTheOneWorkerBlockOrder(final int block, final int blocksPerChunk,
        final double validation) throws IOException
    {
        try (Dataset data = rows(1003))
        {
            final EpochChunks chunks = new EpochChunks(data, 9, validation, block, blocksPerChunk);
            assertEquals(DataSplit.trainRows(data, 9, validation), chunks.trainRows());
            final int[] shard = DataSplit.shard(data, 9, validation, 0, 1, block);
            for (long epoch = 1; epoch <= 3; epoch++)
            {
                final int[] order = epochOrder(chunks, epoch);
                final int[] sorted = order.clone();
                Arrays.sort(sorted);
                assertArrayEquals(shard, sorted, "each training row once, no validation row");
                final int[] expected = new int[shard.length];
                DataSplit.blockOrder(shard, expected, new int[shard.length], block, 9, 0, epoch);
                assertArrayEquals(expected, order, "the order of one worker's shard of every row");
            }
            assertFalse(Arrays.equals(epochOrder(chunks, 1), epochOrder(chunks, 2)) && chunks.count() > 2,
                "a new order each epoch");
        }
    }

    @Test
    void shouldCutTheEpochIntoChunksOfAtLeastTheSamplesAsked()
    {
        assertEquals(128, EpochChunks.blocksPerChunk(4096, 32));
        assertEquals(586, EpochChunks.blocksPerChunk(4096, 7), "rounded up: 4,102 samples");
        assertEquals(1, EpochChunks.blocksPerChunk(4096, 10_000));
        assertEquals(Integer.BYTES * (2 * 4L + 2 * 32) + Long.BYTES * 2, EpochChunks.heapBytes(100, 32, 2),
            "two ints a block, one a row of a chunk, one bit a row of the file");
    }

    /** Workers racing for the chunks of a mapped weight file each get distinct chunks, and all of them. */
    @Test
    @Timeout(30)
    void shouldGiveEveryChunkToExactlyOneOfSeveralRacingTakers() throws Exception
    {
        final int takers = 4;
        final int count = 20_000;
        try (WeightFile file = WeightFile.create(dir.resolve("weights.bin"), new WeightFile.Config(4, takers,
            Loss.HINGE, 1, SyncMode.LOCKFREE, 1, 0, 0, ProcessHandle.current().pid(), 0, count, 1, 1), new float[4]))
        {
            assertEquals(count, file.chunkCount());
            final ExecutorService pool = Executors.newFixedThreadPool(takers);
            try
            {
                for (long epoch = 1; epoch <= 3; epoch++)
                {
                    file.releaseEpoch(epoch, 0.1);
                    final CyclicBarrier start = new CyclicBarrier(takers);
                    final int[] takenBy = new int[count];
                    final List<Future<Integer>> taken = new java.util.ArrayList<>();
                    for (int t = 0; t < takers; t++)
                    {
                        final int taker = t;
                        final long e = epoch;
                        taken.add(pool.submit(() ->
                        {
                            start.await(10, TimeUnit.SECONDS);
                            int mine = 0;
                            for (int c = file.takeChunk(taker, e, mine); c >= 0; c = file.takeChunk(taker, e, mine))
                            {
                                // Each slot is written by at most one taker; the join below publishes them.
                                takenBy[c] = taker + 1;
                                mine++;
                            }
                            return mine;
                        }));
                    }
                    int total = 0;
                    for (final Future<Integer> f : taken)
                    {
                        total += f.get(20, TimeUnit.SECONDS);
                    }
                    assertEquals(count, total, "epoch " + epoch + ": every chunk taken once");
                    for (int c = 0; c < count; c++)
                    {
                        assertTrue(takenBy[c] > 0, "chunk " + c + " of epoch " + epoch + " was taken");
                    }
                }
            }
            finally
            {
                pool.shutdownNow();
            }
        }
    }
}
