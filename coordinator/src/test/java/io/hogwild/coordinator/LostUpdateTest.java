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

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldLoseNoUpdateUnderLockAtomicAndFileLockWhileLockFreeMay() throws Exception
    {
        final String prefix = TestSupport.generate(dir, 40_000, 10, 500, 40);
        final Settings base = Settings.resolve(Map.of("data", prefix + ".train.libsvm"));
        final TrainingRun.DataFiles files = TrainingRun.resolveData(base, line -> { });
        try (Dataset train = Dataset.open(files.train()))
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
