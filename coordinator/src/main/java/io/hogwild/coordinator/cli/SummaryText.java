package io.hogwild.coordinator.cli;

import java.util.Locale;
import java.util.Map;

/** The human-readable closing lines of a run. */
public final class SummaryText
{
    private SummaryText()
    {
    }

    public static String format(final Map<String, Object> summary)
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "summary: %s epochs, %s worker %s (%s), test accuracy %s, " +
                "val accuracy %s, %s samples/s, train %.2f s, wall %.2f s%n",
            summary.get("epochs"), summary.get("workers"),
            "procs".equals(summary.get("mode")) ? "processes" : "spark".equals(summary.get("mode")) ? "Spark partitions" :
                summary.get("mode"), summary.get("sync"),
            percent(summary.get("test_accuracy")), percent(summary.get("val_accuracy")),
            String.format(Locale.ROOT, "%,d", ((Number)summary.get("samples_per_second")).longValue()),
            ((Number)summary.get("train_seconds")).doubleValue(), ((Number)summary.get("wall_seconds")).doubleValue()));
        if (summary.get("test_rows_with_unseen_features") instanceof Number unseen && unseen.longValue() > 0)
        {
            out.append(String.format(Locale.ROOT, "note: %,d test rows hold features the training data never has " +
                "(they score with weight 0)%n", unseen.longValue()));
        }
        if (summary.get("worker_restarts") instanceof Number restarts && restarts.longValue() > 0)
        {
            out.append(String.format(Locale.ROOT, "note: %d worker process%s replaced after failing%n",
                restarts.longValue(), restarts.longValue() == 1 ? " was" : "es were"));
        }
        out.append("run directory: ").append(summary.get("run_dir")).append(System.lineSeparator());
        return out.toString();
    }

    private static String percent(final Object value)
    {
        return value instanceof Number number && !Double.isNaN(number.doubleValue()) ?
            String.format(Locale.ROOT, "%.2f %%", 100 * number.doubleValue()) : "-";
    }
}
