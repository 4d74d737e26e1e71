package io.hogwild.common.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import io.hogwild.common.data.DatasetLayout;
import io.hogwild.common.sgd.Loss;
import io.hogwild.common.sgd.SyncMode;

/**
 * Every setting of a training run, with its default, range and description: the one place they live.
 * The command line registers one option per {@link #OPTIONS} entry ({@code --name}); a settings file
 * (Java properties, {@code name=value}) may hold any of them; {@link #resolve} lays the command line over
 * the file over the defaults and checks every value before anything runs.
 *
 * @param data          training data in LIBSVM format; null for the generated RCV1-shaped default
 * @param test          test data in LIBSVM format; null for none (or the default's test split)
 * @param procs         worker processes
 * @param threads       worker threads in the coordinator's JVM; when above 0 they replace the processes
 * @param epochs        maximum number of passes over the training rows
 * @param lr            step size of the first epoch; NaN for {@value #AUTO} (see {@link #firstStep})
 * @param decay         factor applied to the step size after each epoch
 * @param lambda        L2 strength on the per-sample mean objective
 * @param loss          hinge (SVM) or logistic
 * @param batch         samples per update
 * @param valFraction   fraction of the training rows held out for validation
 * @param patience      epochs without a better validation loss before stopping early (0: never)
 * @param seed          seed of the split and of every shuffle
 * @param dim           number of features; 0 takes the largest index of the train and test files
 * @param out           run directory; null for {@code runs/<timestamp>}
 * @param sync          how workers synchronise their writes
 * @param shuffleBlock  consecutive training rows walked together (the blocks of the shuffled order); 0 for
 *                      {@value #AUTO} (see {@link #blockLength})
 * @param onWorkerFailure what to do when a worker process dies or stops beating mid-run
 * @param quiet         print only the summary
 */
public record Settings(
    Path data,
    Path test,
    int procs,
    int threads,
    int epochs,
    double lr,
    double decay,
    double lambda,
    Loss loss,
    int batch,
    double valFraction,
    int patience,
    long seed,
    long dim,
    Path out,
    SyncMode sync,
    int shuffleBlock,
    WorkerFailurePolicy onWorkerFailure,
    boolean quiet)
{
    /** One setting: its option name (without dashes), value label, default as text, and help line. */
    public record Option(String name, String label, String defaultValue, String description)
    {
        /** The option as typed on the command line. */
        public String flag()
        {
            return "--" + name;
        }
    }

    public static final String DEFAULT_EPOCHS = "20";
    public static final String DEFAULT_LR = "auto";
    /** The value of --lr that scales the step to the data: {@link #AUTO_STEP_SCALE} / mean ||x||^2. */
    public static final String AUTO = "auto";
    /** The step of {@code --lr auto} for rows of unit squared norm. */
    public static final double AUTO_STEP_SCALE = 0.1;
    public static final String DEFAULT_DECAY = "0.9";
    public static final String DEFAULT_LAMBDA = "1e-5";
    public static final String DEFAULT_LOSS = "hinge";
    public static final String DEFAULT_BATCH = "1";
    public static final String DEFAULT_VAL_FRACTION = "0.1";
    public static final String DEFAULT_PATIENCE = "3";
    public static final String DEFAULT_SEED = "1";
    public static final String DEFAULT_SYNC = "lockfree";
    public static final String DEFAULT_ON_WORKER_FAILURE = "restart";
    public static final String DEFAULT_SHUFFLE_BLOCK = AUTO;
    /** The longest {@code --shuffle-block} accepted, in rows. */
    public static final int MAX_SHUFFLE_BLOCK = 1 << 20;

    /** {@code --shuffle-block auto}: blocks of about this many bytes of entries ... */
    public static final long AUTO_BLOCK_BYTES = 512 << 10;
    /** ... and at least this many blocks an epoch, so that small data, which sits in the cache, shuffles finely. */
    public static final long AUTO_MIN_BLOCKS = 1024;
    /** The default of --procs: the machine's cores. */
    public static final String CORES = "cores";

    /** Largest worker count (a weight file's slots). */
    public static final int MAX_WORKERS = 4096;

    public static final List<Option> OPTIONS = List.of(
        new Option("data", "FILE", "", "Training data, LIBSVM format (default: a generated RCV1-shaped set)"),
        new Option("test", "FILE", "", "Test data, LIBSVM format, scored after every epoch"),
        new Option("procs", "N", CORES, "Worker processes (default: the number of cores)"),
        new Option("threads", "N", "0", "Worker threads in the coordinator's JVM instead of processes (0: use --procs)"),
        new Option("epochs", "N", DEFAULT_EPOCHS, "Maximum passes over the training rows"),
        new Option("lr", "STEP", DEFAULT_LR, "Step size of the first epoch; auto: " + AUTO_STEP_SCALE + " / (mean squared norm of the training rows)"),
        new Option("decay", "F", DEFAULT_DECAY, "Step size factor after each epoch, in (0, 1]"),
        new Option("lambda", "L", DEFAULT_LAMBDA, "L2 regularisation strength (per-sample mean objective)"),
        new Option("loss", "NAME", DEFAULT_LOSS, "Loss: hinge (linear SVM) or logistic"),
        new Option("batch", "B", DEFAULT_BATCH, "Samples per update (mini-batch size)"),
        new Option("val-fraction", "F", DEFAULT_VAL_FRACTION, "Training rows held out for validation, in [0, 1)"),
        new Option("patience", "N", DEFAULT_PATIENCE, "Stop after N epochs without a better validation loss (0: never)"),
        new Option("seed", "S", DEFAULT_SEED, "Seed of the validation split and of every shuffle"),
        new Option("dim", "D", "0", "Number of features (0: the largest index in the train and test files)"),
        new Option("out", "DIR", "", "Run directory (default: runs/<timestamp>)"),
        new Option("sync", "MODE", DEFAULT_SYNC, "How workers write the shared weights: lockfree (Hogwild!; each worker keeps its updates in a private copy and stores them in bursts: every feature's where the dimension is small, else the hot features' with 2+ workers; summary.json's deferral says which), lockfree-eager (every update stored at once), lock (one lock per update), atomic (compare-and-set per coordinate) or filelock (FileChannel lock per update)"),
        new Option("shuffle-block", "L", DEFAULT_SHUFFLE_BLOCK, "Consecutive training rows walked together, the blocks in a new shuffled order each epoch (the data file stores the rows shuffled once); auto: about " + (AUTO_BLOCK_BYTES >> 10) + " KiB of rows a block, and at least " + AUTO_MIN_BLOCKS + " blocks; 1: shuffle single rows"),
        new Option("on-worker-failure", "POLICY", DEFAULT_ON_WORKER_FAILURE, "When a worker process dies or stops beating: restart (a replacement finishes its work of the epoch) or fail (stop the run)"),
        new Option("quiet", "BOOL", "false", "Print the summary only"));

    /** The defaults alone. */
    public static Settings defaults()
    {
        return resolve(Map.of());
    }

    /**
     * Resolves settings from {@code values} (option name to text; missing names take their defaults) and
     * checks every one.
     *
     * @throws SettingsException naming the first option out of range
     */
    public static Settings resolve(final Map<String, String> values)
    {
        for (final String name : values.keySet())
        {
            if (option(name) == null)
            {
                throw new SettingsException("unknown setting '" + name + "' (known: " + names() + ")");
            }
        }
        final Map<String, String> v = new LinkedHashMap<>();
        for (final Option option : OPTIONS)
        {
            final String given = values.get(option.name());
            v.put(option.name(), given != null ? given.trim() : option.defaultValue());
        }
        final Loss loss = Loss.fromCliName(v.get("loss"));
        if (loss == null)
        {
            throw new SettingsException("--loss must be hinge or logistic, was '" + v.get("loss") + "'");
        }
        final SyncMode sync = SyncMode.fromCliName(v.get("sync"));
        if (sync == null)
        {
            throw new SettingsException("--sync must be one of " + java.util.Arrays.stream(SyncMode.values())
                .map(SyncMode::cliName).collect(Collectors.joining(", ")) + ", was '" + v.get("sync") + "'");
        }
        final WorkerFailurePolicy onWorkerFailure = WorkerFailurePolicy.fromCliName(v.get("on-worker-failure"));
        if (onWorkerFailure == null)
        {
            throw new SettingsException("--on-worker-failure must be restart or fail, was '" +
                v.get("on-worker-failure") + "'");
        }
        final String procsText = v.get("procs");
        final int procs = CORES.equals(procsText) ? Runtime.getRuntime().availableProcessors() :
            intIn("procs", procsText, 1, MAX_WORKERS);
        final int threads = intIn("threads", v.get("threads"), 0, MAX_WORKERS);
        final Settings settings = new Settings(
            path(v.get("data")),
            path(v.get("test")),
            procs,
            threads,
            intIn("epochs", v.get("epochs"), 1, 1_000_000),
            AUTO.equalsIgnoreCase(v.get("lr")) ? Double.NaN : doubleIn("lr", v.get("lr"), 0, false, Double.MAX_VALUE, true),
            doubleIn("decay", v.get("decay"), 0, false, 1, true),
            doubleIn("lambda", v.get("lambda"), 0, true, Double.MAX_VALUE, true),
            loss,
            intIn("batch", v.get("batch"), 1, 1 << 20),
            doubleIn("val-fraction", v.get("val-fraction"), 0, true, 1, false),
            intIn("patience", v.get("patience"), 0, 1_000_000),
            longValue("seed", v.get("seed")),
            longIn("dim", v.get("dim"), 0, Integer.MAX_VALUE / Float.BYTES - 4096),
            path(v.get("out")),
            sync,
            shuffleBlock(v.get("shuffle-block")),
            onWorkerFailure,
            bool("quiet", v.get("quiet")));
        return settings;
    }

    /** These settings with another worker set-up and run directory, quiet: one cell of {@code compare}. */
    public Settings forCell(final int procs, final int threads, final SyncMode sync, final Path out)
    {
        return new Settings(data, test, procs, threads, epochs, lr, decay, lambda, loss, batch, valFraction, patience,
            seed, dim, out, sync, shuffleBlock, onWorkerFailure, true);
    }

    /**
     * The lost-update probe of these settings' worker set-up: one epoch of {@link Loss#COUNT} with step 1, no
     * regularisation, no validation split and batches of 1 over {@code probeData} (rows of label +1 and values
     * 1), so that every update adds exactly 1 to each weight its sample touches.
     */
    public Settings forLostUpdateProbe(final Path probeData, final long dimension, final Path out)
    {
        return new Settings(probeData, null, procs, threads, 1, 1.0, 1.0, 0.0, Loss.COUNT, 1, 0.0, 0, seed, dimension,
            out, sync, shuffleBlock, WorkerFailurePolicy.FAIL, true);
    }

    /** Writes these settings as a settings file that {@link #readFile} (and {@code --settings}) reads back. */
    public void writeFile(final Path file, final String comment) throws IOException
    {
        final Properties properties = new Properties();
        toMap().forEach((key, value) ->
        {
            if (value != null)
            {
                properties.setProperty(key, String.valueOf(value));
            }
        });
        try (java.io.Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            properties.store(writer, comment);
        }
    }

    /** Reads a settings file: Java properties whose keys are option names. */
    public static Map<String, String> readFile(final Path file)
    {
        return readFile(file, java.util.Set.of());
    }

    /** Reads a settings file whose keys are option names or one of {@code moreNames} (a command's own options). */
    public static Map<String, String> readFile(final Path file, final java.util.Set<String> moreNames)
    {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            properties.load(reader);
        }
        catch (final IOException ex)
        {
            throw new SettingsException(file + ": cannot read the settings file: " + ex.getMessage());
        }
        final Map<String, String> values = new LinkedHashMap<>();
        for (final String key : properties.stringPropertyNames())
        {
            final String name = key.trim().replace('_', '-').toLowerCase(Locale.ROOT).replaceFirst("^--", "");
            if (option(name) == null && !moreNames.contains(name))
            {
                throw new SettingsException(file + ": unknown setting '" + key + "' (known: " + names() +
                    (moreNames.isEmpty() ? "" : ", " + String.join(", ", moreNames)) + ")");
            }
            values.put(name, properties.getProperty(key));
        }
        return values;
    }

    /** Every setting as text, in {@link #OPTIONS} order, for settings.json. */
    public Map<String, Object> toMap()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("data", data == null ? null : data.toString());
        map.put("test", test == null ? null : test.toString());
        map.put("procs", procs);
        map.put("threads", threads);
        map.put("epochs", epochs);
        map.put("lr", Double.isNaN(lr) ? AUTO : lr);
        map.put("decay", decay);
        map.put("lambda", lambda);
        map.put("loss", loss.cliName());
        map.put("batch", batch);
        map.put("val-fraction", valFraction);
        map.put("patience", patience);
        map.put("seed", seed);
        map.put("dim", dim);
        map.put("out", out == null ? null : out.toString());
        map.put("sync", sync.cliName());
        map.put("shuffle-block", shuffleBlock == 0 ? AUTO : shuffleBlock);
        map.put("on-worker-failure", onWorkerFailure.cliName());
        map.put("quiet", quiet);
        return map;
    }

    /**
     * The step size of the first epoch: {@link #lr} when given, else {@link #AUTO_STEP_SCALE} divided by
     * the mean squared norm of the training rows, so that the default suits unnormalised binary features
     * (a9a: about 14 ones a row) as well as unit-norm tf-idf rows (RCV1, SpamAssassin).
     */
    public double firstStep(final double meanSquaredNorm)
    {
        if (!Double.isNaN(lr))
        {
            return lr;
        }
        return meanSquaredNorm > 0 ? AUTO_STEP_SCALE / meanSquaredNorm : AUTO_STEP_SCALE;
    }

    /**
     * The block length of the shuffled order over a dataset of {@code rows} rows and {@code nnz} non-zeros:
     * {@link #shuffleBlock} when given, else about {@link #AUTO_BLOCK_BYTES} of entries, and no more than
     * makes {@link #AUTO_MIN_BLOCKS} blocks. A block is read as one stream, so long blocks spare the walk the
     * memory misses that start each stream (docs/performance.md: one worker 1.28-1.44x with blocks of 762 rows
     * against 32 on the RCV1-shaped default); the dataset file stores its rows shuffled once, so a block is a random
     * sample of the rows however the source was ordered. Data that fits in the cache gains nothing from
     * length and keeps a finer shuffle.
     */
    public int blockLength(final long rows, final long nnz)
    {
        if (shuffleBlock > 0)
        {
            return shuffleBlock;
        }
        final long byCount = rows / AUTO_MIN_BLOCKS;
        final long entryBytes = nnz * DatasetLayout.ENTRY_LENGTH;
        final long byBytes = entryBytes == 0 ? byCount : (AUTO_BLOCK_BYTES * rows + entryBytes - 1) / entryBytes;
        return (int)Math.max(1, Math.min(MAX_SHUFFLE_BLOCK, Math.min(byCount, byBytes)));
    }

    public static Option option(final String name)
    {
        for (final Option option : OPTIONS)
        {
            if (option.name().equals(name))
            {
                return option;
            }
        }
        return null;
    }

    private static String names()
    {
        return OPTIONS.stream().map(Option::name).collect(Collectors.joining(", "));
    }

    private static Path path(final String text)
    {
        return text == null || text.isEmpty() ? null : Paths.get(text);
    }

    /** {@code auto} (0 here, sized per dataset by {@link #blockLength}) or a length of at least one row. */
    private static int shuffleBlock(final String text)
    {
        if (AUTO.equalsIgnoreCase(text))
        {
            return 0;
        }
        try
        {
            return intIn("shuffle-block", text, 1, MAX_SHUFFLE_BLOCK);
        }
        catch (final SettingsException ex)
        {
            throw new SettingsException("--shuffle-block must be auto or a whole number in [1, " + MAX_SHUFFLE_BLOCK +
                "], was '" + text + "'");
        }
    }

    private static int intIn(final String name, final String text, final int min, final int max)
    {
        return (int)longIn(name, text, min, max);
    }

    private static long longIn(final String name, final String text, final long min, final long max)
    {
        final long value;
        try
        {
            value = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new SettingsException("--" + name + " must be a whole number in [" + min + ", " + max +
                "], was '" + text + "'");
        }
        if (value < min || value > max)
        {
            throw new SettingsException("--" + name + " must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    private static long longValue(final String name, final String text)
    {
        return longIn(name, text, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static double doubleIn(final String name, final String text, final double min, final boolean minInclusive,
        final double max, final boolean maxInclusive)
    {
        final String range = (minInclusive ? "[" : "(") + format(min) + ", " +
            (max == Double.MAX_VALUE ? "inf)" : format(max) + (maxInclusive ? "]" : ")"));
        final double value;
        try
        {
            value = Double.parseDouble(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new SettingsException("--" + name + " must be a number in " + range + ", was '" + text + "'");
        }
        final boolean aboveMin = minInclusive ? value >= min : value > min;
        final boolean belowMax = maxInclusive ? value <= max : value < max;
        if (!Double.isFinite(value) || !aboveMin || !belowMax)
        {
            throw new SettingsException("--" + name + " must be in " + range + ", was " + text);
        }
        return value;
    }

    private static boolean bool(final String name, final String text)
    {
        if ("true".equalsIgnoreCase(text))
        {
            return true;
        }
        if ("false".equalsIgnoreCase(text))
        {
            return false;
        }
        throw new SettingsException("--" + name + " must be true or false, was '" + text + "'");
    }

    private static String format(final double value)
    {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long)value) : Double.toString(value);
    }
}
