package io.hogwild.coordinator;

import static io.hogwild.coordinator.TestSupport.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.hogwild.coordinator.cli.HogwildCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(IsolatedRuns.class)
class CliTest
{
    @TempDir
    Path dir;

    /** The shared-memory commands never carry Spark: `hogwild spark` runs from its own module's class path. */
    @Test
    void sparkIsNotOnTheSharedMemoryClassPath()
    {
        org.junit.jupiter.api.Assertions.assertThrows(ClassNotFoundException.class,
            () -> Class.forName("org.apache.spark.SparkContext"));
    }

    @Test
    void shouldListEveryCommandInTheHelp()
    {
        final TestSupport.Outcome help = cli("--help");
        assertEquals(0, help.exitCode());
        for (final String command : new String[] {"train", "convert", "generate", "inspect", "predict"})
        {
            assertTrue(help.out().contains(command), help.out());
        }
        final TestSupport.Outcome trainHelp = cli("train", "--help");
        assertTrue(trainHelp.out().contains("--procs=N"), trainHelp.out());
        assertTrue(trainHelp.out().contains("--lr=STEP"), trainHelp.out());
        assertTrue(trainHelp.out().replaceAll("\\s+", " ").contains("(default: 0.9)"), trainHelp.out());
    }

    @Test
    void shouldTakeTrainAsTheCommandWhenAnOptionComesFirst()
    {
        assertArrayEquals(new String[] {"train", "--procs", "8"}, HogwildCli.withDefaultCommand(new String[] {"--procs", "8"}));
        assertArrayEquals(new String[] {"train"}, HogwildCli.withDefaultCommand(new String[0]));
        assertArrayEquals(new String[] {"--help"}, HogwildCli.withDefaultCommand(new String[] {"--help"}));
        assertArrayEquals(new String[] {"inspect", "x"}, HogwildCli.withDefaultCommand(new String[] {"inspect", "x"}));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--procs 0|--procs must be in [1, 4096], was 0",
        "--lr -1|--lr must be in (0, inf), was -1",
        "--batch 0|--batch must be in [1, 1048576], was 0",
        "--val-fraction 1.5|--val-fraction must be in [0, 1), was 1.5",
        "--sync foo|--sync must be one of lockfree, lockfree-eager, lock, atomic, filelock, was 'foo'",
        "--threads -1|--threads must be in [0, 4096], was -1",
    })
    void shouldRefuseBadOptionsBeforeForkingAnything(final String options, final String message) throws IOException
    {
        final Path data = dir.resolve("d.libsvm");
        Files.writeString(data, "+1 1:1\n-1 2:1\n");
        final Path out = dir.resolve("run");
        final String[] args = (options + " --data " + data + " --out " + out).split(" ");
        final TestSupport.Outcome outcome = cli(args);
        assertEquals(HogwildCli.EXIT_USAGE, outcome.exitCode(), outcome.err());
        assertTrue(outcome.err().contains(message), outcome.err());
        assertFalse(outcome.err().contains("Exception"), "no stack trace: " + outcome.err());
        assertFalse(Files.exists(out.resolve("weights.bin")));
    }

    @Test
    void shouldNameTheFileAndLineOfBadData() throws IOException
    {
        final Path data = dir.resolve("bad.libsvm");
        Files.writeString(data, "+1 1:1\n-1 3:1 2:1\n");
        final Path out = dir.resolve("run");
        final TestSupport.Outcome outcome = cli("--data", data.toString(), "--out", out.toString());
        assertEquals(HogwildCli.EXIT_FAILED, outcome.exitCode());
        assertEquals("hogwild: " + data + ":2: feature indices not ascending: 2 after 3", outcome.err().trim());
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldReadASettingsFileThatTheCommandLineOverrides() throws IOException
    {
        final Path settings = dir.resolve("run.properties");
        Files.writeString(settings, "procs=0\n");
        final Path data = dir.resolve("d.libsvm");
        Files.writeString(data, "+1 1:1\n-1 2:1\n");
        final TestSupport.Outcome refused = cli("--settings", settings.toString(), "--data", data.toString(),
            "--out", dir.resolve("a").toString());
        assertEquals(HogwildCli.EXIT_USAGE, refused.exitCode());
        assertTrue(refused.err().contains("--procs must be in"), refused.err());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldStopWithAClearMessageWhenTheWeightsDiverge()
    {
        final String prefix = TestSupport.generate(dir, 3_000, 100, 200, 10);
        final Path out = dir.resolve("diverged");
        final TestSupport.Outcome outcome = cli("-q", "--data", prefix + ".train.libsvm", "--procs", "2",
            "--lr", "1e38", "--lambda", "0", "--out", out.toString());
        assertEquals(HogwildCli.EXIT_FAILED, outcome.exitCode(), outcome.err());
        assertTrue(outcome.err().contains("became NaN or infinite in epoch 1") &&
            outcome.err().contains("try a smaller --lr"), outcome.err());
        assertFalse(Files.exists(out.resolve("summary.json")));
    }

    @Test
    void shouldRefuseAWeightFileThatIsNot() throws IOException
    {
        final Path notWeights = dir.resolve("weights.bin");
        Files.write(notWeights, new byte[4096]);
        final TestSupport.Outcome outcome = cli("inspect", notWeights.toString());
        assertEquals(HogwildCli.EXIT_FAILED, outcome.exitCode());
        assertTrue(outcome.err().contains("not a hogwild weight file"), outcome.err());
    }
}
