package io.hogwild.coordinator.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.settings.Settings;
import io.hogwild.common.sgd.SyncMode;
import io.hogwild.common.util.JvmFlags;
import io.hogwild.coordinator.RunFailedException;
import io.hogwild.coordinator.TrainingRun;
import io.hogwild.coordinator.WorkerProcess;
import io.hogwild.coordinator.cli.HogwildCli;
import io.hogwild.coordinator.cli.ParentWatch;

/**
 * {@code hogwild compare}: trains every cell of (mode x sync x workers) with identical settings and seeds,
 * {@code repeats} times, in an order shuffled anew for each repeat so that the machine's noise falls on every
 * cell alike; then runs the lost-update probe of each cell; then writes {@code compare.csv}, the charts and
 * {@code report.md} into the output directory.
 */
public final class Comparison
{
    /**
     * What to compare.
     *
     * @param base    the settings every run shares (workers, sync and run directory are the cell's)
     * @param workers worker counts
     * @param modes   {@link Cell#PROCS} and/or {@link Cell#THREADS}
     * @param syncs   synchronisation modes
     * @param repeats runs of each cell
     * @param probe   whether to measure lost updates
     * @param out     the output directory: new or empty
     */
    public record Plan(Settings base, List<Integer> workers, List<String> modes, List<SyncMode> syncs, int repeats,
        boolean probe, Path out)
    {
        /** Every cell, in a fixed order: workers, then mode, then sync. */
        public List<Cell> cells()
        {
            final List<Cell> cells = new ArrayList<>();
            for (final int n : workers)
            {
                for (final String mode : modes)
                {
                    for (final SyncMode sync : syncs)
                    {
                        cells.add(new Cell(mode, sync, n));
                    }
                }
            }
            return cells;
        }
    }

    /**
     * Everything measured.
     *
     * @param plan      the plan
     * @param runs      every training run, in the order they ran
     * @param lost      the lost-update probe of each cell (empty without the probe)
     * @param cores     this machine's cores
     * @param dataLabel what was trained on, for the report
     * @param trainRows rows of the training data
     * @param nonzeros  non-zeros of the training data
     * @param dimension features
     */
    public record Result(Plan plan, List<CellRun> runs, Map<Cell, LostUpdateProbe.Result> lost, int cores,
        String dataLabel, long trainRows, long nonzeros, long dimension)
    {
    }

    private final Plan plan;
    private final Consumer<String> log;

    public Comparison(final Plan plan, final Consumer<String> log)
    {
        this.plan = plan;
        this.log = log;
    }

    /** Runs the whole matrix and writes the outputs; returns the figures. */
    public Result run() throws IOException, InterruptedException
    {
        TrainingRun.createEmptyDirectory(plan.out());
        final Settings base = plan.base();
        final TrainingRun.DataFiles files = TrainingRun.resolveData(base, log);
        final String dataLabel = base.data() == null ? "generated RCV1-shaped default" : base.data().toString();
        // Every run reads the converted files, so that none repeats the conversion or its staleness check.
        final Settings resolved = new Settings(files.train(), files.test(), base.procs(), base.threads(), base.epochs(),
            base.lr(), base.decay(), base.lambda(), base.loss(), base.batch(), base.valFraction(), base.patience(),
            base.seed(), base.dim(), null, base.sync(), base.shuffleBlock(), base.onWorkerFailure(), true);

        final List<Cell> cells = plan.cells();
        final int total = cells.size() * plan.repeats();
        final List<CellRun> runs = new ArrayList<>();
        long dimension = 0;
        for (int repeat = 1; repeat <= plan.repeats(); repeat++)
        {
            final List<Cell> order = new ArrayList<>(cells);
            Collections.shuffle(order, new Random(base.seed() * 31 + repeat));
            for (final Cell cell : order)
            {
                final Path runDir = plan.out().resolve("runs").resolve(cell.slug() + "-r" + repeat);
                final Map<String, Object> summary = trainInItsOwnJvm(settingsFor(resolved, cell, runDir), runDir);
                final CellRun run = cellRun(cell, repeat, summary, runDir);
                runs.add(run);
                dimension = ((Number)summary.get("dimension")).longValue();
                log.accept(String.format(Locale.ROOT, "[%d/%d] %-8s %-9s %2d workers  repeat %d: %,12.0f samples/s  " +
                    "%d epochs  loss %.4f  accuracy %s", runs.size(), total, cell.mode(), cell.sync().cliName(),
                    cell.workers(), repeat, run.samplesPerSecond(), run.epochs(),
                    Double.isNaN(run.valLoss()) ? run.trainLoss() : run.valLoss(), percent(run.accuracy())));
            }
        }

        final Map<Cell, LostUpdateProbe.Result> lost = new LinkedHashMap<>();
        final long trainRows;
        final long nonzeros;
        try (Dataset train = Dataset.open(files.train()))
        {
            trainRows = train.rows();
            nonzeros = train.nnz();
            if (plan.probe())
            {
                final Path probeData = plan.out().resolve("probe").resolve("probe-data.hwd");
                final LostUpdateProbe probe = LostUpdateProbe.prepare(train, probeData);
                try
                {
                    final List<Cell> order = new ArrayList<>(cells);
                    Collections.shuffle(order, new Random(base.seed() * 31));
                    for (final Cell cell : order)
                    {
                        final LostUpdateProbe.Result result = probe.run(settingsFor(resolved, cell, null), dimension,
                            plan.out().resolve("probe").resolve(cell.slug()));
                        lost.put(cell, result);
                        log.accept(String.format(Locale.ROOT, "lost-update probe %-8s %-9s %2d workers: %,.0f of %,d " +
                            "updates lost (%.4f %%)", cell.mode(), cell.sync().cliName(), cell.workers(),
                            result.expected() - result.arrived(), result.expected(), 100 * result.lostFraction()));
                    }
                }
                finally
                {
                    Files.deleteIfExists(probeData);
                }
            }
        }

        final Result result = new Result(plan, runs, lost, Runtime.getRuntime().availableProcessors(), dataLabel,
            trainRows, nonzeros, dimension);
        Files.writeString(plan.out().resolve("compare.csv"), CompareCsv.format(result), StandardCharsets.UTF_8);
        CompareCharts.write(result, plan.out());
        Files.writeString(plan.out().resolve("report.md"), CompareReport.format(result), StandardCharsets.UTF_8);
        return result;
    }

    private static Settings settingsFor(final Settings resolved, final Cell cell, final Path runDir)
    {
        final boolean threads = Cell.THREADS.equals(cell.mode());
        return resolved.forCell(threads ? 1 : cell.workers(), threads ? cell.workers() : 0, cell.sync(), runDir);
    }

    /**
     * Trains one cell with {@code hogwild train} in a JVM of its own, as a user would run it, and returns the
     * numbers of its summary. In the compare's JVM, a thread cell would run a kernel that the JIT had already
     * compiled, and profiled, for every other sync mode; in its own JVM every cell starts alike. The run's
     * output goes to {@code RUN_DIR.log}, quoted when the run fails.
     */
    static Map<String, Object> trainInItsOwnJvm(final Settings settings, final Path runDir)
        throws IOException, InterruptedException
    {
        final Path settingsFile = runDir.resolveSibling(runDir.getFileName() + ".properties");
        final Path logFile = runDir.resolveSibling(runDir.getFileName() + ".log");
        Files.createDirectories(runDir.getParent());
        settings.writeFile(settingsFile, "hogwild compare: the settings of one cell");
        final List<String> command = new ArrayList<>();
        command.add(WorkerProcess.javaExecutable());
        command.addAll(JvmFlags.flags());
        command.addAll(JvmFlags.runFlags());
        // The cell stops when this JVM ends, even by SIGKILL, which runs none of the hooks below.
        command.add("-D" + ParentWatch.PROPERTY + "=" + ProcessHandle.current().pid());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(HogwildCli.class.getName());
        command.add("train");
        command.add("--settings");
        command.add(settingsFile.toString());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(logFile.toFile()).start();
        // The cell's coordinator must not outlive the compare, however it ends (its workers notice a dead
        // coordinator and exit): on an exception or interrupt here, and on SIGTERM or Ctrl-C of the compare.
        final Thread killOnExit = new Thread(() -> stop(process), "compare-cell-cleanup");
        Runtime.getRuntime().addShutdownHook(killOnExit);
        final int exit;
        try
        {
            exit = process.waitFor();
        }
        finally
        {
            stop(process);
            try
            {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // The JVM is exiting: the hook runs anyway.
            }
        }
        if (exit != 0)
        {
            final List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            throw new RunFailedException("the run of " + runDir.getFileName() + " failed (exit " + exit + "); its " +
                "output, " + logFile + ", ends:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20),
                lines.size())));
        }
        return summaryNumbers(Files.readString(runDir.resolve("summary.json"), StandardCharsets.UTF_8));
    }

    /**
     * Stops a cell's coordinator: SIGTERM first, so that it checkpoints and marks its run INTERRUPTED, then
     * SIGKILL if it is still there after 2 s.
     */
    private static void stop(final Process process)
    {
        if (!process.isAlive())
        {
            return;
        }
        process.destroy();
        try
        {
            if (!process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The top-level numeric fields of a {@code summary.json}, by name. */
    static Map<String, Object> summaryNumbers(final String json)
    {
        final Map<String, Object> numbers = new LinkedHashMap<>();
        final java.util.regex.Matcher field = java.util.regex.Pattern
            .compile("\"([a-z_]+)\": (-?[0-9][0-9.eE+-]*)[,\n}]").matcher(json);
        while (field.find())
        {
            numbers.putIfAbsent(field.group(1), Double.parseDouble(field.group(2)));
        }
        return numbers;
    }

    private static CellRun cellRun(final Cell cell, final int repeat, final Map<String, Object> summary,
        final Path runDir) throws IOException
    {
        final int epochs = ((Number)summary.get("epochs")).intValue();
        final double wholeRun = number(summary, "samples_per_second");
        final List<String> metrics = Files.readAllLines(runDir.resolve("metrics.csv"), StandardCharsets.UTF_8);
        final double[] steady = epochRates(metrics);
        return new CellRun(cell, repeat, steady.length == 0 ? wholeRun : CellStats.median(steady), wholeRun,
            number(summary, "train_seconds") / epochs, epochs, number(summary, "train_loss"),
            number(summary, "val_loss"), number(summary, "test_accuracy"), number(summary, "val_accuracy"),
            curve(metrics), runDir.toString());
    }

    private static double number(final Map<String, Object> summary, final String key)
    {
        final Object value = summary.get(key);
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The samples/s of every epoch from the second on, from the lines of a run's metrics.csv. */
    static double[] epochRates(final List<String> lines)
    {
        final int column = List.of(lines.get(0).split(",")).indexOf("samples_per_second");
        return lines.stream().skip(2).mapToDouble(line -> Double.parseDouble(line.split(",", -1)[column])).toArray();
    }

    /**
     * Loss against time from the lines of a run's metrics.csv: validation loss, or training loss without
     * validation.
     */
    static List<CellRun.CurvePoint> curve(final List<String> lines)
    {
        final List<String> header = List.of(lines.get(0).split(","));
        final int seconds = header.indexOf("seconds");
        final int train = header.indexOf("train_loss");
        final int val = header.indexOf("val_loss");
        final List<CellRun.CurvePoint> points = new ArrayList<>();
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] fields = line.split(",", -1);
            final String loss = fields[val].isEmpty() ? fields[train] : fields[val];
            points.add(new CellRun.CurvePoint(Double.parseDouble(fields[seconds]), Double.parseDouble(loss)));
        }
        return points;
    }

    static String percent(final double fraction)
    {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * fraction);
    }
}
