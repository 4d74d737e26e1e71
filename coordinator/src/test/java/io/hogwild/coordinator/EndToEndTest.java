package io.hogwild.coordinator;

import static io.hogwild.coordinator.TestSupport.cli;
import static io.hogwild.coordinator.TestSupport.number;
import static io.hogwild.coordinator.TestSupport.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hogwild.common.SharedData;
import io.hogwild.common.data.CsrChunk;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import io.hogwild.common.sgd.Deferral;
import io.hogwild.common.weights.RunState;
import io.hogwild.common.weights.WeightFile;
import io.hogwild.common.weights.WeightFileLayout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Whole runs through the command line, with real worker processes. */
@ExtendWith(IsolatedRuns.class)
class EndToEndTest
{
    @TempDir
    Path dir;

    private static List<Long> workerPids(final String summary)
    {
        final Matcher m = Pattern.compile("\"worker_pids\": \\[([0-9, ]*)\\]").matcher(summary);
        assertTrue(m.find(), summary);
        return Pattern.compile(",\\s*").splitAsStream(m.group(1)).map(Long::parseLong).toList();
    }

    private String train(final Path data, final Path test, final Path out, final String... extra)
    {
        final List<String> args = new java.util.ArrayList<>(List.of("--data", data.toString(), "--test",
            test.toString(), "--procs", "2", "--out", out.toString()));
        args.addAll(List.of(extra));
        final int code = io.hogwild.coordinator.cli.HogwildCli.execute(args.toArray(String[]::new));
        assertEquals(0, code, "exit code of train " + args);
        return out.toString();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldTrainGeneratedDataWithTwoProcessesAndWriteEveryOutput() throws Exception
    {
        final String prefix = dir.resolve("synthetic").toString();
        assertEquals(0, cli("generate", "--rows", "20000", "--test-rows", "4000", "--features", "3000", "--nnz", "30",
            "--seed", "5", "-o", prefix).exitCode());
        final Path run = dir.resolve("run");
        train(Path.of(prefix + ".train.libsvm"), Path.of(prefix + ".test.libsvm"), run, "--epochs", "8");

        final String summary = read(run.resolve("summary.json"));
        assertTrue(number(summary, "test_accuracy") > 0.85, summary);
        assertEquals(2, number(summary, "workers"));
        assertTrue(summary.contains("\"mode\": \"procs\""), summary);
        assertTrue(summary.contains("\"sync\": \"lockfree\""), summary);
        // 3,000 features against 30 non-zeros a row: two lock-free workers defer every update.
        assertTrue(summary.contains("\"deferral\": \"all\""), summary);
        assertEquals(Deferral.ALL.hotStoreSamples(2), number(summary, "hot_store_samples"));
        assertEquals(Deferral.UNSEEN_COLD_SAMPLES, number(summary, "cold_store_samples"));
        for (final String key : List.of("test_loss", "val_accuracy", "epochs", "train_seconds", "samples_per_second"))
        {
            assertFalse(Double.isNaN(number(summary, key)), key);
        }
        final List<Long> pids = workerPids(summary);
        assertEquals(2, pids.size());
        assertNotEquals(pids.get(0), pids.get(1));
        assertFalse(pids.contains(ProcessHandle.current().pid()), "workers are processes of their own");

        final List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertTrue(metrics.get(0).startsWith("epoch,seconds,step_size,train_loss,val_loss,val_accuracy"));
        assertEquals((int)number(summary, "epochs") + 1, metrics.size());
        assertTrue(read(run.resolve("settings.json")).contains("\"procs\": 2"));

        try (WeightFile weights = WeightFile.open(run.resolve("weights.bin"), false))
        {
            assertEquals(RunState.FINISHED, weights.runState());
            assertEquals(3000, weights.dimension());
        }

        // predict scores model.txt (liblinear's format) to the accuracy the run reported.
        final TestSupport.Outcome predicted = cli("predict", "--model", run.toString(), "--data", prefix + ".test.libsvm",
            "-o", dir.resolve("predictions.txt").toString());
        assertEquals(0, predicted.exitCode(), predicted.err());
        final Matcher accuracy = Pattern.compile("Accuracy = ([0-9.]+)%").matcher(predicted.out());
        assertTrue(accuracy.find(), predicted.out());
        assertEquals(100 * number(summary, "test_accuracy"), Double.parseDouble(accuracy.group(1)), 1e-3);
        // One prediction a line of the source, in its order (the dataset file stores the rows shuffled): the
        // lines whose prediction is their own label are exactly the ones predict counted correct.
        final List<String> predictions = Files.readAllLines(dir.resolve("predictions.txt"));
        final List<String> lines = Files.readAllLines(Path.of(prefix + ".test.libsvm"));
        assertEquals(4000, predictions.size());
        long agree = 0;
        for (int i = 0; i < lines.size(); i++)
        {
            agree += Integer.parseInt(predictions.get(i)) == Integer.parseInt(lines.get(i).split(" ")[0]) ? 1 : 0;
        }
        assertEquals(Double.parseDouble(accuracy.group(1)), 100.0 * agree / lines.size(), 1e-3);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldWriteAModelThatLiblinearsOwnPredictScoresAlike() throws Exception
    {
        final String predict = liblinearPredict();
        Assumptions.assumeTrue(predict != null,
            "skipped: liblinear's predict is not installed (Debian package liblinear-tools)");
        final String prefix = TestSupport.generate(dir, 5_000, 1_000, 500, 12);
        final Path run = dir.resolve("run");
        train(Path.of(prefix + ".train.libsvm"), Path.of(prefix + ".test.libsvm"), run, "--epochs", "3");
        final Process liblinear = new ProcessBuilder(predict, prefix + ".test.libsvm",
            run.resolve("model.txt").toString(), dir.resolve("liblinear.out").toString()).redirectErrorStream(true).start();
        final String output = new String(liblinear.getInputStream().readAllBytes());
        assertEquals(0, liblinear.waitFor(), output);
        final Matcher accuracy = Pattern.compile("Accuracy = ([0-9.]+)%").matcher(output);
        assertTrue(accuracy.find(), output);
        assertEquals(100 * number(read(run.resolve("summary.json")), "test_accuracy"),
            Double.parseDouble(accuracy.group(1)), 1e-3, output);
        // Line by line, predict -o agrees with liblinear's own predictions, in the source's order.
        final TestSupport.Outcome ours = cli("predict", "--model", run.toString(), "--data", prefix + ".test.libsvm",
            "-o", dir.resolve("ours.out").toString());
        assertEquals(0, ours.exitCode(), ours.err());
        final List<String> theirs = Files.readAllLines(dir.resolve("liblinear.out"));
        final List<String> mine = Files.readAllLines(dir.resolve("ours.out"));
        assertEquals(theirs.size(), mine.size());
        int differ = 0;
        for (int i = 0; i < theirs.size(); i++)
        {
            differ += Integer.parseInt(theirs.get(i).trim()) != Integer.parseInt(mine.get(i).trim()) ? 1 : 0;
        }
        assertTrue(differ <= 1, differ + " of " + theirs.size() + " lines predicted otherwise than liblinear");
    }

    private static String liblinearPredict()
    {
        for (final String name : List.of("liblinear-predict", "predict"))
        {
            for (final String dir : System.getenv().getOrDefault("PATH", "").split(":"))
            {
                final Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate) && (name.startsWith("liblinear") || isLiblinear(candidate)))
                {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    private static boolean isLiblinear(final Path predict)
    {
        try
        {
            final Process process = new ProcessBuilder(predict.toString()).redirectErrorStream(true).start();
            final String usage = new String(process.getInputStream().readAllBytes());
            process.waitFor();
            return usage.contains("model_file");
        }
        catch (final IOException | InterruptedException ex)
        {
            return false;
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldGiveAWorkerProcessTheDirectMemoryOfItsPrivateCopies() throws IOException
    {
        // As wide as a private copy of every weight goes (4 Mi features, 48 MiB of copy and bases), with rows dense
        // enough that the copy pays: more direct memory than the JVM's default, its worker-sized heap, allows.
        final int dimension = Deferral.MAX_COPY_FEATURES;
        final int rows = 60;
        final int perRow = 70_000;
        final CsrChunk chunk = new CsrChunk(rows, rows * perRow);
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < perRow; k++)
            {
                chunk.addFeature(r + k * (dimension / perRow), 0.01f);
            }
            chunk.endRow(r % 2 == 0 ? 1 : -1);
        }
        final Path data = dir.resolve("wide.hwd");
        DatasetWriter.write(data, List.of(chunk), dimension, SourceInfo.GENERATED);
        final Path run = dir.resolve("wide");
        final TestSupport.Outcome outcome = cli("--data", data.toString(), "--procs", "1", "--epochs", "1",
            "--out", run.toString());
        assertEquals(0, outcome.exitCode(), outcome.err());
        final String summary = read(run.resolve("summary.json"));
        assertTrue(summary.contains("\"deferral\": \"all\""), summary);
        assertTrue(summary.contains("\"mode\": \"procs\""), summary);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldTrainWithTheSameWorkersOnThreadsOfOneJvm() throws IOException
    {
        final String prefix = TestSupport.generate(dir, 20_000, 4_000, 3_000, 30);
        final Path run = dir.resolve("threads");
        final int code = io.hogwild.coordinator.cli.HogwildCli.execute("--data", prefix + ".train.libsvm", "--test",
            prefix + ".test.libsvm", "--threads", "2", "--epochs", "8", "--out", run.toString());
        assertEquals(0, code);
        final String summary = read(run.resolve("summary.json"));
        assertTrue(summary.contains("\"mode\": \"threads\""), summary);
        assertEquals(2, number(summary, "workers"));
        assertEquals(List.of(ProcessHandle.current().pid()), workerPids(summary), "threads run in this JVM");
        assertTrue(number(summary, "test_accuracy") > 0.85, summary);
        try (WeightFile weights = WeightFile.open(run.resolve("weights.bin"), false))
        {
            assertEquals(RunState.FINISHED, weights.runState());
            assertTrue(weights.workerSamplesDone(0) > 0 && weights.workerSamplesDone(1) > 0);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldReachTheExactSolversAccuracyOnA9a() throws IOException
    {
        final Path run = dir.resolve("a9a");
        train(SharedData.require("a9a"), SharedData.require("a9a.t"), run);
        final String summary = read(run.resolve("summary.json"));
        assertTrue(number(summary, "test_accuracy") >= 0.845, "liblinear reaches 0.8496; " + summary);
        assertEquals(2, workerPids(summary).stream().distinct().count());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldReachTheExactSolversAccuracyOnSpamAssassin() throws IOException
    {
        final Path run = dir.resolve("spam");
        train(SharedData.require("spamassassin.train.libsvm"), SharedData.require("spamassassin.test.libsvm"), run);
        final String summary = read(run.resolve("summary.json"));
        assertTrue(number(summary, "test_accuracy") >= 0.984, "liblinear reaches 0.9892; " + summary);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldLetNumpyMemmapReadTheWeightsAtTheDocumentedOffset() throws Exception
    {
        Assumptions.assumeTrue(new ProcessBuilder("python3", "-c", "import numpy").start().waitFor() == 0,
            "skipped: python3 with numpy is not installed");
        final String prefix = dir.resolve("small").toString();
        cli("generate", "--rows", "3000", "--test-rows", "500", "--features", "400", "--nnz", "10", "-o", prefix);
        final Path run = dir.resolve("run");
        train(Path.of(prefix + ".train.libsvm"), Path.of(prefix + ".test.libsvm"), run, "--epochs", "2");
        final Path weights = run.resolve("weights.bin");
        final String script = String.join("\n",
            "import numpy as np, sys",
            "header = np.memmap(sys.argv[1], dtype='<i8', mode='r', shape=(16,))",
            "dim, offset = int(header[" + WeightFileLayout.DIMENSION_OFFSET / 8 + "]), int(header[" +
                WeightFileLayout.WEIGHTS_OFFSET_OFFSET / 8 + "])",
            "w = np.memmap(sys.argv[1], dtype='<f4', mode='r', offset=offset, shape=(dim,))",
            "print(dim, repr(float(np.abs(w).sum())))");
        final Process python = new ProcessBuilder("python3", "-c", script, weights.toString())
            .redirectErrorStream(true).start();
        final String output = new String(python.getInputStream().readAllBytes()).trim();
        assertEquals(0, python.waitFor(), output);
        double expected = 0;
        try (WeightFile file = WeightFile.open(weights, false))
        {
            for (final float w : file.copyWeights())
            {
                expected += Math.abs(w);
            }
        }
        final String[] parts = output.split(" ");
        assertEquals("400", parts[0], output);
        assertEquals(expected, Double.parseDouble(parts[1]), 1e-3 * expected, output);
    }
}
