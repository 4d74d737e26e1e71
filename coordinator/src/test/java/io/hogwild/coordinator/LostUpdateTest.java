package io.hogwild.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.settings.Settings;
import io.hogwild.common.sgd.SyncMode;
import io.hogwild.coordinator.compare.LostUpdateProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lock and atomic (and filelock) lose no update; lock-free may. Two workers, as processes and as threads,
 * each add exactly 1 to every weight of every row of the chunks they take (the lost-update probe over Zipf-distributed
 * features, so that the frequent ones collide); the weights must then sum to the rows' non-zeros exactly.
 */
@ExtendWith(IsolatedRuns.class)
class LostUpdateTest
{
    @TempDir
    Path dir;

    /** Settings over {@code rows} generated rows of Zipf-distributed features. */
    private Settings settings(final int rows) throws Exception
    {
        final String prefix = TestSupport.generate(dir, rows, 10, 500, 40);
        return Settings.resolve(Map.of("data", prefix + ".train.libsvm"));
    }

    /** The probe is a fair stand-in only if it walks the training file's memory in the same sequence. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldStoreTheProbesRowsInTheTrainingFilesOrder() throws Exception
    {
        final Path probeFile = dir.resolve("probe.hwd");
        try (Dataset train = Dataset.open(TrainingRun.resolveData(settings(20_000), line -> { }).train()))
        {
            LostUpdateProbe.prepare(train, probeFile);
            try (Dataset probe = Dataset.open(probeFile))
            {
                assertEquals(train.rows(), probe.rows());
                assertEquals(train.nnz(), probe.nnz());
                assertEquals(train.hotFeatureCount(), probe.hotFeatureCount());
                for (long r = 0; r < train.rows(); r++)
                {
                    // The writer's shuffle depends on the row count alone: this holds by construction, and the
                    // assertions below, on content, are the ones that tell the two orders apart.
                    assertEquals(train.sourceRow(r), probe.sourceRow(r), "source row of row " + r);
                    assertEquals(train.rowStart(r + 1), probe.rowStart(r + 1), "end of row " + r);
                    assertEquals(train.hotCount(r), probe.hotCount(r), "hot entries of row " + r);
                }
                for (long k = 0; k < train.nnz(); k++)
                {
                    assertEquals(train.entryIndex(k), probe.entryIndex(k), "index field of entry " + k);
                }
            }
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldLoseNoUpdateUnderLockAtomicAndFileLockWhileLockFreeMay() throws Exception
    {
        final Settings base = settings(40_000);
        try (Dataset train = Dataset.open(TrainingRun.resolveData(base, line -> { }).train()))
        {
            final LostUpdateProbe probe = LostUpdateProbe.prepare(train, dir.resolve("probe.hwd"));
            final StringBuilder lockFree = new StringBuilder();
            for (final boolean threads : new boolean[] {false, true})
            {
                for (final SyncMode sync : SyncMode.values())
                {
                    final String name = (threads ? "threads-" : "procs-") + sync.cliName();
                    final Settings cell = base.forCell(threads ? 1 : 2, threads ? 2 : 0, sync, null);
                    final LostUpdateProbe.Result result = probe.run(cell, train.dimension(), dir.resolve(name));
                    assertEquals(train.nnz(), result.expected());
                    if (sync.mayLoseUpdates())
                    {
                        // Lost updates only ever lower the count; most updates arrive.
                        assertTrue(result.arrived() <= result.expected(), name + " " + result);
                        assertTrue(result.arrived() > 0.5 * result.expected(), name + " " + result);
                        lockFree.append(String.format("%s lost %.0f of %d; ", name,
                            result.expected() - result.arrived(), result.expected()));
                    }
                    else
                    {
                        assertEquals(result.expected(), result.arrived(), name + " must lose no update");
                    }
                }
            }
            System.out.println("LostUpdateTest: " + lockFree);
        }
    }
}
