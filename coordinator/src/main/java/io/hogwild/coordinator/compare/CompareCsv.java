package io.hogwild.coordinator.compare;

import java.util.Locale;

/**
 * {@code compare.csv}: one row per training run, in the order the runs ran. {@code lost_update_fraction} is
 * the cell's lost-update probe (the same on every repeat of the cell), empty without the probe.
 */
final class CompareCsv
{
    static final String HEADER = "mode,sync,workers,repeat,samples_per_second,epoch_seconds,epochs,train_loss," +
        "val_loss,test_accuracy,val_accuracy,lost_update_fraction,whole_run_samples_per_second,run_dir";

    private CompareCsv()
    {
    }

    static String format(final Comparison.Result result)
    {
        final StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (final CellRun run : result.runs())
        {
            final LostUpdateProbe.Result lost = result.lost().get(run.cell());
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.0f,%.4f,%d,%s,%s,%s,%s,%s,%.0f,%s%n", run.cell().mode(),
                run.cell().sync().cliName(), run.cell().workers(), run.repeat(), run.samplesPerSecond(),
                run.epochSeconds(), run.epochs(), number(run.trainLoss()), number(run.valLoss()),
                number(run.testAccuracy()), number(run.valAccuracy()),
                lost == null ? "" : String.format(Locale.ROOT, "%.3e", lost.lostFraction()),
                run.wholeRunSamplesPerSecond(), run.runDir()));
        }
        return csv.toString();
    }

    private static String number(final double value)
    {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.6f", value);
    }
}
