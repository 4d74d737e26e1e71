package io.hogwild.coordinator;

import static io.hogwild.coordinator.TestSupport.await;
import static io.hogwild.coordinator.TestSupport.cli;
import static io.hogwild.coordinator.TestSupport.number;
import static io.hogwild.coordinator.TestSupport.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.weights.RunState;
import io.hogwild.common.weights.WeightFile;
import io.hogwild.coordinator.cli.HogwildCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGINT or SIGTERM to a coordinator (a child JVM): its workers stop, the weight file says interrupted, its
 * last checkpoint stays whole (checkpoints are spaced by their cost: a few epochs apart on this small data),
 * no summary is written, and the exit code is 130 or 143; then
 * {@code train --resume} finishes the run with the same epoch count and outputs as an uninterrupted run.
 */
@ExtendWith(IsolatedRuns.class)
class InterruptResumeTest
{
    private static final int EPOCHS = 60;

    @TempDir
    Path dir;

    private static long epochsCompleted(final Path weights)
    {
        try (WeightFile file = TestSupport.runningPast(weights, 1))
        {
            return file == null ? 0 : file.epochsCompleted();
        }
    }

    /** The epoch of the run's checkpoint, 0 while there is none (or while it is being replaced). */
    private static int checkpointEpoch(final Path run)
    {
        try
        {
            return Checkpoint.exists(run) ? Checkpoint.read(run).epoch() : 0;
        }
        catch (final IOException | RuntimeException ex)
        {
            return 0;
        }
    }

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"TERM, 143", "INT, 130"})
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldCheckpointOnASignalAndResumeToTheSameEnd(final String signal, final int exitCode, final TestInfo info)
        throws Exception
    {
        // Long enough that the signal lands well before the last epoch, even on a loaded machine: the second
        // checkpoint comes some 10 epochs after the first, at 20 times the fastest write's duration.
        final String prefix = TestSupport.generate(dir, 240_000, 2_000, 2_000, 40);
        final Path run = dir.resolve("run");
        final Path log = dir.resolve("coordinator.log");
        final Process coordinator = TestSupport.startChildCoordinator(log, "--data", prefix + ".train.libsvm",
            "--test", prefix + ".test.libsvm", "--procs", "2", "--epochs", Integer.toString(EPOCHS), "--patience", "0",
            "--out", run.toString());
        try
        {
            final Path weights = run.resolve("weights.bin");
            // The checkpoint of an epoch is written after its barrier and evaluation: wait for the file itself.
            await(() -> checkpointEpoch(run) >= 3 || !coordinator.isAlive(), 90_000, "the checkpoint of epoch 3");
            assertTrue(coordinator.isAlive(), "the run ended before the signal:\n" + TestSupport.output(log));
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(coordinator.pid())).start().waitFor());
            assertTrue(coordinator.waitFor(30, TimeUnit.SECONDS), "the coordinator exits after SIG" + signal);
            assertEquals(exitCode, coordinator.exitValue(), TestSupport.output(log));

            assertFalse(Files.exists(run.resolve("summary.json")), "an interrupted run writes no summary");
            try (WeightFile file = WeightFile.open(weights, false))
            {
                assertEquals(RunState.INTERRUPTED, file.runState());
            }
            final Checkpoint checkpoint = Checkpoint.read(run);
            assertTrue(checkpoint.epoch() >= 3, "checkpoint of epoch " + checkpoint.epoch());
            final List<String> metricsBefore = Files.readAllLines(run.resolve("metrics.csv"));
            assertTrue(metricsBefore.size() >= checkpoint.epoch() + 1, "the finished epochs' rows are on disk");
        }
        catch (final AssertionError | RuntimeException ex)
        {
            System.out.println("---- output of the child coordinator (" + info.getDisplayName() + ") ----");
            System.out.println(TestSupport.output(log));
            throw ex;
        }
        finally
        {
            coordinator.destroyForcibly();
        }

        final int resumedFrom = Checkpoint.read(run).epoch();
        final TestSupport.Outcome resumed = cli("train", "--resume", run.toString(), "-q");
        assertEquals(HogwildCli.EXIT_OK, resumed.exitCode(), resumed.err());
        final String summary = read(run.resolve("summary.json"));
        assertEquals(EPOCHS, number(summary, "epochs"), summary);
        assertEquals(resumedFrom, number(summary, "resumed_after_epoch"), summary);
        assertEquals(EPOCHS * number(summary, "train_rows"), number(summary, "samples_total"), summary);
        assertTrue(number(summary, "test_accuracy") > 0.85, summary);
        final List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(EPOCHS + 1, metrics.size(), "one row per epoch, none twice: " + metrics);
        for (int epoch = 1; epoch <= EPOCHS; epoch++)
        {
            assertTrue(metrics.get(epoch).startsWith(epoch + ","), metrics.get(epoch));
        }
        assertTrue(Files.exists(run.resolve("model.txt")));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRefuseASecondRunInTheSameDirectoryAndTheResumeOfARunningOne() throws Exception
    {
        final String prefix = TestSupport.generate(dir, 40_000, 100, 2_000, 40);
        final Path run = dir.resolve("run");
        final Path log = dir.resolve("first.log");
        final Process first = TestSupport.startChildCoordinator(log, "--data", prefix + ".train.libsvm", "--procs", "2",
            "--epochs", "1000", "--patience", "0", "-q", "--out", run.toString());
        try
        {
            await(() -> epochsCompleted(run.resolve("weights.bin")) >= 1 || !first.isAlive(), 60_000, "epoch 1");
            assertTrue(first.isAlive(), TestSupport.output(log));
            final TestSupport.Outcome resume = cli("train", "--resume", run.toString());
            assertEquals(HogwildCli.EXIT_USAGE, resume.exitCode(), resume.err());
            assertTrue(resume.err().contains(run + " is in use by another hogwild run (pid " + first.pid() + ")"),
                resume.err());
            final TestSupport.Outcome second = cli("--data", prefix + ".train.libsvm", "--out", run.toString());
            assertEquals(HogwildCli.EXIT_USAGE, second.exitCode(), second.err());
            assertTrue(second.err().contains("is not empty"), second.err());
            assertTrue(first.isAlive(), "the refused runs left the first alone:\n" + TestSupport.output(log));
        }
        finally
        {
            first.destroy();
            first.waitFor(30, TimeUnit.SECONDS);
            first.destroyForcibly();
        }
    }
}
