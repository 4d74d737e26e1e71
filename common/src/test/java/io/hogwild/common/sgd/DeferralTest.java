package io.hogwild.common.sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            final int[] features = new int[perRow];
            for (int k = 0; k < perRow; k++)
            {
                features[k] = (int)((r * 7L + k * (dimension / perRow)) % dimension);
            }
            java.util.Arrays.sort(features);
            for (final int feature : features)
            {
                chunk.addFeature(feature, 1f);
            }
            chunk.endRow(r % 2 == 0 ? 1 : -1);
        }
        final Path file = dir.resolve(name + ".hwd");
        DatasetWriter.write(file, List.of(chunk), dimension, SourceInfo.GENERATED);
        return Dataset.open(file);
    }

    @Test
    void shouldDeferOnlyLockFreeAndAloneOnlyWhereTheCopyPays() throws IOException
    {
        try (Dataset data = rows("small", 1000, 10, 500))
        {
            for (final int workers : new int[] {1, 2})
            {
                for (final SyncMode sync : SyncMode.values())
                {
                    assertEquals(sync == SyncMode.LOCKFREE ? Deferral.ALL : Deferral.NONE,
                        Deferral.of(sync, workers, data), sync.cliName() + ", " + workers + " workers");
                }
            }
        }
    }

    @Test
    void shouldStoreHotUpdatesLessOftenWithFewerWorkersDownToAFloor()
    {
        assertEquals(0, Deferral.NONE.hotStoreSamples(2));
        assertEquals(2048, Deferral.ALL.hotStoreSamples(1));
        assertEquals(1792, Deferral.HOT.hotStoreSamples(2));
        assertEquals(1792, Deferral.ALL.hotStoreSamples(2));
        assertEquals(896, Deferral.ALL.hotStoreSamples(3));
        assertEquals(597, Deferral.ALL.hotStoreSamples(4));
        for (final int workers : new int[] {8, 64, 100_000})
        {
            assertEquals(Deferral.HOT_STORE_SAMPLES, Deferral.ALL.hotStoreSamples(workers), workers + " workers");
        }
        // What the others changed and a worker has not seen: never more than with the floor at 8 workers, and
        // with 2 to 8 workers within one interval's rounding of it.
        for (int workers = 2; workers <= 8; workers++)
        {
            final int unseen = (workers - 1) * Deferral.ALL.hotStoreSamples(workers);
            assertTrue(unseen <= 7 * Deferral.HOT_STORE_SAMPLES, workers + " workers");
            assertTrue(unseen > 7 * Deferral.HOT_STORE_SAMPLES - (workers - 1), workers + " workers");
        }
    }

    @Test
    void shouldStoreColdUpdatesLessOftenWithFewerWorkersButNotPastAFewMillionNonZeros() throws IOException
    {
        try (Dataset sparse = rows("sparse", 1000, 10, 500);
            Dataset dense = rows("dense", 100, 2000, 4000))
        {
            assertEquals(0, Deferral.NONE.coldStoreSamples(2, sparse));
            assertEquals(0, Deferral.HOT.coldStoreSamples(2, sparse));
            assertEquals(Deferral.UNSEEN_COLD_SAMPLES, Deferral.ALL.coldStoreSamples(1, sparse));
            assertEquals(Deferral.UNSEEN_COLD_SAMPLES, Deferral.ALL.coldStoreSamples(2, sparse));
            assertEquals(Deferral.UNSEEN_COLD_SAMPLES / 7, Deferral.ALL.coldStoreSamples(8, sparse));
            assertEquals(Deferral.UNSEEN_COLD_SAMPLES / 63, Deferral.ALL.coldStoreSamples(64, sparse));
            // What the others changed and a worker has not seen: the same at every count of workers.
            for (int workers = 2; workers <= 64; workers++)
            {
                final int unseen = (workers - 1) * Deferral.ALL.coldStoreSamples(workers, sparse);
                assertTrue(unseen <= Deferral.UNSEEN_COLD_SAMPLES && unseen > Deferral.UNSEEN_COLD_SAMPLES - workers,
                    workers + " workers");
            }
            assertEquals(Deferral.HOT_STORE_SAMPLES, Deferral.ALL.coldStoreSamples(100_000, sparse));
            // 2,000 non-zeros a row: 32,768 rows would hold 66 M; the interval shrinks to about 4 M of them.
            assertEquals(Deferral.MAX_INTERVAL_NON_ZEROS / 2000, Deferral.ALL.coldStoreSamples(2, dense));
        }
    }

    @Test
    void shouldNotCopyMoreFeaturesThanItsBudget() throws IOException
    {
        // Rows of 70,000 non-zeros: the interval is at its floor (256 rows, 17.9 M non-zeros), so the pass
        // over 4.2 M features would pay, but the copy would take more than 32 MiB.
        try (Dataset huge = rows("huge", 2, 70_000, Deferral.MAX_COPY_FEATURES + 1L))
        {
            assertEquals(Deferral.HOT, Deferral.of(SyncMode.LOCKFREE, 2, huge));
            // The hot updates alone only where others share the lines: alone, they would cost a second walk.
            assertEquals(Deferral.NONE, Deferral.of(SyncMode.LOCKFREE, 1, huge));
        }
    }

    @Test
    void shouldDeferEveryUpdateOnlyWhereAStorePassIsNoLongerThanTheRows() throws IOException
    {
        // Two workers store every 32,768 samples: a pass over the dimension against 327,680 non-zeros.
        final long bound = Deferral.UNSEEN_COLD_SAMPLES * 10L / Deferral.STORE_PASS_FRACTION;
        try (Dataset atBound = rows("at", 100, 10, bound);
            Dataset pastBound = rows("past", 100, 10, bound + 1))
        {
            assertEquals(Deferral.ALL, Deferral.of(SyncMode.LOCKFREE, 2, atBound));
            assertEquals(Deferral.HOT, Deferral.of(SyncMode.LOCKFREE, 2, pastBound));
            // Eight workers store seven times as often: the same data defers its hot updates only.
            assertEquals(Deferral.HOT, Deferral.of(SyncMode.LOCKFREE, 8, atBound));
        }
    }

    @Test
    void shouldLetALoneWorkerDeferOnlyWhereAStorePassIsAQuarterOfItsRowsOrLess() throws IOException
    {
        // One worker stores every 32,768 samples: a pass over the dimension against 327,680 non-zeros.
        // A pass at most a quarter as long: a worker alone has no other core's traffic to save.
        final long bound = Deferral.UNSEEN_COLD_SAMPLES * 10L / Deferral.ALONE_STORE_PASS_FRACTION;
        try (Dataset atBound = rows("alone-at", 100, 10, bound);
            Dataset pastBound = rows("alone-past", 100, 10, bound + 1))
        {
            assertEquals(Deferral.ALL, Deferral.of(SyncMode.LOCKFREE, 1, atBound));
            assertEquals(Deferral.NONE, Deferral.of(SyncMode.LOCKFREE, 1, pastBound));
        }
    }
}
