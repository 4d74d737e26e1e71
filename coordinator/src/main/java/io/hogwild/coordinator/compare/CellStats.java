package io.hogwild.coordinator.compare;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repeats of one cell summarised: the median throughput (robust to a noisy neighbour), its range,
 * and the mean of the quality figures.
 */
record CellStats(Cell cell, double medianSamplesPerSecond, double minSamplesPerSecond, double maxSamplesPerSecond,
    double medianEpochSeconds, double meanTrainLoss, double meanValLoss, double meanAccuracy, int repeats)
{
    /** Every cell of {@code result} in plan order. */
    static Map<Cell, CellStats> of(final Comparison.Result result)
    {
        final Map<Cell, CellStats> stats = new LinkedHashMap<>();
        for (final Cell cell : result.plan().cells())
        {
            final List<CellRun> runs = result.runs().stream().filter(run -> run.cell().equals(cell)).toList();
            if (!runs.isEmpty())
            {
                final double[] rates = runs.stream().mapToDouble(CellRun::samplesPerSecond).sorted().toArray();
                stats.put(cell, new CellStats(cell, median(rates), rates[0], rates[rates.length - 1],
                    median(runs.stream().mapToDouble(CellRun::epochSeconds).sorted().toArray()),
                    runs.stream().mapToDouble(CellRun::trainLoss).average().orElse(Double.NaN),
                    runs.stream().mapToDouble(CellRun::valLoss).average().orElse(Double.NaN),
                    runs.stream().mapToDouble(CellRun::accuracy).average().orElse(Double.NaN), runs.size()));
            }
        }
        return stats;
    }

    static double median(final double[] sorted)
    {
        final double[] values = sorted.clone();
        Arrays.sort(values);
        final int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
