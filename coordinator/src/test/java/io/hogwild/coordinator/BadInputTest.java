package io.hogwild.coordinator;

import static io.hogwild.coordinator.TestSupport.cli;
import static io.hogwild.coordinator.TestSupport.number;
import static io.hogwild.coordinator.TestSupport.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.data.DatasetCache;
import io.hogwild.common.weights.WeightFileLayout;
import io.hogwild.coordinator.cli.HogwildCli;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bad input through the command line: a message that names the file (and, for data, the line), a
 * non-zero exit, no stack trace, and nothing written that passes for a result.
 */
@ExtendWith(IsolatedRuns.class)
class BadInputTest
{
    @TempDir
    Path dir;

    private static void assertRefused(final TestSupport.Outcome outcome, final int exitCode, final String message)
    {
        assertEquals(exitCode, outcome.exitCode(), outcome.err());
        assertTrue(outcome.err().contains(message), "expected '" + message + "' in: " + outcome.err());
        assertFalse(outcome.err().contains("\tat ") || outcome.err().contains("Exception"),
            "no stack trace: " + outcome.err());
    }

    private TestSupport.Outcome train(final Path data, final String... extra)
    {
        final List<String> args = new java.util.ArrayList<>(List.of("-q", "--data", data.toString(), "--procs", "2",
            "--out", dir.resolve("run").toString()));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "+1 1:abc|value \"abc\" of feature 1 is not a number",
        "+1 1:0.5 2|missing ':' in \"2\"",
        "+1 0:1|feature index 0 is not positive",
        "+1 3:1 2:1|feature indices not ascending: 2 after 3",
        "+1 1:NaN|value of feature 1 is NaN",
        "+1 1:inf|value of feature 1 is inf",
        "+1 1:1e999|value 1e999 of feature 1 is infinite or beyond the float range",
        "2 1:1|label \"2\" is not one of +1, -1, 1, 0"})
    void shouldNameTheFileAndLineOfABadRow(final String badLine, final String problem) throws IOException
    {
        final Path data = Files.writeString(dir.resolve("bad.libsvm"), "-1 1:1\n+1 2:1\n" + badLine + "\n-1 3:1\n");
        assertRefused(train(data), HogwildCli.EXIT_FAILED, data + ":3: " + problem);
        assertFalse(Files.exists(dir.resolve("run")), "no run directory for data that was never read");
    }

    @Test
    void shouldRefuseEmptyRowlessMissingDirectoryAndUnreadableFiles() throws IOException
    {
        final Path empty = Files.writeString(dir.resolve("empty.libsvm"), "");
        assertRefused(train(empty), HogwildCli.EXIT_FAILED, empty + ": the file is empty");
        final Path rowless = Files.writeString(dir.resolve("rowless.libsvm"), "# only a comment\n\n");
        assertRefused(train(rowless), HogwildCli.EXIT_FAILED, "holds no rows");
        final Path missing = dir.resolve("missing.libsvm");
        assertRefused(train(missing), HogwildCli.EXIT_FAILED, missing + ": no such file");
        final Path directory = Files.createDirectory(dir.resolve("a-directory"));
        assertRefused(train(directory), HogwildCli.EXIT_FAILED, "is a directory");

        final Path unreadable = Files.writeString(dir.resolve("unreadable.libsvm"), "+1 1:1\n-1 2:1\n");
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("-w-------"));
        Assumptions.assumeFalse(Files.isReadable(unreadable),
            "skipped: this user (root?) reads files without read permission, so the case cannot be made here");
        assertRefused(train(unreadable), HogwildCli.EXIT_FAILED, unreadable + ": permission denied");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldScoreTestRowsWithUnseenFeaturesAndCountThem() throws IOException
    {
        final Path train = Files.writeString(dir.resolve("train.libsvm"), "+1 1:1 2:1\n-1 3:1 4:1\n".repeat(200));
        final Path test = Files.writeString(dir.resolve("test.libsvm"), "+1 1:1 9:1\n-1 3:1\n+1 2:1 12:0.5\n");
        final TestSupport.Outcome outcome = train(train, "--test", test.toString(), "--epochs", "3");
        assertEquals(HogwildCli.EXIT_OK, outcome.exitCode(), outcome.err());
        final String summary = read(dir.resolve("run").resolve("summary.json"));
        assertEquals(2, number(summary, "test_rows_with_unseen_features"), summary);
        assertEquals(1.0, number(summary, "test_accuracy"), summary);
        assertTrue(outcome.out().contains("note: 2 test rows hold features the training data never has"),
            outcome.out());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"truncated", "version", "magic", "checksum"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseABadWeightFileInInspectPredictAndResume(final String damage) throws Exception
    {
        final String prefix = TestSupport.generate(dir, 2_000, 200, 100, 10);
        final Path run = dir.resolve("run");
        assertEquals(HogwildCli.EXIT_OK, cli("-q", "--data", prefix + ".train.libsvm", "--procs", "1", "--epochs", "2",
            "--out", run.toString()).exitCode());
        // Make the finished run look interrupted, so that only the weight file stands in --resume's way.
        Files.delete(run.resolve("summary.json"));
        final Path weights = run.resolve("weights.bin");
        final String expected;
        try (RandomAccessFile file = new RandomAccessFile(weights.toFile(), "rw"))
        {
            switch (damage)
            {
                case "truncated" ->
                {
                    file.setLength(WeightFileLayout.CONTROL_END + 8);
                    expected = "truncated or corrupt weight file";
                }
                case "version" ->
                {
                    file.seek(WeightFileLayout.VERSION_OFFSET);
                    file.write(new byte[] {9, 0, 0, 0});
                    expected = "weight file format version 9, this program reads version " + WeightFileLayout.VERSION;
                }
                case "magic" ->
                {
                    file.seek(WeightFileLayout.MAGIC_OFFSET);
                    file.write('X');
                    expected = "not a hogwild weight file (wrong magic)";
                }
                default ->
                {
                    file.seek(WeightFileLayout.SEED_OFFSET);
                    file.write(0x5A);
                    expected = "corrupt weight file (the configuration checksum does not match its header)";
                }
            }
        }
        assertRefused(cli("inspect", weights.toString()), HogwildCli.EXIT_FAILED, weights + ": " + expected);
        assertRefused(cli("predict", "--model", weights.toString(), "--data", prefix + ".test.libsvm"),
            HogwildCli.EXIT_FAILED, weights + ": " + expected);
        assertRefused(cli("train", "--resume", run.toString()), HogwildCli.EXIT_FAILED, "cannot resume " + run);
        assertFalse(Files.exists(run.resolve("summary.json")));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRebuildATruncatedOrStaleCache() throws IOException
    {
        final Path data = Files.writeString(dir.resolve("d.libsvm"), "+1 1:1 2:1\n-1 3:1 4:1\n".repeat(100));
        assertEquals(HogwildCli.EXIT_OK, cli("-q", "--data", data.toString(), "--procs", "1", "--epochs", "1",
            "--out", dir.resolve("first").toString()).exitCode());
        final Path cached = DatasetCache.fromEnvironment().cachedPathOf(data);
        assertTrue(Files.exists(cached));
        try (RandomAccessFile file = new RandomAccessFile(cached.toFile(), "rw"))
        {
            file.setLength(file.length() / 2);
        }
        final TestSupport.Outcome truncated = cli("--data", data.toString(), "--procs", "1", "--epochs", "1",
            "--out", dir.resolve("second").toString());
        assertEquals(HogwildCli.EXIT_OK, truncated.exitCode(), truncated.err());
        assertTrue(truncated.out().contains("is unusable") && truncated.out().contains("converting again"),
            truncated.out());

        final Path copy = Files.copy(data, dir.resolve("grown.libsvm"));
        Files.writeString(copy, "+1 5:1\n".repeat(50), java.nio.file.StandardOpenOption.APPEND);
        Files.move(copy, data, StandardCopyOption.REPLACE_EXISTING);
        final TestSupport.Outcome stale = cli("--data", data.toString(), "--procs", "1", "--epochs", "1",
            "--out", dir.resolve("third").toString());
        assertEquals(HogwildCli.EXIT_OK, stale.exitCode(), stale.err());
        assertTrue(stale.out().contains("converted " + data + ": 250 rows"), stale.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--procs 4096|--procs 4096 needs about",
        "--on-worker-failure retry|--on-worker-failure must be restart or fail, was 'retry'",
        "--resume /nonexistent/run|--resume /nonexistent/run is not a directory"})
    void shouldRefuseOptionsThatCannotRunBeforeForkingAnything(final String options, final String message)
        throws IOException
    {
        final Path data = Files.writeString(dir.resolve("d.libsvm"), "+1 1:1\n-1 2:1\n");
        final List<String> args = new java.util.ArrayList<>(List.of(options.split(" ")));
        if (!options.startsWith("--resume"))
        {
            args.addAll(List.of("--data", data.toString(), "--out", dir.resolve("run").toString()));
        }
        assertRefused(cli(args.toArray(String[]::new)), HogwildCli.EXIT_USAGE, message);
        assertFalse(Files.exists(dir.resolve("run").resolve("weights.bin")));
        TestSupport.assertNoChildProcesses();
    }
}
