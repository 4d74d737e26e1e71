package io.hogwild.common.sgd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import io.hogwild.common.data.CsrChunk;
import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import io.hogwild.common.data.SyntheticData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSplitTest
{
    @TempDir
    Path dir;

    @Test
    void shouldListTheValidationRowsInOrderAndNoOther() throws IOException
    {
        final Path file = dir.resolve("v.hwd");
        DatasetWriter.write(file, List.of(new SyntheticData(50, 5, 1).generate(3001, 2)), 50, SourceInfo.GENERATED);
        try (Dataset data = Dataset.open(file))
        {
            for (final double fraction : new double[] {0, 0.2, 0.5})
            {
                final int[] listed = DataSplit.validationRows(data, 9, fraction);
                final int[] tested = IntStream.range(0, 3001)
                    .filter(row -> DataSplit.isValidation(data, 9, row, fraction)).toArray();
                assertArrayEquals(tested, listed, "fraction " + fraction);
                assertEquals(3001 - DataSplit.trainRows(data, 9, fraction), listed.length);
            }
            assertEquals(600, DataSplit.validationRows(data, 9, 0.2).length, 60);
        }
    }

    @Test
    void shouldDealEveryTrainingRowToExactlyOneWorker() throws IOException
    {
        final Path file = dir.resolve("d.hwd");
        DatasetWriter.write(file, List.of(new SyntheticData(50, 5, 1).generate(1001, 2)), 50, SourceInfo.GENERATED);
        try (Dataset data = Dataset.open(file))
        {
            final long trainRows = DataSplit.trainRows(data, 9, 0.2);
            assertEquals(800, trainRows, 50);
            for (final int blockLength : new int[] {1, 7, 32, 5000})
            {
                final boolean[] seen = new boolean[1001];
                int total = 0;
                for (int worker = 0; worker < 3; worker++)
                {
                    final int[] shard = DataSplit.shard(data, 9, 0.2, worker, 3, blockLength);
                    for (int i = 1; i < shard.length; i++)
                    {
                        assertTrue(shard[i - 1] < shard[i], "a shard is in file order");
                    }
                    for (final int row : shard)
                    {
                        assertFalse(seen[row]);
                        assertFalse(DataSplit.isValidation(data, 9, row, 0.2));
                        seen[row] = true;
                        total++;
                    }
                }
                assertEquals(trainRows, total, "block length " + blockLength);
            }
        }
    }

    /**
     * The file stores its rows shuffled, but the split is the source's: an epoch's chunks hold exactly the
     * source rows that Spark, numbering the LIBSVM text's rows, keeps for training.
     */
    @Test
    void shouldHoldOutBySourceRowWhateverOrderTheFileStoresRowsIn() throws IOException
    {
        final Path file = dir.resolve("d.hwd");
        final CsrChunk source = new SyntheticData(50, 5, 1).generate(1001, 2);
        DatasetWriter.write(file, List.of(source), 50, SourceInfo.GENERATED);
        try (Dataset data = Dataset.open(file))
        {
            final boolean[] trained = new boolean[1001];
            final EpochChunks chunks = new EpochChunks(data, 9, 0.2, 7, 3);
            chunks.shuffle(0);
            final int[] rows = new int[chunks.maxRows()];
            for (int chunk = 0; chunk < chunks.count(); chunk++)
            {
                final int n = chunks.rows(chunk, rows);
                for (int i = 0; i < n; i++)
                {
                    final int sourceRow = data.sourceRow(rows[i]);
                    assertFalse(trained[sourceRow], "source row " + sourceRow + " twice");
                    assertEquals(source.label(sourceRow), data.label(rows[i]));
                    trained[sourceRow] = true;
                }
            }
            int moved = 0;
            for (int sourceRow = 0; sourceRow < trained.length; sourceRow++)
            {
                assertEquals(!DataSplit.isValidation(9, sourceRow, 0.2), trained[sourceRow], "source row " + sourceRow);
                moved += data.sourceRow(sourceRow) != sourceRow ? 1 : 0;
            }
            assertTrue(moved > 900, "the file's order is not the source's, so the test tells the two apart");
        }
    }

    @Test
    void shouldWalkBlocksInShuffledOrderAndTheirRowsInFileOrder()
    {
        final int[] shard = new int[103];
        for (int i = 0; i < shard.length; i++)
        {
            shard[i] = 10 * i;
        }
        final int[] order = new int[shard.length];
        final int[] blocks = new int[DataSplit.blockCount(shard.length, 8)];
        assertEquals(13, blocks.length);
        DataSplit.blockOrder(shard, order, blocks, 8, 5, 1, 3);
        final int[] again = new int[shard.length];
        DataSplit.blockOrder(shard, again, blocks, 8, 5, 1, 3);
        assertArrayEquals(order, again, "the same (seed, worker, epoch), the same order");
        final int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertArrayEquals(shard, sorted, "every row once");
        int jumps = 0;
        for (int i = 1; i < order.length; i++)
        {
            if (order[i] != order[i - 1] + 10)
            {
                jumps++;
            }
        }
        assertTrue(jumps <= 12 && jumps >= 6, "consecutive within a block, shuffled between: " + jumps + " jumps");
        final int[] rowShuffle = shard.clone();
        DataSplit.shuffle(rowShuffle, 5, 1, 3);
        DataSplit.blockOrder(shard, order, new int[shard.length], 1, 5, 1, 3);
        assertArrayEquals(rowShuffle, order, "a block of 1 is the plain row shuffle");
    }

    @Test
    void shouldShuffleReproduciblyPerWorkerAndEpoch()
    {
        final int[] a = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        final int[] b = a.clone();
        final int[] c = a.clone();
        DataSplit.shuffle(a, 5, 1, 3);
        DataSplit.shuffle(b, 5, 1, 3);
        DataSplit.shuffle(c, 5, 1, 4);
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
        Arrays.sort(c);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, c);
    }
}
