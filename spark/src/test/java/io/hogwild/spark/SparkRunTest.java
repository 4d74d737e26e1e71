package io.hogwild.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.hogwild.common.SharedData;
import io.hogwild.common.data.LibsvmFormatException;
import io.hogwild.common.data.SyntheticData;
import io.hogwild.common.settings.SettingsException;
import io.hogwild.coordinator.LiblinearModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code hogwild spark} end to end on embedded local[2]: real data, generated data, bad input. */
@Timeout(300)
class SparkRunTest
{
    @TempDir
    Path dir;

    @BeforeEach
    void sparkStartsOnThisJava()
    {
        SparkJavaTest.assumeSparkStarts();
    }

    private Map<String, Object> run(final Map<String, String> given) throws IOException
    {
        final Map<String, String> values = new HashMap<>(given);
        values.putIfAbsent("master", "local[2]");
        values.putIfAbsent("out", dir.resolve("run").toString());
        values.putIfAbsent("quiet", "true");
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        return new SparkRun(SparkSettings.resolve(values), new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    }

    private static double number(final Map<String, Object> summary, final String key)
    {
        return ((Number)summary.get(key)).doubleValue();
    }

    @Test
    void a9aReachesThePeersAccuracyAndWritesTrainsRunDirectory() throws IOException
    {
        final Map<String, Object> summary = run(Map.of(
            "data", SharedData.require("a9a").toString(), "test", SharedData.require("a9a.t").toString()));
        assertTrue(number(summary, "test_accuracy") >= 0.843, "a9a test accuracy " + summary.get("test_accuracy"));
        assertEquals("spark", summary.get("mode"));
        assertEquals(2, ((Number)summary.get("workers")).intValue());
        final Path runDir = dir.resolve("run");
        for (final String file : List.of("settings.json", "metrics.csv", "summary.json", "model.txt"))
        {
            assertTrue(Files.isRegularFile(runDir.resolve(file)), file);
        }
        final List<String> metrics = Files.readAllLines(runDir.resolve("metrics.csv"));
        assertEquals(io.hogwild.coordinator.EpochRecord.HEADER, metrics.get(0));
        assertEquals(((Number)summary.get("epochs")).intValue() + 1, metrics.size());
        assertEquals(123, LiblinearModel.read(runDir.resolve("model.txt")).featureCount());
    }

    @Test
    void spamAssassin() throws IOException
    {
        final Map<String, Object> summary = run(Map.of(
            "data", SharedData.require("spamassassin.train.libsvm").toString(),
            "test", SharedData.require("spamassassin.test.libsvm").toString()));
        assertTrue(number(summary, "test_accuracy") >= 0.984, "SpamAssassin test accuracy " + summary.get("test_accuracy"));
    }

    @Test
    void mllibEngineOnA9a() throws IOException
    {
        final Map<String, Object> summary = run(Map.of("engine", "mllib",
            "data", SharedData.require("a9a").toString(), "test", SharedData.require("a9a.t").toString()));
        assertEquals("mllib", summary.get("engine"));
        assertEquals(20, ((Number)summary.get("epochs")).intValue(), "MLlib's loop runs every epoch");
        // MLlib's 1/sqrt(t) steps from the same first step: near the peers, a little behind.
        assertTrue(number(summary, "test_accuracy") >= 0.83, "a9a test accuracy " + summary.get("test_accuracy"));
    }

    /** No ../shared needed: generated RCV1-shaped rows, logistic loss, through the command line and a settings file. */
    @Test
    void generatedDataWithLogisticLossThroughTheCommandLine() throws IOException
    {
        final SyntheticData generator = new SyntheticData(2_000, 30, 7);
        final Path train = dir.resolve("train.libsvm");
        final Path test = dir.resolve("test.libsvm");
        generator.writeLibsvm(train, 20_000, 1);
        generator.writeLibsvm(test, 5_000, 2);
        final Path settingsFile = dir.resolve("spark.properties");
        Files.writeString(settingsFile, "loss=logistic\nbatch-fraction=0.125\npartitions=3\n");
        final Path out = dir.resolve("cli-run");
        final int exit = SparkCommand.commandLine().execute("--settings", settingsFile.toString(),
            "--data", "file://" + train.toAbsolutePath(), "--test", test.toString(), "--master", "local[2]",
            "--out", out.toString(), "-q");
        assertEquals(0, exit);
        final String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"loss\": \"logistic\"") && summary.contains("\"workers\": 3") &&
            summary.contains("\"mode\": \"spark\""), summary);
        final double accuracy = Double.parseDouble(summary.replaceAll("(?s).*\"test_accuracy\": ([0-9.]+).*", "$1"));
        // train reaches 90.4 % and liblinear 90.0 % on these rows.
        assertTrue(accuracy >= 0.88, "test accuracy " + accuracy);
        assertEquals(2, SparkCommand.commandLine().execute("--procs", "2", "--data", train.toString()),
            "a train-only option is a usage error");
    }

    @Test
    void aBadLineIsNamedByItsLineInTheFileNotInItsPartition() throws IOException
    {
        final Path file = dir.resolve("bad.libsvm");
        try (BufferedWriter out = Files.newBufferedWriter(file))
        {
            for (int line = 1; line <= 6_000; line++)
            {
                out.write(line == 4_321 ? "+1 3:0.5 2:0.1\n" : (line % 2 == 0 ? "+1" : "-1") + " 1:0.5 7:1\n");
            }
        }
        final LibsvmFormatException error = assertThrows(LibsvmFormatException.class,
            () -> run(Map.of("data", file.toString(), "partitions", "3")));
        assertTrue(error.getMessage().contains(file + ":4321: feature indices not ascending"), error.getMessage());
        assertTrue(Files.notExists(dir.resolve("run").resolve("summary.json")));
    }

    @Test
    void missingDataAndTrainOnlyOptionsAreRefusedClearly()
    {
        final LibsvmFormatException missing = assertThrows(LibsvmFormatException.class,
            () -> run(Map.of("data", dir.resolve("nope.libsvm").toString())));
        assertTrue(missing.getMessage().contains("nope.libsvm") && missing.getMessage().contains("no such file"),
            missing.getMessage());
        final SettingsException procs = assertThrows(SettingsException.class,
            () -> SparkSettings.resolve(Map.of("data", "x", "procs", "4")));
        assertTrue(procs.getMessage().contains("--procs"), procs.getMessage());
        final SettingsException fraction = assertThrows(SettingsException.class,
            () -> SparkSettings.resolve(Map.of("data", "x", "batch-fraction", "0")));
        assertTrue(fraction.getMessage().contains("--batch-fraction"), fraction.getMessage());
        final SettingsException noData = assertThrows(SettingsException.class, () -> SparkSettings.resolve(Map.of()));
        assertTrue(noData.getMessage().contains("--data is required"), noData.getMessage());
    }
}
