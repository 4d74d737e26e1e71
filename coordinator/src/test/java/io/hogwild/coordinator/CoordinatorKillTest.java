package io.hogwild.coordinator;

import static io.hogwild.coordinator.TestSupport.await;
import static io.hogwild.coordinator.TestSupport.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.weights.WeightFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator itself killed with SIGKILL: its workers notice that its PID is gone and exit on their
 * own, and {@code inspect} reports the run as abandoned. The coordinator runs in a child JVM whose output
 * is printed when the test fails.
 */
@ExtendWith(IsolatedRuns.class)
class CoordinatorKillTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldLeaveNoWorkerBehindWhenTheCoordinatorIsKilled(final TestInfo info) throws Exception
    {
        final String prefix = TestSupport.generate(dir, 40_000, 100, 2_000, 40);
        final Path run = dir.resolve("run");
        final Path log = dir.resolve("coordinator.log");
        final Process coordinator = TestSupport.startChildCoordinator(log, "--data", prefix + ".train.libsvm",
            "--procs", "2", "--epochs", "1000", "--patience", "0", "--out", run.toString());
        try
        {
            final Path weights = run.resolve("weights.bin");
            await(() -> pidsOfTrainingWorkers(weights).size() == 2 || !coordinator.isAlive(), 60_000,
                "the child coordinator to release an epoch");
            final List<Long> workers = pidsOfTrainingWorkers(weights);
            assertEquals(2, workers.size(), "the coordinator ended early:\n" + output(log));

            coordinator.destroyForcibly();
            assertTrue(coordinator.waitFor(10, TimeUnit.SECONDS));

            await(() -> workers.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                .orElse(false)), 5_000, "the orphaned workers " + workers + " to exit within 5 s");
            final TestSupport.Outcome inspected = cli("inspect", run.toString(), "--json");
            assertEquals(0, inspected.exitCode(), inspected.err());
            assertTrue(inspected.out().contains("\"state\": \"ABANDONED\""), inspected.out());
        }
        catch (final AssertionError | RuntimeException ex)
        {
            System.out.println("---- output of the child coordinator (" + info.getDisplayName() + ") ----");
            System.out.println(output(log));
            throw ex;
        }
        finally
        {
            coordinator.destroyForcibly();
        }
    }

    private static List<Long> pidsOfTrainingWorkers(final Path weights)
    {
        try (WeightFile file = TestSupport.runningPast(weights, 1))
        {
            final List<Long> pids = new ArrayList<>();
            for (int i = 0; file != null && i < file.workerCount(); i++)
            {
                if (file.workerPid(i) > 0)
                {
                    pids.add(file.workerPid(i));
                }
            }
            return pids;
        }
    }

    private static String output(final Path log) throws IOException
    {
        return TestSupport.output(log);
    }
}
