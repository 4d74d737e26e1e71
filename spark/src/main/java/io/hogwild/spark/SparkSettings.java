package io.hogwild.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.hogwild.common.settings.Settings;
import io.hogwild.common.settings.SettingsException;

/**
 * The settings of {@code hogwild spark}: the training hyperparameters of {@link Settings} (the one place
 * they live, with their defaults) and the few that only a Spark run has, with theirs.
 *
 * @param training      the shared hyperparameters (epochs, lr, decay, lambda, loss, val-fraction, patience,
 *                      seed, dim, out, quiet); its data and test paths are unused, see {@code data}
 * @param data          training data as Spark reads it: a path or a URI ({@code file://}, {@code hdfs://},
 *                      {@code s3a://}); LIBSVM text
 * @param test          test data likewise, or null
 * @param master        the Spark master URL
 * @param partitions    partitions of the training data (the "workers"); 0 takes the master's default
 *                      parallelism (its cores)
 * @param batchFraction the fraction of the training rows each iteration samples; one epoch is
 *                      {@code round(1 / batchFraction)} iterations
 * @param engine        hogwild (this module's synchronous SGD) or mllib (Spark MLlib's own GradientDescent)
 */
public record SparkSettings(
    Settings training,
    String data,
    String test,
    String master,
    int partitions,
    double batchFraction,
    Engine engine)
{
    /** Who runs the iterations. */
    public enum Engine
    {
        /** This module: broadcast, per-partition gradient, treeAggregate, the step on the driver. */
        HOGWILD,
        /** Spark MLlib's GradientDescent.runMiniBatchSGD (what SVMWithSGD runs), with its own 1/sqrt(t) steps. */
        MLLIB;

        public String cliName()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String DEFAULT_MASTER = "local[*]";
    public static final String DEFAULT_BATCH_FRACTION = "0.1";
    public static final String DEFAULT_ENGINE = "hogwild";

    /**
     * The auto step of a synchronous mini-batch of B rows is the {@code train} auto step times
     * {@value #BATCH_STEP_SCALE} x sqrt(B): the square-root scaling rule (a mean of B noisy gradients has
     * sqrt(B) times less noise, so it bears a sqrt(B) times longer step; Krizhevsky 2014, Hoffer et al.
     * 2017). Measured, 10 iterations an epoch and 20 epochs, as first steps c / (mean squared row norm):
     * a9a (B 2,930) reaches 84.9 % at c = 100, 84.6 % at c = 216, oscillates at 300; the RCV1-shaped
     * default (B 70,300) under-trains at c = 100 (80.3 %) and reaches 89.8 % at c = 1000, diverges at
     * 7000; SpamAssassin (B 435) 99.0 % at c = 30 to 100; generated rows of 2,000 features (B 1,800) 90.4 %
     * at c = 100, 91.1 % at 300. The linear rule (c = 0.1 B) oscillates on a9a and diverges on RCV1; a
     * fixed c fits no two of them. c = 4 sqrt(B) lands inside every one's good range.
     */
    public static final double BATCH_STEP_SCALE = 40;

    /** The options only a Spark run has, and the train options whose meaning differs here. */
    public static final List<Settings.Option> OPTIONS = List.of(
        new Settings.Option("data", "PATH", "", "Training data, LIBSVM text: a path or a URI Spark reads " +
            "(file://, hdfs://, s3a://; a directory or glob reads every file in it); required"),
        new Settings.Option("test", "PATH", "", "Test data, LIBSVM text at any path Spark reads, scored after every epoch"),
        new Settings.Option("lr", "STEP", Settings.DEFAULT_LR, "Step size of the first epoch on the mean " +
            "gradient of a mini-batch; auto: train's auto step times " + (int)BATCH_STEP_SCALE +
            " sqrt(mini-batch rows)"),
        new Settings.Option("master", "URL", DEFAULT_MASTER,
            "Spark master: local[N], local[*], spark://HOST:PORT, k8s://https://HOST:PORT, yarn"),
        new Settings.Option("partitions", "P", "0",
            "Partitions of the training data, each one a worker of every iteration (0: the master's cores)"),
        new Settings.Option("batch-fraction", "F", DEFAULT_BATCH_FRACTION,
            "Fraction of the training rows sampled per iteration, in (0, 1]; an epoch is 1/F iterations"),
        new Settings.Option("engine", "NAME", DEFAULT_ENGINE,
            "hogwild (synchronous SGD of this module) or mllib (Spark MLlib's GradientDescent, as SVMWithSGD runs it)"));

    /** The train options that {@link #OPTIONS} describes anew for Spark. */
    public static final Set<String> REDESCRIBED = Set.of("data", "test", "lr");

    /** The train options that mean nothing on Spark (shared-memory workers and their synchronisation). */
    public static final Set<String> TRAIN_ONLY = Set.of("procs", "threads", "batch", "sync", "shuffle-block",
        "on-worker-failure");

    /**
     * Resolves the settings from option values by name (train options and {@link #OPTIONS}); missing ones
     * take their defaults.
     *
     * @throws SettingsException naming the first option out of range
     */
    public static SparkSettings resolve(final Map<String, String> values)
    {
        final Map<String, String> training = new LinkedHashMap<>(values);
        final Map<String, String> own = new LinkedHashMap<>();
        for (final Settings.Option option : OPTIONS)
        {
            if (REDESCRIBED.contains(option.name()))
            {
                continue;
            }
            final String given = training.remove(option.name());
            own.put(option.name(), given == null ? option.defaultValue() : given.trim());
        }
        for (final String name : TRAIN_ONLY)
        {
            if (training.containsKey(name))
            {
                throw new SettingsException("--" + name + " is a setting of train (shared-memory workers); " +
                    "hogwild spark has --partitions and --batch-fraction instead");
            }
        }
        final String data = training.remove("data");
        final String test = training.remove("test");
        if (data == null || data.isBlank())
        {
            throw new SettingsException("--data is required: LIBSVM text at any path Spark reads (file://, " +
                "hdfs://, s3a://); hogwild generate writes an RCV1-shaped pair");
        }
        final Settings settings = Settings.resolve(training);
        final int partitions;
        final double batchFraction;
        try
        {
            partitions = Integer.parseInt(own.get("partitions"));
            batchFraction = Double.parseDouble(own.get("batch-fraction"));
        }
        catch (final NumberFormatException ex)
        {
            throw new SettingsException("--partitions must be a whole number and --batch-fraction a number, were '" +
                own.get("partitions") + "' and '" + own.get("batch-fraction") + "'");
        }
        if (partitions < 0 || partitions > 1_000_000)
        {
            throw new SettingsException("--partitions must be in [0, 1000000] (0: the master's cores), was " + partitions);
        }
        if (!(batchFraction > 0 && batchFraction <= 1))
        {
            throw new SettingsException("--batch-fraction must be in (0, 1], was " + own.get("batch-fraction"));
        }
        final Engine engine;
        try
        {
            engine = Engine.valueOf(own.get("engine").toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new SettingsException("--engine must be hogwild or mllib, was '" + own.get("engine") + "'");
        }
        if (own.get("master").isBlank())
        {
            throw new SettingsException("--master must be a Spark master URL such as local[*]");
        }
        return new SparkSettings(settings, data.trim(), test == null || test.isBlank() ? null : test.trim(),
            own.get("master"), partitions, batchFraction, engine);
    }

    /** Iterations that make one epoch. */
    public int iterationsPerEpoch()
    {
        return (int)Math.max(1, Math.round(1 / batchFraction));
    }

    /**
     * The step of the first epoch on the mean gradient of a mini-batch of {@code batchRows} rows whose
     * mean squared norm is {@code meanSquaredNorm}: {@code --lr} when given, else the train auto step
     * scaled as {@link #BATCH_STEP_SCALE} says.
     */
    public double firstStep(final double meanSquaredNorm, final double batchRows)
    {
        if (!Double.isNaN(training.lr()))
        {
            return training.lr();
        }
        return training.firstStep(meanSquaredNorm) * BATCH_STEP_SCALE * Math.sqrt(Math.max(1, batchRows));
    }

    /** Every setting, for settings.json. */
    public Map<String, Object> toMap()
    {
        final Map<String, Object> map = new LinkedHashMap<>(training.toMap());
        TRAIN_ONLY.forEach(map::remove);
        map.put("data", data);
        map.put("test", test);
        map.put("master", master);
        map.put("partitions", partitions);
        map.put("batch-fraction", batchFraction);
        map.put("engine", engine.cliName());
        return map;
    }
}
