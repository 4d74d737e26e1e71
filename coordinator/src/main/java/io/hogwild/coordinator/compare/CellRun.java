package io.hogwild.coordinator.compare;

import java.util.List;

/**
 * The figures of one training run of the comparison.
 *
 * @param cell             its set-up
 * @param repeat           1-based repeat number
 * @param samplesPerSecond steady training throughput: the median of the run's per-epoch samples/s from the
 *                         second epoch on (the first holds the JIT warm-up of a fresh worker JVM), or the
 *                         whole run's when it had one epoch
 * @param wholeRunSamplesPerSecond training throughput over all the run's epochs
 * @param epochSeconds     mean wall time of one epoch (training only, without evaluation)
 * @param epochs           epochs run
 * @param trainLoss        final training loss (progressive, of the kept epoch)
 * @param valLoss          final validation loss, NaN without a validation split
 * @param testAccuracy     test accuracy, NaN without test data
 * @param valAccuracy      validation accuracy, NaN without a validation split
 * @param curve            loss against time, one point per epoch
 * @param runDir           the run's directory
 */
public record CellRun(Cell cell, int repeat, double samplesPerSecond, double wholeRunSamplesPerSecond,
    double epochSeconds, int epochs, double trainLoss,
    double valLoss, double testAccuracy, double valAccuracy, List<CurvePoint> curve, String runDir)
{
    /**
     * One epoch's point of the loss curve.
     *
     * @param seconds seconds since training started, at the end of the epoch's evaluation
     * @param loss    the validation loss, or the training loss without a validation split
     */
    public record CurvePoint(double seconds, double loss)
    {
    }

    /** Test accuracy when there is test data, else validation accuracy. */
    public double accuracy()
    {
        return Double.isNaN(testAccuracy) ? valAccuracy : testAccuracy;
    }
}
