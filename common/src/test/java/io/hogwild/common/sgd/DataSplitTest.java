package io.hogwild.common.sgd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

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
    void shouldDealEveryTrainingRowToExactlyOneWorker() throws IOException
    {
        final Path file = dir.resolve("d.hwd");
        DatasetWriter.write(file, List.of(new SyntheticData(50, 5, 1).generate(1001, 2)), 50, SourceInfo.GENERATED);
        try (Dataset data = Dataset.open(file))
        {
            final long trainRows = DataSplit.trainRows(data, 9, 0.2);
            assertEquals(800, trainRows, 50);
            final boolean[] seen = new boolean[1001];
            int total = 0;
            for (int worker = 0; worker < 3; worker++)
            {
                for (final int row : DataSplit.shard(data, 9, 0.2, worker, 3))
                {
                    assertFalse(seen[row]);
                    assertFalse(DataSplit.isValidation(9, row, 0.2));
                    seen[row] = true;
                    total++;
                }
            }
            assertEquals(trainRows, total);
        }
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
