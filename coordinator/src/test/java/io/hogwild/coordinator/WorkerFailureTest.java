package io.hogwild.coordinator;

import static io.hogwild.coordinator.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.weights.RunState;
import io.hogwild.common.weights.WeightFile;
import io.hogwild.coordinator.cli.HogwildCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A worker killed with SIGKILL mid-run: the run fails cleanly, names the worker, and leaves nothing behind. */
@ExtendWith(IsolatedRuns.class)
class WorkerFailureTest
{
    @TempDir
    Path dir;

    private static long trainingWorkerPid(final Path weights)
    {
        try (WeightFile file = TestSupport.runningPast(weights, 1))
        {
            return file == null ? 0 : file.workerPid(0);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldFailTheRunWhenAWorkerIsKilled() throws Exception
    {
        final String prefix = TestSupport.generate(dir, 40_000, 100, 2_000, 40);
        final Path run = dir.resolve("run");
        final StringWriter err = new StringWriter();
        final CompletableFuture<Integer> training = CompletableFuture.supplyAsync(() -> HogwildCli.execute(
            new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
            "--data", prefix + ".train.libsvm", "--procs", "2", "--epochs", "1000", "--patience", "0", "-q",
            "--out", run.toString()));
        final Path weights = run.resolve("weights.bin");
        await(() -> trainingWorkerPid(weights) != 0 || training.isDone(), 60_000, "a released epoch");
        final long pid = trainingWorkerPid(weights);
        assertTrue(pid > 0, "the run ended before the kill: " + err);

        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly(), "SIGKILL sent to worker 0");

        assertEquals(HogwildCli.EXIT_FAILED, training.get(60, TimeUnit.SECONDS), err.toString());
        assertTrue(err.toString().contains("worker 0 (pid " + pid + ") exited with code 137"), err.toString());
        assertFalse(Files.exists(run.resolve("summary.json")), "a failed run writes no summary");
        try (WeightFile file = WeightFile.open(weights, false))
        {
            assertEquals(RunState.FAILED, file.runState());
        }
    }
}
