package io.hogwild.coordinator;

import static io.hogwild.coordinator.TestSupport.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import io.hogwild.coordinator.cli.HogwildCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code hogwild compare} runs its matrix and writes the table, the charts and the report. */
@ExtendWith(IsolatedRuns.class)
class CompareTest
{
    @TempDir
    Path dir;

    /**
     * Each cell runs in a JVM of its own: a terminated compare must take its cell's processes with it, by its
     * shutdown hook on SIGTERM, and on SIGKILL, which runs no hook, because the cell watches its parent.
     */
    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"TERM", "KILL"})
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldLeaveNoProcessBehindWhenTerminated(final String signal) throws Exception
    {
        final String prefix = TestSupport.generate(dir, 100_000, 2_000, 2_000, 40);
        final Path log = dir.resolve("compare.log");
        final Process compare = TestSupport.startChildCoordinator(log, "compare", "--data", prefix + ".train.libsvm",
            "--workers", "2", "--modes", "procs", "--sync", "lockfree", "--epochs", "2000", "--patience", "0",
            "--repeats", "1", "--probe", "false", "--out", dir.resolve("compare").toString());
        final List<ProcessHandle> family = new java.util.ArrayList<>();
        try
        {
            // The compare, its cell's coordinator and that coordinator's two workers.
            TestSupport.await(() -> compare.descendants().count() >= 3 || !compare.isAlive(), 90_000,
                "a cell's coordinator and its workers");
            family.addAll(compare.descendants().toList());
            assertTrue(compare.isAlive(), "the compare ended first:\n" + TestSupport.output(log));
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(compare.pid())).start().waitFor());
            assertTrue(compare.waitFor(30, TimeUnit.SECONDS), "the compare exits after SIG" + signal);
            // Workers notice a dead coordinator within 5 s; the cell would train for minutes more.
            TestSupport.await(() -> family.stream().noneMatch(ProcessHandle::isAlive), 10_000,
                "every process the compare started to be gone after SIG" + signal + ": " + family);
        }
        finally
        {
            family.forEach(ProcessHandle::destroyForcibly);
            compare.descendants().forEach(ProcessHandle::destroyForcibly);
            compare.destroyForcibly();
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldRunEveryCellAndWriteTableChartsAndReport() throws Exception
    {
        final String prefix = TestSupport.generate(dir, 20_000, 2_000, 2_000, 30);
        final Path out = dir.resolve("compare");
        final TestSupport.Outcome outcome = cli("compare", "--data", prefix + ".train.libsvm", "--test",
            prefix + ".test.libsvm", "--workers", "1,2", "--modes", "procs,threads", "--sync", "lockfree,lock",
            "--epochs", "2", "--repeats", "2", "--out", out.toString());
        assertEquals(HogwildCli.EXIT_OK, outcome.exitCode(), outcome.err());

        final List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertTrue(csv.get(0).startsWith("mode,sync,workers,repeat,samples_per_second,epoch_seconds"), csv.get(0));
        assertEquals(1 + 2 * 2 * 2 * 2, csv.size(), "a row per (mode, sync, workers, repeat)");
        final Set<String> cells = new HashSet<>();
        for (final String row : csv.subList(1, csv.size()))
        {
            final String[] f = row.split(",", -1);
            cells.add(f[0] + " " + f[1] + " " + f[2] + " " + f[3]);
            assertTrue(Double.parseDouble(f[4]) > 0, row);
            assertTrue(Double.parseDouble(f[9]) > 0.8, "test accuracy: " + row);
            final double lost = Double.parseDouble(f[11]);
            assertTrue(f[1].startsWith("lockfree") ? lost >= 0 && lost < 0.5 : lost == 0, "lost updates: " + row);
        }
        assertEquals(16, cells.size(), "every cell and repeat once: " + cells);

        for (final String chart : List.of("throughput.png", "speedup.png", "loss-vs-time-w1.png",
            "loss-vs-time-w2.png", "accuracy.png"))
        {
            final BufferedImage image = ImageIO.read(out.resolve(chart).toFile());
            assertTrue(image != null && image.getWidth() >= 800 && image.getHeight() >= 500, chart);
            assertFalse(isBlank(image), chart + " has something drawn on it");
        }

        final String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("**" + Runtime.getRuntime().availableProcessors() + " cores**"), report);
        assertTrue(report.contains("Processes: lock-free over lock, samples per second: "), report);
        assertTrue(report.contains("lockfree: processes over threads"), report);
        assertTrue(report.contains("![throughput](throughput.png)"), report);
        assertTrue(report.contains("| procs | lock | 2 |"), report);
        assertTrue(report.contains("Lost updates: none with lock"), report);
        assertFalse(Files.exists(out.resolve("probe").resolve("probe-data.hwd")), "the probe data is removed");
    }

    private static boolean isBlank(final BufferedImage image)
    {
        final int first = image.getRGB(0, 0);
        for (int y = 0; y < image.getHeight(); y += 7)
        {
            for (int x = 0; x < image.getWidth(); x += 7)
            {
                if (image.getRGB(x, y) != first)
                {
                    return false;
                }
            }
        }
        return true;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--workers 2,1|--workers must be ascending without repeats, was '2,1'",
        "--workers 0|--workers must lie in [1, 4096], was 0",
        "--modes procs,fibres|--modes must list procs and/or threads, was 'fibres'",
        "--sync lockfree,spin|--sync must list lockfree, lockfree-eager, lock, atomic and/or filelock, was 'spin'",
        "--repeats 0|--repeats must be in [1, 1000], was 0",
        "--procs 2|Unknown options: '--procs', '2'"})
    void shouldRefuseABadPlanBeforeRunningAnything(final String args, final String message)
    {
        final Path out = dir.resolve("refused");
        final String[] split = args.split(" ");
        final TestSupport.Outcome outcome = cli("compare", split[0], split[1], "--out", out.toString());
        assertEquals(HogwildCli.EXIT_USAGE, outcome.exitCode(), outcome.err());
        assertTrue(outcome.err().contains(message), outcome.err());
        assertFalse(Files.exists(out), "nothing written");
    }
}
