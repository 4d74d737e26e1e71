package io.hogwild.common.sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.hogwild.common.data.CsrChunk;
import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeferralTest
{
    @TempDir
    Path dir;

    /** {@code rows} rows of {@code perRow} ones each, over {@code dimension} features. */
    private Dataset rows(final String name, final int rows, final int perRow, final long dimension) throws IOException
    {
        final CsrChunk chunk = new CsrChunk();
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < perRow; k++)
            {
                chunk.addFeature((int)((r * 7L + k * 131L) % dimension), 1f);
            }
            chunk.endRow(r % 2 == 0 ? 1 : -1);
        }
        final Path file = dir.resolve(name + ".hwd");
        DatasetWriter.write(file, List.of(chunk), dimension, SourceInfo.GENERATED);
        return Dataset.open(file);
    }

    @Test
    void shouldDeferNothingUnlessLockFreeWorkersShareTheWeights() throws IOException
    {
        try (Dataset data = rows("small", 1000, 10, 500))
        {
            assertEquals(Deferral.NONE, Deferral.of(SyncMode.LOCKFREE, 1, data));
            for (final SyncMode sync : SyncMode.values())
            {
                assertEquals(sync == SyncMode.LOCKFREE ? Deferral.ALL : Deferral.NONE, Deferral.of(sync, 2, data),
                    sync.cliName());
            }
        }
    }

    @Test
    void shouldStoreColdUpdatesLessOftenWithFewerWorkers()
    {
        assertEquals(0, Deferral.NONE.coldStoreSamples(2));
        assertEquals(0, Deferral.HOT.coldStoreSamples(2));
        assertEquals(Deferral.COLD_STORE_SAMPLES_TOGETHER / 2, Deferral.ALL.coldStoreSamples(2));
        assertEquals(Deferral.COLD_STORE_SAMPLES_TOGETHER / 64, Deferral.ALL.coldStoreSamples(64));
        assertEquals(Deferral.HOT_STORE_SAMPLES, Deferral.ALL.coldStoreSamples(100_000));
    }

    @Test
    void shouldDeferEveryUpdateOnlyWhereAStoreCostsAQuarterOfTheRowsOrLess() throws IOException
    {
        // Two workers store every 16,384 samples: a pass over the dimension against 163,840 non-zeros.
        final long bound = Deferral.ALL.coldStoreSamples(2) * 10L / 4;
        try (Dataset atBound = rows("at", 100, 10, bound);
            Dataset pastBound = rows("past", 100, 10, bound + 1))
        {
            assertEquals(Deferral.ALL, Deferral.of(SyncMode.LOCKFREE, 2, atBound));
            assertEquals(Deferral.HOT, Deferral.of(SyncMode.LOCKFREE, 2, pastBound));
            // Eight workers store four times as often: the same data defers its hot updates only.
            assertEquals(Deferral.HOT, Deferral.of(SyncMode.LOCKFREE, 8, atBound));
        }
    }
}
