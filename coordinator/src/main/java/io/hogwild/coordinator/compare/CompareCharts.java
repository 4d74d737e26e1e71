package io.hogwild.coordinator.compare;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Stroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.hogwild.common.sgd.SyncMode;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The charts of {@code compare}, drawn with JFreeChart as PNG files: throughput and speed-up against
 * workers (one line per mode x sync; colour is the sync, a dashed line marks threads), loss against wall
 * time for each worker count, and final accuracy per variant.
 */
final class CompareCharts
{
    static final String THROUGHPUT = "throughput.png";
    static final String SPEEDUP = "speedup.png";
    static final String ACCURACY = "accuracy.png";
    private static final int WIDTH = 960;
    private static final int HEIGHT = 600;
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);

    private CompareCharts()
    {
    }

    /** The file of the loss-against-time chart for {@code workers} workers. */
    static String lossChart(final int workers)
    {
        return "loss-vs-time-w" + workers + ".png";
    }

    /** Writes every chart into {@code dir}; returns the file names in report order. */
    static List<String> write(final Comparison.Result result, final Path dir) throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        final Map<Cell, CellStats> stats = CellStats.of(result);
        final Set<String> variants = new LinkedHashSet<>();
        stats.keySet().forEach(cell -> variants.add(cell.variant()));
        final List<String> files = new ArrayList<>();

        final XYSeriesCollection throughput = new XYSeriesCollection();
        final XYSeriesCollection speedup = new XYSeriesCollection();
        for (final String variant : variants)
        {
            final XYSeries rate = new XYSeries(variant);
            final XYSeries ratio = new XYSeries(variant);
            double first = Double.NaN;
            for (final CellStats cell : stats.values())
            {
                if (cell.cell().variant().equals(variant))
                {
                    if (Double.isNaN(first))
                    {
                        first = cell.medianSamplesPerSecond() / cell.cell().workers();
                    }
                    rate.add(cell.cell().workers(), cell.medianSamplesPerSecond());
                    ratio.add(cell.cell().workers(), cell.medianSamplesPerSecond() / first);
                }
            }
            throughput.addSeries(rate);
            speedup.addSeries(ratio);
        }
        final String repeats = result.plan().repeats() == 1 ? "" : ", median of " + result.plan().repeats();
        save(workerChart("Throughput (" + result.cores() + " cores)", "samples per second" + repeats, throughput,
            result), dir, THROUGHPUT, files);

        final XYSeries ideal = new XYSeries("ideal (linear)");
        for (final int n : result.plan().workers())
        {
            ideal.add(n, (double)n / result.plan().workers().get(0));
        }
        speedup.addSeries(ideal);
        save(workerChart("Speed-up over " + result.plan().workers().get(0) + " worker" +
            (result.plan().workers().get(0) == 1 ? "" : "s") + " of the same variant (" + result.cores() + " cores)",
            "speed-up (x)", speedup, result), dir, SPEEDUP, files);

        for (final int n : result.plan().workers())
        {
            final XYSeriesCollection curves = new XYSeriesCollection();
            for (final Cell cell : stats.keySet())
            {
                for (final CellRun run : result.runs())
                {
                    if (run.repeat() == 1 && run.cell().equals(cell) && cell.workers() == n)
                    {
                        final XYSeries curve = new XYSeries(cell.variant());
                        run.curve().forEach(point -> curve.add(point.seconds(), point.loss()));
                        curves.addSeries(curve);
                    }
                }
            }
            final JFreeChart chart = ChartFactory.createXYLineChart("Loss against time, " + n + " worker" +
                    (n == 1 ? "" : "s") + " (repeat 1)", "seconds since training started",
                result.plan().base().valFraction() > 0 ? "validation loss" : "training loss", curves,
                PlotOrientation.VERTICAL, true, false, false);
            style(chart, curves);
            ((NumberAxis)chart.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(false);
            save(chart, dir, lossChart(n), files);
        }

        final DefaultCategoryDataset accuracy = new DefaultCategoryDataset();
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (final CellStats cell : stats.values())
        {
            final double value = 100 * cell.meanAccuracy();
            accuracy.addValue(value, cell.cell().variant(), cell.cell().workers() + (cell.cell().workers() == 1 ? " worker" : " workers"));
            low = Math.min(low, value);
            high = Math.max(high, value);
        }
        final boolean test = result.plan().base().test() != null || result.plan().base().data() == null;
        final JFreeChart bars = ChartFactory.createBarChart("Final " + (test ? "test" : "validation") +
                " accuracy", "", (test ? "test" : "validation") + " accuracy, % (axis zoomed)", accuracy,
            PlotOrientation.VERTICAL, true, false, false);
        final CategoryPlot plot = bars.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        final BarRenderer renderer = (BarRenderer)plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        for (int i = 0; i < accuracy.getRowCount(); i++)
        {
            final String variant = (String)accuracy.getRowKey(i);
            renderer.setSeriesPaint(i, variant.startsWith(Cell.THREADS) ? lighter(colour(variant)) : colour(variant));
        }
        if (low <= high)
        {
            final double margin = Math.max(0.5, (high - low) * 0.5);
            plot.getRangeAxis().setRange(Math.max(0, low - margin), Math.min(100, high + margin));
        }
        bars.getTitle().setFont(TITLE_FONT);
        save(bars, dir, ACCURACY, files);
        return files;
    }

    private static JFreeChart workerChart(final String title, final String yLabel, final XYSeriesCollection data,
        final Comparison.Result result)
    {
        final JFreeChart chart = ChartFactory.createXYLineChart(title, "workers", yLabel, data,
            PlotOrientation.VERTICAL, true, false, false);
        style(chart, data);
        final XYPlot plot = chart.getXYPlot();
        final NumberAxis x = (NumberAxis)plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        ((NumberAxis)plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        final int maxWorkers = result.plan().workers().stream().mapToInt(Integer::intValue).max().orElse(1);
        if (result.cores() < maxWorkers)
        {
            final ValueMarker cores = new ValueMarker(result.cores(), Color.GRAY, new BasicStroke(1.5f));
            cores.setLabel("cores: " + result.cores() + " (oversubscribed beyond)");
            cores.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            cores.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addDomainMarker(cores);
        }
        return chart;
    }

    private static void style(final JFreeChart chart, final XYSeriesCollection data)
    {
        chart.getTitle().setFont(TITLE_FONT);
        final XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++)
        {
            final String variant = (String)data.getSeriesKey(i);
            renderer.setSeriesPaint(i, colour(variant));
            renderer.setSeriesStroke(i, stroke(variant));
        }
        plot.setRenderer(renderer);
    }

    /** The colour of a variant: one per sync mode, grey for the ideal line. */
    private static Paint colour(final String variant)
    {
        final String sync = variant.substring(variant.indexOf(' ') + 1);
        if (sync.equals(SyncMode.LOCKFREE.cliName()))
        {
            return new Color(0x1f77b4);
        }
        if (sync.equals(SyncMode.LOCK.cliName()))
        {
            return new Color(0xd62728);
        }
        if (sync.equals(SyncMode.ATOMIC.cliName()))
        {
            return new Color(0x2ca02c);
        }
        if (sync.equals(SyncMode.FILELOCK.cliName()))
        {
            return new Color(0x9467bd);
        }
        if (sync.equals(SyncMode.LOCKFREE_EAGER.cliName()))
        {
            return new Color(0x17becf);
        }
        return Color.GRAY;
    }

    private static Paint lighter(final Paint paint)
    {
        final Color c = (Color)paint;
        return new Color((c.getRed() + 255) / 2, (c.getGreen() + 255) / 2, (c.getBlue() + 255) / 2);
    }

    private static Stroke stroke(final String variant)
    {
        if (variant.startsWith(Cell.THREADS))
        {
            return new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);
        }
        if (variant.startsWith(Cell.PROCS))
        {
            return new BasicStroke(2.5f);
        }
        return new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 4f}, 0f);
    }

    private static void save(final JFreeChart chart, final Path dir, final String name, final List<String> files)
        throws IOException
    {
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(dir.resolve(name).toFile(), chart, WIDTH, HEIGHT);
        files.add(name);
    }
}
