package io.hogwild.coordinator;

import java.util.Locale;

import io.hogwild.common.sgd.Evaluation;

/**
 * One epoch's figures as every trainer reports them: a {@code metrics.csv} row ({@link #HEADER}) and the
 * progress line. {@code train} and {@code spark} both write through here, so their files read alike.
 *
 * @param epoch            1-based epoch
 * @param seconds          seconds since training began, at the end of this epoch
 * @param step             the epoch's step size
 * @param trainLoss        progressive training loss (each sample's loss before its own update)
 * @param validation       scores of the held-out rows
 * @param testing          scores of the test rows, or null without test data
 * @param samplesPerSecond samples trained per second of the epoch
 * @param epochSeconds     the epoch's training time
 */
public record EpochRecord(long epoch, double seconds, double step, double trainLoss, Evaluation validation,
    Evaluation testing, double samplesPerSecond, double epochSeconds)
{
    /** The columns of metrics.csv. */
    public static final String HEADER =
        "epoch,seconds,step_size,train_loss,val_loss,val_accuracy,test_loss,test_accuracy,samples_per_second," +
        "epoch_seconds";

    /** The metrics.csv row (empty cells for what was not measured). */
    public String csvRow()
    {
        return String.format(Locale.ROOT, "%d,%.3f,%.6g,%.6f,%s,%s,%s,%s,%.0f,%.4f", epoch, seconds, step, trainLoss,
            csv(validation.meanLoss()), csv(validation.accuracy()), testing == null ? "" : csv(testing.meanLoss()),
            testing == null ? "" : csv(testing.accuracy()), samplesPerSecond, epochSeconds);
    }

    /** The progress line printed after the epoch. */
    public String logLine()
    {
        return String.format(Locale.ROOT,
            "epoch %2d  step %.4g  train loss %.4f  val loss %s acc %s  test acc %s  %s samples/s  %.2f s",
            epoch, step, trainLoss, fmt(validation.meanLoss()), fmt(validation.accuracy()),
            testing == null ? "-" : fmt(testing.accuracy()), human(samplesPerSecond), epochSeconds);
    }

    /** A figure rounded to three decimals (seconds to the millisecond), for summary.json. */
    public static double threeDecimals(final double value)
    {
        return Math.round(value * 1000) / 1000.0;
    }

    /** 1234567 -> "1.23M". */
    public static String human(final double value)
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            return "-";
        }
        if (value >= 1e6)
        {
            return String.format(Locale.ROOT, "%.2fM", value / 1e6);
        }
        if (value >= 1e3)
        {
            return String.format(Locale.ROOT, "%.1fk", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }

    private static String csv(final double value)
    {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.6f", value);
    }

    private static String fmt(final double value)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}
