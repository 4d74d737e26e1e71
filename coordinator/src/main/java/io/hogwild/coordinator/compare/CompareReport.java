package io.hogwild.coordinator.compare;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.hogwild.common.settings.Settings;
import io.hogwild.common.sgd.SyncMode;

/**
 * {@code report.md}: the set-up, the table of every cell, the verdict computed from the figures (lock-free's
 * speed-up over each locking variant, the accuracy each gives up or gains, processes against threads, lost
 * updates) and the charts.
 */
final class CompareReport
{
    private CompareReport()
    {
    }

    static String format(final Comparison.Result result)
    {
        final Comparison.Plan plan = result.plan();
        final Settings base = plan.base();
        final Map<Cell, CellStats> stats = CellStats.of(result);
        final int maxWorkers = plan.workers().stream().mapToInt(Integer::intValue).max().orElse(1);
        final StringBuilder md = new StringBuilder();
        md.append("# hogwild compare\n\n");
        md.append(String.format(Locale.ROOT, "%s, on a machine with **%d cores** (Java %s).%n%n",
            ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")), result.cores(),
            Runtime.version().feature()));
        md.append(String.format(Locale.ROOT, "- Data: %s: %,d rows, %,d features, %,d non-zeros.%n", result.dataLabel(),
            result.trainRows(), result.dimension(), result.nonzeros()));
        md.append(String.format(Locale.ROOT, "- Every run: %d epochs at most, %s loss, batch %d, lr %s, decay %s, " +
                "lambda %s, validation fraction %s, patience %d, seed %d.%n", base.epochs(), base.loss().cliName(),
            base.batch(), Double.isNaN(base.lr()) ? "auto" : Double.toString(base.lr()), base.decay(), base.lambda(),
            base.valFraction(), base.patience(), base.seed()));
        md.append(String.format(Locale.ROOT, "- Cells: workers %s x modes %s x sync %s, %d repeat%s each, in an " +
                "order shuffled anew for each repeat.%n", plan.workers(), plan.modes(),
            plan.syncs().stream().map(SyncMode::cliName).toList(), plan.repeats(), plan.repeats() == 1 ? "" : "s"));
        if (maxWorkers > result.cores())
        {
            md.append(String.format(Locale.ROOT, "- **Oversubscribed:** runs with more than %d workers share %d " +
                "cores, so their throughput measures time-slicing, not parallel speed-up.%n", result.cores(),
                result.cores()));
        }
        md.append("- Throughput is samples trained per second of epoch time (evaluation excluded), steady: the " +
            "median of each run's epochs from the second on (the first holds a fresh worker JVM's JIT warm-up; " +
            "compare.csv has the whole-run figure too), then the median of the repeats; quality figures are " +
            "their means.\n\n");

        md.append("## Verdict\n\n");
        for (final String line : verdict(result, stats))
        {
            md.append("- ").append(line).append('\n');
        }

        md.append("\n## Every cell\n\n");
        md.append("| mode | sync | workers | samples/s (median) | range | s/epoch | epochs | train loss | val loss | " +
            "accuracy | lost updates |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final CellStats cell : stats.values())
        {
            final LostUpdateProbe.Result lost = result.lost().get(cell.cell());
            final double epochs = result.runs().stream().filter(run -> run.cell().equals(cell.cell()))
                .mapToInt(CellRun::epochs).average().orElse(Double.NaN);
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %,.0f-%,.0f | %.3f | %.1f | %.4f | %s | " +
                    "%s | %s |%n", cell.cell().mode(), cell.cell().sync().cliName(), cell.cell().workers(),
                cell.medianSamplesPerSecond(), cell.minSamplesPerSecond(), cell.maxSamplesPerSecond(),
                cell.medianEpochSeconds(), epochs, cell.meanTrainLoss(),
                Double.isNaN(cell.meanValLoss()) ? "-" : String.format(Locale.ROOT, "%.4f", cell.meanValLoss()),
                Comparison.percent(cell.meanAccuracy()), lost == null ? "-" : lostText(lost)));
        }
        md.append("\nAccuracy is test accuracy when there is test data, else validation accuracy. Lost updates: " +
            "the share of one epoch's weight updates that another worker overwrote, measured by the lost-update " +
            "probe on the same rows with the same workers and sync (see `docs/design.md`).\n");

        md.append("\n## Charts\n\n");
        md.append("![throughput](").append(CompareCharts.THROUGHPUT).append(")\n\n");
        md.append("![speed-up](").append(CompareCharts.SPEEDUP).append(")\n\n");
        for (final int n : plan.workers())
        {
            md.append("![loss against time, ").append(n).append(" workers](").append(CompareCharts.lossChart(n))
                .append(")\n\n");
        }
        md.append("![accuracy](").append(CompareCharts.ACCURACY).append(")\n");
        return md.toString();
    }

    private static String lostText(final LostUpdateProbe.Result lost)
    {
        final double count = lost.expected() - lost.arrived();
        return count == 0 ? "0" : String.format(Locale.ROOT, "%.2e (%,.0f)", lost.lostFraction(), count);
    }

    /** The sentences of the verdict, each computed from the figures. */
    static List<String> verdict(final Comparison.Result result, final Map<Cell, CellStats> stats)
    {
        final Comparison.Plan plan = result.plan();
        final List<String> lines = new ArrayList<>();
        final boolean hasLockFree = plan.syncs().contains(SyncMode.LOCKFREE);
        for (final String mode : plan.modes())
        {
            for (final SyncMode other : plan.syncs())
            {
                if (!hasLockFree || other == SyncMode.LOCKFREE)
                {
                    continue;
                }
                final List<String> ratios = new ArrayList<>();
                double accuracyGap = 0;
                for (final int n : plan.workers())
                {
                    final CellStats free = stats.get(new Cell(mode, SyncMode.LOCKFREE, n));
                    final CellStats locked = stats.get(new Cell(mode, other, n));
                    ratios.add(String.format(Locale.ROOT, "%.2fx with %d", free.medianSamplesPerSecond() /
                        locked.medianSamplesPerSecond(), n));
                    final double gap = 100 * (free.meanAccuracy() - locked.meanAccuracy());
                    if (Math.abs(gap) > Math.abs(accuracyGap))
                    {
                        accuracyGap = gap;
                    }
                }
                lines.add(String.format(Locale.ROOT, "%s: lock-free over %s, samples per second: %s workers; " +
                        "largest accuracy difference (lock-free minus %s) %+.2f points.", label(mode),
                    other.cliName(), String.join(", ", ratios), other.cliName(), accuracyGap));
            }
        }
        if (plan.modes().contains(Cell.PROCS) && plan.modes().contains(Cell.THREADS))
        {
            for (final SyncMode sync : plan.syncs())
            {
                final List<String> ratios = new ArrayList<>();
                for (final int n : plan.workers())
                {
                    ratios.add(String.format(Locale.ROOT, "%.2fx with %d", stats.get(new Cell(Cell.PROCS, sync, n))
                        .medianSamplesPerSecond() / stats.get(new Cell(Cell.THREADS, sync, n)).medianSamplesPerSecond(),
                        n));
                }
                lines.add(String.format(Locale.ROOT, "%s: processes over threads, samples per second: %s workers.",
                    sync.cliName(), String.join(", ", ratios)));
            }
        }
        final int first = plan.workers().get(0);
        if (plan.workers().size() > 1)
        {
            for (final String mode : plan.modes())
            {
                for (final SyncMode sync : plan.syncs())
                {
                    final List<String> ratios = new ArrayList<>();
                    for (final int n : plan.workers().subList(1, plan.workers().size()))
                    {
                        ratios.add(String.format(Locale.ROOT, "%.2fx with %d%s", stats.get(new Cell(mode, sync, n))
                            .medianSamplesPerSecond() / stats.get(new Cell(mode, sync, first)).medianSamplesPerSecond(),
                            n, n > result.cores() ? " (oversubscribed)" : ""));
                    }
                    lines.add(String.format(Locale.ROOT, "%s %s: speed-up over %d worker%s: %s.", label(mode),
                        sync.cliName(), first, first == 1 ? "" : "s", String.join(", ", ratios)));
                }
            }
        }
        if (!result.lost().isEmpty())
        {
            double worst = 0;
            Cell worstCell = null;
            boolean exact = true;
            for (final Map.Entry<Cell, LostUpdateProbe.Result> entry : result.lost().entrySet())
            {
                final double fraction = entry.getValue().lostFraction();
                if (!entry.getKey().sync().mayLoseUpdates() && fraction != 0)
                {
                    exact = false;
                }
                if (entry.getKey().sync().mayLoseUpdates() && fraction >= worst)
                {
                    worst = fraction;
                    worstCell = entry.getKey();
                }
            }
            lines.add((exact ? "Lost updates: none with lock, atomic or filelock, as their design promises" :
                "Lost updates: **a locking variant lost updates: a bug**") +
                (worstCell == null ? "." : String.format(Locale.ROOT, "; lock-free lost at most %.2e of its updates " +
                    "(%s %s, %d workers).", worst, label(worstCell.mode()), worstCell.sync().cliName(),
                    worstCell.workers())));
        }
        return lines;
    }

    private static String label(final String mode)
    {
        return Cell.PROCS.equals(mode) ? "Processes" : "Threads";
    }
}
