package io.hogwild.coordinator;

import static io.hogwild.coordinator.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.hogwild.common.weights.WeightFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator JVM started as a user starts it sets its other threads behind its worker processes. */
@ExtendWith(IsolatedRuns.class)
class GiveWayToWorkersTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldSetEveryCoordinatorThreadButTheMainOneBehindTheWorkers() throws Exception
    {
        assumeTrue(ThreadNice.currentTid() > 0, "no /proc/thread-self (not Linux): threads have no nice value of their own");
        assumeTrue(TestSupport.onPath("renice"), "no renice on the PATH: the coordinator leaves its threads as they are");
        assumeTrue(ThreadNice.niceOf(ThreadNice.currentTid()) < 19, "already at nice 19: nothing can be set behind");
        final String prefix = TestSupport.generate(dir, 40_000, 100, 2_000, 40);
        final Path run = dir.resolve("run");
        final Path log = dir.resolve("coordinator.log");
        final Process coordinator = TestSupport.startChildCoordinator(log, "--data", prefix + ".train.libsvm",
            "--procs", "2", "--epochs", "1000", "--patience", "0", "-q", "--out", run.toString());
        try
        {
            // The threads are set behind after the first epoch's end.
            await(() -> epochsCompleted(run.resolve("weights.bin")) >= 2 || !coordinator.isAlive(), 60_000, "epoch 2");
            assertTrue(coordinator.isAlive(), TestSupport.output(log));
            final Map<Long, String> names = new HashMap<>();
            final Map<Long, Integer> nices = new HashMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + coordinator.pid() + "/task")))
            {
                for (final Path task : tasks.toList())
                {
                    final long tid = Long.parseLong(task.getFileName().toString());
                    names.put(tid, Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim());
                    nices.put(tid, ThreadNice.niceIn(task.resolve("stat")));
                }
            }
            // The Java main thread: named "java" like the launcher's thread, whose id is the process's.
            final long main = names.entrySet().stream()
                .filter(e -> e.getValue().equals("java") && e.getKey() != coordinator.pid())
                .mapToLong(Map.Entry::getKey).min().orElseThrow();
            final int mainNice = nices.get(main);
            final int behind = Math.min(19, mainNice + ThreadNice.COORDINATOR_NICENESS);
            final String threads = names + " " + nices + "\n" + TestSupport.output(log);
            for (final String name : List.of("C1 CompilerThre", "C2 CompilerThre", "hogwild-checkpo", "VM Thread"))
            {
                assertTrue(names.entrySet().stream().anyMatch(e -> e.getValue().equals(name) &&
                    nices.get(e.getKey()) == behind), name + " at nice " + behind + ": " + threads);
            }
            assertFalse(mainNice == behind, "the main thread keeps its nice value: " + threads);
            // The workers, which it started, have the main thread's.
            final List<ProcessHandle> workers = ProcessHandle.of(coordinator.pid()).orElseThrow().children().toList();
            assertEquals(2, workers.size(), threads);
            for (final ProcessHandle worker : workers)
            {
                assertEquals(mainNice, ThreadNice.niceIn(Path.of("/proc/" + worker.pid() + "/stat")), "worker " + worker.pid());
            }
        }
        finally
        {
            coordinator.destroy();
            coordinator.waitFor(30, TimeUnit.SECONDS);
            coordinator.destroyForcibly();
        }
    }

    private static long epochsCompleted(final Path weights)
    {
        try (WeightFile file = TestSupport.runningPast(weights, 1))
        {
            return file == null ? 0 : file.epochsCompleted();
        }
    }


}
