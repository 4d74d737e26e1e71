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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    /** Starts a long run; returns it once an epoch is released, with worker 0's PID. */
    private record LongRun(CompletableFuture<Integer> training, StringWriter err, Path run, long workerPid)
    {
    }

    private LongRun startLongRun(final String sync)
    {
        final String prefix = TestSupport.generate(dir, 40_000, 100, 2_000, 40);
        final Path run = dir.resolve("run");
        final StringWriter err = new StringWriter();
        final CompletableFuture<Integer> training = CompletableFuture.supplyAsync(() -> HogwildCli.execute(
            new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
            "--data", prefix + ".train.libsvm", "--procs", "2", "--epochs", "1000", "--patience", "0", "-q",
            "--sync", sync, "--on-worker-failure", "fail", "--out", run.toString()));
        final Path weights = run.resolve("weights.bin");
        await(() -> trainingWorkerPid(weights) != 0 || training.isDone(), 60_000, "a released epoch");
        final long pid = trainingWorkerPid(weights);
        assertTrue(pid > 0, "the run ended before the fault: " + err);
        return new LongRun(training, err, run, pid);
    }

    private static void assertFailedWithoutSummary(final LongRun run, final String message) throws Exception
    {
        assertEquals(HogwildCli.EXIT_FAILED, run.training().get(60, TimeUnit.SECONDS), run.err().toString());
        assertTrue(run.err().toString().contains(message), run.err().toString());
        assertFalse(Files.exists(run.run().resolve("summary.json")), "a failed run writes no summary");
        try (WeightFile file = WeightFile.open(run.run().resolve("weights.bin"), false))
        {
            assertEquals(RunState.FAILED, file.runState());
        }
    }

    /** In the locking modes the killed worker may die holding the lock: the others must not wait forever. */
    @ParameterizedTest
    @ValueSource(strings = {"lockfree", "lock", "atomic", "filelock"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldFailTheRunWhenAWorkerIsKilled(final String sync) throws Exception
    {
        final LongRun run = startLongRun(sync);
        assertTrue(ProcessHandle.of(run.workerPid()).orElseThrow().destroyForcibly(), "SIGKILL sent to worker 0");
        assertFailedWithoutSummary(run, "worker 0 (pid " + run.workerPid() + ") exited with code 137");
    }

    /** With --sync lock a stopped lock holder leaves the other worker spinning: it must keep beating and obey. */
    @ParameterizedTest
    @ValueSource(strings = {"lockfree", "lock"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldFailTheRunWhenAWorkerStopsBeating(final String sync) throws Exception
    {
        final LongRun run = startLongRun(sync);
        final Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(run.workerPid())).start();
        assertEquals(0, stop.waitFor(), "SIGSTOP sent to worker 0");
        assertFailedWithoutSummary(run, "worker 0 (pid " + run.workerPid() + ") has not beaten its heartbeat");
    }
}
