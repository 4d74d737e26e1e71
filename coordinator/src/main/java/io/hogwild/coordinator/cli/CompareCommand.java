package io.hogwild.coordinator.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import io.hogwild.common.settings.Settings;
import io.hogwild.common.settings.SettingsException;
import io.hogwild.common.sgd.SyncMode;
import io.hogwild.coordinator.compare.Cell;
import io.hogwild.coordinator.compare.Comparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hogwild compare}: the experiment that trains every (mode x sync x workers) cell with the same
 * settings and seeds and writes {@code compare.csv}, PNG charts and {@code report.md}. Every train option
 * but the worker set-up and the run directory applies to all cells.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
        "Compares lock-free training with locks, atomics and file locks, in processes and threads, at several "
            + "worker counts.",
        "",
        "Runs every cell with identical settings and seeds, in an order shuffled anew for each repeat, measures "
            + "lost updates with a probe epoch per cell, and writes compare.csv, throughput/speed-up/loss/accuracy "
            + "charts (PNG) and report.md into --out."
    })
public final class CompareCommand implements Callable<Integer>
{
    /** Train settings that the cells set themselves. */
    static final Set<String> CELL_SETTINGS = Set.of("procs", "threads", "sync", "out", "quiet");
    /** Epochs of each run unless given: enough for the curves, short enough for a matrix. */
    static final String DEFAULT_EPOCHS = "5";

    @Spec
    private CommandSpec spec;

    @Option(names = "--settings", paramLabel = "FILE",
        description = "A properties file holding train options shared by every run (name=value)")
    private Path settingsFile;

    @Option(names = "--workers", paramLabel = "N,N,...", defaultValue = "1,2,4,8",
        description = "Worker counts (default: ${DEFAULT-VALUE})")
    private String workers;

    @Option(names = "--modes", paramLabel = "MODE,...", defaultValue = "procs,threads",
        description = "procs and/or threads (default: ${DEFAULT-VALUE})")
    private String modes;

    @Option(names = "--sync", paramLabel = "MODE,...", defaultValue = "lockfree,lockfree-eager,lock,atomic,filelock",
        description = "Synchronisation modes (default: ${DEFAULT-VALUE})")
    private String syncs;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "3",
        description = "Runs of each cell; the report gives medians (default: ${DEFAULT-VALUE})")
    private int repeats;

    @Option(names = "--probe", paramLabel = "BOOL", defaultValue = "true", arity = "1",
        description = "Measure lost updates with one probe epoch per cell (default: ${DEFAULT-VALUE})")
    private boolean probe;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Output directory, new or empty (default: compare/<timestamp>)")
    private Path out;

    public CompareCommand()
    {
    }

    @Override
    public Integer call() throws Exception
    {
        final Map<String, String> values = TrainCommand.settingsValues(spec, settingsFile);
        CELL_SETTINGS.forEach(values::remove);
        values.putIfAbsent("epochs", DEFAULT_EPOCHS);
        final Settings base = Settings.resolve(values);
        if (repeats < 1 || repeats > 1000)
        {
            throw new SettingsException("--repeats must be in [1, 1000], was " + repeats);
        }
        final Path dir = out != null ? out :
            Paths.get("compare", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        final Comparison.Plan plan = new Comparison.Plan(base, parseWorkers(workers), parseModes(modes),
            parseSyncs(syncs), repeats, probe, dir);
        new Comparison(plan, line ->
        {
            System.out.println(line);
            System.out.flush();
        }).run();
        System.out.println("compare: wrote " + dir.resolve("report.md") + ", compare.csv and the charts in " + dir);
        return HogwildCli.EXIT_OK;
    }

    static List<Integer> parseWorkers(final String text)
    {
        final List<Integer> counts = new ArrayList<>();
        for (final String item : items("--workers", text))
        {
            final int n;
            try
            {
                n = Integer.parseInt(item);
            }
            catch (final NumberFormatException ex)
            {
                throw new SettingsException("--workers must list whole numbers, was '" + text + "'");
            }
            if (n < 1 || n > Settings.MAX_WORKERS)
            {
                throw new SettingsException("--workers must lie in [1, " + Settings.MAX_WORKERS + "], was " + n);
            }
            if (!counts.isEmpty() && n <= counts.get(counts.size() - 1))
            {
                throw new SettingsException("--workers must be ascending without repeats, was '" + text + "'");
            }
            counts.add(n);
        }
        return counts;
    }

    static List<String> parseModes(final String text)
    {
        return distinct("--modes", "procs and/or threads", text,
            item -> item.equals(Cell.PROCS) || item.equals(Cell.THREADS) ? item : null);
    }

    static List<SyncMode> parseSyncs(final String text)
    {
        return distinct("--sync", "lockfree, lockfree-eager, lock, atomic and/or filelock", text, SyncMode::fromCliName);
    }

    /** The items of {@code text} parsed by {@code parse} (null: not allowed), each at most once. */
    private static <T> List<T> distinct(final String option, final String allowed, final String text,
        final java.util.function.Function<String, T> parse)
    {
        final List<T> list = new ArrayList<>();
        for (final String item : items(option, text))
        {
            final T value = parse.apply(item);
            if (value == null)
            {
                throw new SettingsException(option + " must list " + allowed + ", was '" + item + "'");
            }
            if (list.contains(value))
            {
                throw new SettingsException(option + " lists " + item + " twice");
            }
            list.add(value);
        }
        return list;
    }

    private static List<String> items(final String option, final String text)
    {
        final List<String> items = new ArrayList<>();
        for (final String item : text.split(","))
        {
            if (!item.isBlank())
            {
                items.add(item.trim().toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (items.isEmpty())
        {
            throw new SettingsException(option + " lists nothing");
        }
        return items;
    }
}
