package io.hogwild.coordinator;

import static io.hogwild.coordinator.TestSupport.await;
import static io.hogwild.coordinator.TestSupport.number;
import static io.hogwild.coordinator.TestSupport.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.weights.WeightFile;
import io.hogwild.coordinator.cli.HogwildCli;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Under the default {@code --on-worker-failure restart}, a worker killed with {@code kill -9} (or stopped, so
 * that its heartbeat stands still) mid-run is replaced; the replacement goes on from what the slot says the
 * dead one trained (its unfinished chunk first), so the run completes every epoch with every sample trained
 * once an epoch.
 */
@ExtendWith(IsolatedRuns.class)
class WorkerRestartTest
{
    private static final int EPOCHS = 40;

    @TempDir
    Path dir;

    private static long workerPidPast(final Path weights, final long epoch)
    {
        try (WeightFile file = TestSupport.runningPast(weights, epoch))
        {
            return file == null ? 0 : file.workerPid(0);
        }
    }

    @ParameterizedTest(name = "{0} --sync {1}")
    @CsvSource({"KILL, lockfree", "KILL, lock", "STOP, lockfree"})
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldReplaceAFailedWorkerAndFinishEveryEpoch(final String signal, final String sync) throws Exception
    {
        final String prefix = TestSupport.generate(dir, 60_000, 100, 2_000, 40);
        final Path run = dir.resolve("run");
        final CompletableFuture<TestSupport.Outcome> training = CompletableFuture.supplyAsync(() -> TestSupport.cli(
            "--data", prefix + ".train.libsvm", "--procs", "2", "--epochs", Integer.toString(EPOCHS), "--patience", "0",
            "--sync", sync, "-q", "--out", run.toString()));
        final Path weights = run.resolve("weights.bin");
        await(() -> workerPidPast(weights, 2) != 0 || training.isDone(), 60_000, "epoch 2");
        final long victim = workerPidPast(weights, 2);
        assertTrue(victim > 0, "the run ended before the fault");
        final long signalledAtNs = System.nanoTime();
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(victim)).start().waitFor());
        await(() -> restarted(weights) || training.isDone(), 10_000, "the replacement of worker 0");
        final double detectionSeconds = (System.nanoTime() - signalledAtNs) / 1e9;

        final TestSupport.Outcome outcome = training.get(150, TimeUnit.SECONDS);
        final String err = outcome.err();
        assertEquals(HogwildCli.EXIT_OK, outcome.exitCode(), err);
        final String summary = read(run.resolve("summary.json"));
        assertEquals(EPOCHS, number(summary, "epochs"), summary);
        assertEquals(1, number(summary, "worker_restarts"), summary);
        assertEquals(EPOCHS * number(summary, "train_rows"), number(summary, "samples_total"),
            "every training row once an epoch, the dead worker's chunk finished by its replacement: " + summary);
        assertTrue(number(summary, "val_accuracy") > 0.8, summary);
        assertTrue(err.contains("worker 0 (pid " + victim + ")") && err.contains("replaced it (restart 1)"), err);
        // A dead process is seen at once; a stopped one once its heartbeat stood still for 2 s.
        assertTrue(detectionSeconds < (signal.equals("KILL") ? 2 : 2 + 2), "replaced after " + detectionSeconds + " s");
        assertTrue(ProcessHandle.of(victim).map(ProcessHandle::isAlive).orElse(false) == false, "the victim is gone");
    }

    private static boolean restarted(final Path weights)
    {
        try (WeightFile file = WeightFile.open(weights, false))
        {
            return file.workerRestarts(0) > 0;
        }
    }
}
