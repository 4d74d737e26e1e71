package io.hogwild.coordinator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetCache;
import io.hogwild.common.settings.Settings;
import io.hogwild.common.settings.SettingsException;
import io.hogwild.common.settings.WorkerFailurePolicy;
import io.hogwild.common.sgd.DataSplit;
import io.hogwild.common.sgd.Deferral;
import io.hogwild.common.sgd.EpochChunks;
import io.hogwild.common.sgd.Evaluation;
import io.hogwild.common.sgd.Regularisation;
import io.hogwild.common.sgd.ScoredRows;
import io.hogwild.common.sgd.SgdKernel;
import io.hogwild.common.util.Json;
import io.hogwild.common.util.StalenessWatch;
import io.hogwild.common.weights.Command;
import io.hogwild.common.weights.RunState;
import io.hogwild.common.weights.WeightFile;
import io.hogwild.common.weights.WeightFileLayout;
import io.hogwild.common.weights.WorkerState;
import io.hogwild.worker.Worker;

/**
 * One training run with worker processes: it resolves the data (converting LIBSVM text once), creates
 * the run directory and the weight file, forks the workers, then drives the epochs through the weight
 * file's control words: release an epoch, wait at the barrier until every worker has published it,
 * evaluate, decay the step size, stop early when the validation loss stops improving. It writes
 * {@code settings.json} before the first epoch, a {@code metrics.csv} row after each, and
 * {@code model.txt} and {@code summary.json} only when the run finished: a run directory with a summary
 * is a finished run.
 */
public final class TrainingRun
{
    /** How long workers may take to start and attach. */
    public static final long ATTACH_TIMEOUT_MS = 60_000;
    /** How long workers may take to exit after the stop command before they are killed. */
    public static final long EXIT_TIMEOUT_MS = 10_000;
    /** A worker whose heartbeat has not moved for this long (by the coordinator's clock) is stuck. */
    public static final long WORKER_STALE_MS = 2_000;
    /** Replacements of one worker slot before the run fails: a worker that keeps dying is not bad luck. */
    public static final int MAX_RESTARTS_PER_WORKER = 3;
    /** Relative improvement of the validation loss that counts as better (early stopping). */
    public static final double MIN_RELATIVE_IMPROVEMENT = 1e-4;

    private final Settings settings;
    private final PrintStream out;
    private final Consumer<String> log;
    private final Progress progress;
    /** Written by the main thread (a restart replaces an entry), read by the shutdown hook too. */
    private final List<WorkerHandle> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Consumer<String> workerOutput;
    private final StalenessWatch[] workerHeartbeats;
    /** Starts the worker of a slot (a process or a thread); set once the weight file exists. */
    private java.util.function.IntFunction<WorkerHandle> workerStarter;
    /** PSS of the coordinator and of all worker processes after the first epoch, in KiB (-1: not measured). */
    private long pssCoordinatorKb = -1;
    private long pssWorkersKb = -1;
    /** The coordinator's threads set behind the workers ({@link ThreadNice}); -1 until it is tried. */
    private int nicedThreads = -1;
    /** Replacements started per slot, and when the last one started. */
    private final int[] restarts;
    private final long[] restartedAtNs;
    /** Guards the end of a run: finishing and the shutdown hook exclude each other. */
    private final Object endLock = new Object();
    private volatile WeightFile weightFile;
    /** The run directory of {@code --resume}, null for a new run. */
    private final Path resumeDir;
    /** The checkpoint a resumed run continues from, null for a new run. */
    private Checkpoint resumeFrom;
    /** Held for the run's life: no second run writes the same directory. */
    private RunDirectoryLock directoryLock;
    private boolean finished;
    private boolean interrupted;
    /** Writes each epoch's checkpoint while the next epoch trains. */
    private final CheckpointWriter checkpoints = new CheckpointWriter();
    /** The worker JVMs' class-data-sharing archive, beside the dataset cache (none for threads). */
    private final WorkerClassArchive classArchive;

    /**
     * @param settings resolved settings
     * @param out      where log lines and the summary go
     */
    public TrainingRun(final Settings settings, final PrintStream out)
    {
        this(settings, out, null);
    }

    private TrainingRun(final Settings settings, final PrintStream out, final Path resumeDir)
    {
        this.resumeDir = resumeDir;
        this.settings = settings;
        this.out = out;
        this.progress = new Progress(out, !settings.quiet() && Progress.isTerminal());
        this.log = line ->
        {
            if (!settings.quiet())
            {
                synchronized (out)
                {
                    progress.clear();
                    out.println(line);
                }
            }
        };
        // Workers print only on trouble: their lines reach stderr even when the run is quiet.
        this.workerOutput = line ->
        {
            synchronized (out)
            {
                progress.clear();
                System.err.println(line);
            }
        };
        this.classArchive = threads() ? WorkerClassArchive.none() :
            WorkerClassArchive.in(DatasetCache.fromEnvironment().directory());
        this.workerHeartbeats = new StalenessWatch[workerCount()];
        this.restarts = new int[workerCount()];
        this.restartedAtNs = new long[workerCount()];
        for (int i = 0; i < workerHeartbeats.length; i++)
        {
            workerHeartbeats[i] = new StalenessWatch();
        }
    }

    /**
     * A run that continues the interrupted run in {@code runDir} from its last checkpoint, with the run's own
     * settings (only {@code quiet} is this invocation's).
     */
    public static TrainingRun resume(final Path runDir, final boolean quiet, final PrintStream out)
    {
        if (!Files.isDirectory(runDir))
        {
            throw new SettingsException("--resume " + runDir + " is not a directory");
        }
        if (Files.exists(runDir.resolve("summary.json")))
        {
            throw new SettingsException("--resume " + runDir + " is a finished run (it has a summary.json); " +
                "nothing to resume");
        }
        final Map<String, String> values = Checkpoint.readSettings(runDir);
        values.remove("out");
        values.put("quiet", Boolean.toString(quiet));
        final Settings own = Settings.resolve(values);
        return new TrainingRun(new Settings(own.data(), own.test(), own.procs(), own.threads(), own.epochs(), own.lr(),
            own.decay(), own.lambda(), own.loss(), own.batch(), own.valFraction(), own.patience(), own.seed(), own.dim(),
            runDir, own.sync(), own.shuffleBlock(), own.onWorkerFailure(), quiet), out, runDir);
    }

    /** Runs the whole training; returns the summary written to {@code summary.json}. */
    public Map<String, Object> run() throws IOException, InterruptedException
    {
        final long wallStartNs = System.nanoTime();
        final DataFiles files = resolveData(settings, log);
        final Dataset train = Dataset.open(files.train());
        Dataset test = null;
        try
        {
            test = files.test() == null ? null : Dataset.open(files.test());
            train.verify();
            if (test != null)
            {
                test.verify();
            }
            final long dimension = dimension(train, test);
            checkMemory(train, dimension);
            final Path runDir = resumeDir != null ? prepareResume(resumeDir) : createRunDirectory();
            final Thread hook = new Thread(this::onShutdown, "hogwild-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try
            {
                return train(train, test, (int)dimension, runDir, wallStartNs);
            }
            finally
            {
                try
                {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
                catch (final IllegalStateException ignored)
                {
                    // Already shutting down: the hook is running or ran.
                }
            }
        }
        finally
        {
            // A worker thread that ignored the stop command still reads the mappings: leave them mapped
            // (they go with the JVM) rather than pull memory from under it.
            if (workers.stream().noneMatch(WorkerHandle::isAlive))
            {
                final WeightFile file = weightFile;
                if (file != null)
                {
                    weightFile = null;
                    file.close();
                }
                if (test != null)
                {
                    test.close();
                }
                train.close();
            }
            if (directoryLock != null)
            {
                directoryLock.close();
            }
        }
    }

    /**
     * Takes the directory of an interrupted run for {@code --resume}: locks it, checks that its weight file
     * is a sound weight file of this format, and reads its checkpoint.
     */
    private Path prepareResume(final Path runDir) throws IOException
    {
        directoryLock = RunDirectoryLock.acquire(runDir);
        final Path weights = runDir.resolve("weights.bin");
        if (Files.exists(weights))
        {
            if (WeightFile.isUnfinishedCreation(weights))
            {
                // A resume killed while it recreated the file: the file is replaced anyway.
                log.accept("replacing " + weights + ", which a previous attempt did not finish creating");
            }
            else
            {
                try (WeightFile previous = WeightFile.open(weights, false))
                {
                    previous.runState(); // opened and checked: magic, version, checksum, length
                }
                catch (final io.hogwild.common.weights.WeightFileException ex)
                {
                    throw new io.hogwild.common.weights.WeightFileException("cannot resume " + runDir + ": " +
                        ex.getMessage());
                }
            }
        }
        resumeFrom = Checkpoint.read(runDir);
        log.accept(String.format(Locale.ROOT, "resuming %s after epoch %d of %d", runDir, resumeFrom.epoch(),
            settings.epochs()));
        return runDir;
    }

    /** Blocks in a chunk, the work a worker takes at a time: at least {@link EpochChunks#CHUNK_SAMPLES} samples. */
    private int chunkBlocks(final Dataset train)
    {
        return EpochChunks.blocksPerChunk(EpochChunks.CHUNK_SAMPLES, blockLength(train));
    }

    /** The block length of the shuffled order ({@link Settings#blockLength}). */
    private int blockLength(final Dataset train)
    {
        return settings.blockLength(train.rows(), train.nnz());
    }

    /** The workers' cold store interval ({@link Deferral#coldStoreSamples}). */
    private int coldStoreSamples(final Dataset train)
    {
        return deferral(train).coldStoreSamples(workerCount(), train);
    }

    /**
     * The memory each worker JVM keeps of its own: its tables of rows ({@link EpochChunks#heapBytes}), its kernel's
     * private copies ({@link SgdKernel#offHeapBytes}) and its warm-up's ({@link Worker#warmUpDirectBytes}).
     */
    private WorkerProcess.Memory workerMemory(final Dataset train)
    {
        final long kernelBytes = SgdKernel.offHeapBytes(deferral(train), train.dimension(), train.hotFeatureCount());
        return new WorkerProcess.Memory(EpochChunks.heapBytes(train.rows(), blockLength(train), chunkBlocks(train)),
            kernelBytes, Worker.warmUpDirectBytes(train.dimension(), kernelBytes));
    }

    /** What this run's workers defer ({@link Deferral#of}). */
    private Deferral deferral(final Dataset train)
    {
        return Deferral.of(settings.sync(), workerCount(), train);
    }

    /**
     * Refuses a worker count whose JVMs would not fit in the memory available now (Linux's MemAvailable):
     * each worker process takes its own heap and non-heap memory, while the mapped dataset and weights are
     * one shared copy, counted once.
     */
    private void checkMemory(final Dataset train, final long dimension) throws IOException
    {
        final long availableMb = availableMemoryMb();
        if (threads() || availableMb <= 0)
        {
            return;
        }
        final int procs = workerCount();
        final long perWorkerMb = workerMemory(train).footprintMb();
        final long sharedMb = (Files.size(train.path()) + WeightFileLayout.fileLength(procs, dimension,
            EpochChunks.count(train.rows(), blockLength(train), chunkBlocks(train)))) >> 20;
        final long neededMb = procs * perWorkerMb + sharedMb;
        if (neededMb > availableMb)
        {
            final long fitting = Math.max(1, (availableMb - sharedMb) / perWorkerMb);
            throw new SettingsException(String.format(Locale.ROOT, "--procs %d needs about %,d MiB: %d worker JVMs " +
                "of %,d MiB each (heap, metaspace, code cache, stacks, private copies of the weights) " +
                "plus %,d MiB of data and weights mapped once " +
                "and shared; this machine has %,d MiB available. Use --procs %d or fewer, or --threads.", procs,
                neededMb, procs, perWorkerMb, sharedMb, availableMb, fitting));
        }
    }

    /** MemAvailable of /proc/meminfo in MiB, or 0 where there is no such file. */
    static long availableMemoryMb() throws IOException
    {
        final Path meminfo = Paths.get("/proc/meminfo");
        if (!Files.isReadable(meminfo))
        {
            return 0;
        }
        for (final String line : Files.readAllLines(meminfo, StandardCharsets.US_ASCII))
        {
            if (line.startsWith("MemAvailable:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
            }
        }
        return 0;
    }

    /**
     * The dataset files ({@code .hwd}) of a run's training and test data, null for no test data.
     */
    public record DataFiles(Path train, Path test)
    {
    }

    /**
     * Resolves the data of {@code settings} to dataset files: converts LIBSVM text once into the cache, or
     * generates the RCV1-shaped default when no data is given.
     */
    public static DataFiles resolveData(final Settings settings, final Consumer<String> log) throws IOException
    {
        final DatasetCache cache = DatasetCache.fromEnvironment();
        final int cores = Runtime.getRuntime().availableProcessors();
        if (settings.data() == null)
        {
            final DefaultData.DatasetPair pair = DefaultData.ensure(cache, log);
            return new DataFiles(pair.train(),
                settings.test() == null ? pair.test() : cache.resolve(settings.test(), cores, log));
        }
        return new DataFiles(cache.resolve(settings.data(), cores, log),
            settings.test() == null ? null : cache.resolve(settings.test(), cores, log));
    }

    private long dimension(final Dataset train, final Dataset test)
    {
        final long fromData = Math.max(train.dimension(), test == null ? 0 : test.dimension());
        if (settings.dim() > 0)
        {
            if (settings.dim() < train.dimension())
            {
                throw new SettingsException("--dim " + settings.dim() + " is smaller than the largest feature index " +
                    train.dimension() + " of the training data " + displayName(settings.data(), train));
            }
            return checkWeightFileFits(settings.dim());
        }
        if (fromData < 1)
        {
            throw new SettingsException("the training data " + displayName(settings.data(), train) +
                " has no features at all");
        }
        return checkWeightFileFits(fromData);
    }

    private long checkWeightFileFits(final long dimension)
    {
        // The chunk-owner table (8 bytes a chunk of at least 4,096 rows) is left out: a few KB a million rows.
        if (WeightFileLayout.fileLength(workerCount(), dimension, 0) > Integer.MAX_VALUE)
        {
            throw new SettingsException("dimension " + dimension + " (the largest feature index of the train and " +
                "test data, or --dim) needs a weight file over 2 GiB, which this version cannot map");
        }
        return dimension;
    }

    private static String displayName(final Path given, final Dataset data)
    {
        return given != null ? given.toString() : data.path().toString();
    }

    private Path createRunDirectory() throws IOException
    {
        final Path dir = createRunDirectory(settings.out());
        directoryLock = RunDirectoryLock.acquire(dir);
        return dir;
    }

    /**
     * Creates the run directory: {@code out}, which must be new or empty, or {@code runs/<timestamp>} when
     * {@code out} is null.
     */
    public static Path createRunDirectory(final Path out) throws IOException
    {
        Path dir = out;
        if (dir == null)
        {
            final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            dir = Paths.get("runs", stamp);
            for (int n = 2; Files.exists(dir); n++)
            {
                dir = Paths.get("runs", stamp + "-" + n);
            }
        }
        createEmptyDirectory(dir);
        return dir;
    }

    /**
     * Creates {@code dir} (given as {@code --out}) or takes it when it exists empty; refuses a file or a
     * directory with anything in it, so that no output of an earlier run is mistaken for this one's.
     */
    public static Path createEmptyDirectory(final Path dir) throws IOException
    {
        if (Files.exists(dir))
        {
            if (!Files.isDirectory(dir))
            {
                throw new SettingsException("--out " + dir + " is a file, not a directory");
            }
            try (var entries = Files.list(dir))
            {
                if (entries.findAny().isPresent())
                {
                    throw new SettingsException("--out " + dir + " is not empty; give a new directory");
                }
            }
        }
        try
        {
            Files.createDirectories(dir);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new SettingsException("--out " + dir + " exists and is not a directory");
        }
        return dir;
    }

    private Map<String, Object> train(final Dataset train, final Dataset test, final int dimension,
        final Path runDir, final long wallStartNs) throws IOException, InterruptedException
    {
        final int procs = workerCount();
        final long seed = settings.seed();
        final double valFraction = settings.valFraction();
        final int[] validationRows = DataSplit.validationRows(train, seed, valFraction);
        final long trainRows = train.rows() - validationRows.length;
        if (trainRows == 0)
        {
            throw new SettingsException("--val-fraction " + valFraction + " leaves no training rows of " +
                train.rows());
        }
        final float[] coefficients = Regularisation.coefficients(train, seed, valFraction, settings.lambda(), dimension);
        final Path weightPath = runDir.resolve("weights.bin");
        if (resumeFrom != null)
        {
            if (resumeFrom.weights().length != dimension)
            {
                throw new RunFailedException("the checkpoint of " + runDir + " holds " + resumeFrom.weights().length +
                    " weights, but the data now has " + dimension + " features: the data changed; cannot resume");
            }
            // The old file's state was kept for inspection until now; the resumed run gets a fresh one.
            Files.deleteIfExists(weightPath);
        }
        final int chunkBlocks = chunkBlocks(train);
        final WeightFile file = WeightFile.create(weightPath, new WeightFile.Config(dimension, procs, settings.loss(),
            settings.batch(), settings.sync(), seed, valFraction, settings.lambda(), ProcessHandle.current().pid(),
            System.currentTimeMillis(), trainRows, blockLength(train), chunkBlocks), coefficients);
        weightFile = file;
        if (resumeFrom != null)
        {
            file.putWeights(resumeFrom.weights());
            file.epochCompleted(resumeFrom.epoch(), resumeFrom.samplesTotal());
        }

        final Map<String, Object> effective = new LinkedHashMap<>(settings.toMap());
        effective.put("data", settings.data() == null ? "generated RCV1-shaped default" : settings.data().toString());
        effective.put("test", test == null ? null : settings.test() != null ? settings.test().toString() :
            "generated RCV1-shaped default test split");
        effective.put("dim", dimension);
        effective.put("shuffle-block", blockLength(train));
        effective.put("out", runDir.toString());
        effective.put("train_dataset_file", train.path().toString());
        effective.put("test_dataset_file", test == null ? null : test.path().toString());
        if (resumeFrom == null)
        {
            Files.writeString(runDir.resolve("settings.json"), Json.write(effective));
            Checkpoint.writeSettings(runDir, settings);
        }

        final Deferral deferral = deferral(train);
        log.accept(String.format(Locale.ROOT, "hogwild: %,d train rows (%,d held out for validation), %,d features, " +
            "%,d non-zeros, blocks of %,d rows; %d worker %s, %s%s, %s loss; run directory %s", trainRows,
            train.rows() - trainRows, dimension, train.nnz(), blockLength(train), procs, threads() ? "threads" : "processes", settings.sync().cliName(),
            deferral == Deferral.NONE ? "" : deferral == Deferral.HOT ?
                String.format(Locale.ROOT, " (hot updates stored every %d samples)", deferral.hotStoreSamples(procs)) :
                String.format(Locale.ROOT, " (hot updates stored every %d samples, the others every %,d)",
                    deferral.hotStoreSamples(procs), coldStoreSamples(train)),
            settings.loss().cliName(), runDir));

        final Thread heartbeat = startCoordinatorHeartbeat(file);
        try
        {
            final long startupStartNs = System.nanoTime();
            final List<String> jvmOptions = threads() ? List.of() :
                workerMemory(train).jvmOptions();
            workerStarter = i ->
            {
                try
                {
                    if (threads())
                    {
                        return WorkerThread.start(i, file, train);
                    }
                    final List<String> options = new ArrayList<>(jvmOptions);
                    options.addAll(classArchive.options(i));
                    return WorkerProcess.start(i, weightPath, train.path(), options, workerOutput);
                }
                catch (final IOException ex)
                {
                    throw new RunFailedException("cannot start worker " + i + ": " + ex.getMessage());
                }
            };
            for (int i = 0; i < procs; i++)
            {
                workers.add(workerStarter.apply(i));
            }
            // Read while the worker JVMs start, not while they wait for the first epoch.
            final RowSets rowSets = readRowSets(train, validationRows, test, trainRows, dimension);
            awaitAttached(file);
            final double startupSeconds = (System.nanoTime() - startupStartNs) / 1e9;
            log.accept(String.format(Locale.ROOT, "%d workers attached in %.2f s: pids %s", procs, startupSeconds,
                workerPids()));
            file.runState(RunState.RUNNING);

            final Map<String, Object> summary = epochs(file, train, rowSets, runDir, trainRows, startupSeconds,
                wallStartNs);
            stopWorkers(file);
            classArchive.publish();
            synchronized (endLock)
            {
                refuseIfInterrupted();
                LiblinearModel.write(runDir.resolve("model.txt"), file.copyWeights(), settings.loss());
                summary.put("wall_seconds", EpochRecord.threeDecimals((System.nanoTime() - wallStartNs) / 1e9));
                Files.writeString(runDir.resolve("summary.json"), Json.write(summary));
                // Finished only once the outputs are there: a kill before this leaves a run that --resume ends.
                file.runState(RunState.FINISHED);
                file.force();
                finished = true;
            }
            return summary;
        }
        catch (final Throwable ex)
        {
            fail(file);
            throw ex;
        }
        finally
        {
            classArchive.discard();
            heartbeat.interrupt();
            heartbeat.join();
            checkpoints.close();
        }
    }

    /**
     * What the coordinator reads of the data once, while the workers start: the rows each epoch's evaluation
     * scores, and the training rows' non-zeros and mean squared norm (for {@code --lr auto}).
     */
    private record RowSets(ScoredRows validation, ScoredRows test, long nonzerosPerEpoch, double meanSquaredNorm)
    {
    }

    private RowSets readRowSets(final Dataset train, final int[] validationRows, final Dataset test,
        final long trainRows, final long dimension)
    {
        long nonzeros = 0;
        double squaredNorms = 0;
        int nextValidation = 0;
        for (long row = 0; row < train.rows(); row++)
        {
            if (nextValidation < validationRows.length && validationRows[nextValidation] == row)
            {
                nextValidation++;
                continue;
            }
            for (long k = train.rowStart(row); k < train.rowStart(row + 1); k++)
            {
                squaredNorms += (double)train.value(k) * train.value(k);
            }
            nonzeros += train.rowStart(row + 1) - train.rowStart(row);
        }
        // Copied once into the tables each epoch's evaluation scores (ScoredRows says why), within one budget
        // for both that leaves room for the weights the coordinator keeps at most at once (the best epoch's, a
        // checkpoint's two, and a checkpoint write's buffer). Copying them on another core beside the pass
        // above did not start the first epoch sooner on 2 cores: the worker JVMs start on them meanwhile.
        final long budget = ScoredRows.copyBudget(4L * Float.BYTES * dimension);
        final ScoredRows validation = ScoredRows.of(train, validationRows, budget);
        final ScoredRows testing = test == null ? null : ScoredRows.of(test, null, budget - validation.copyBytes());
        return new RowSets(validation, testing, nonzeros, squaredNorms / trainRows);
    }

    /**
     * {@code rows} scored against the weights of {@code file}, features from {@code trainedDimension} on counted
     * as unseen; null without rows (no test data).
     */
    private Evaluation score(final ScoredRows rows, final WeightFile file, final long trainedDimension)
    {
        return rows == null ? null : Evaluation.of(rows, file.weights(), settings.loss(), trainedDimension);
    }

    private Map<String, Object> epochs(final WeightFile file, final Dataset train, final RowSets rowSets,
        final Path runDir, final long trainRows, final double startupSeconds, final long wallStartNs)
        throws IOException, InterruptedException
    {
        final ScoredRows validationSet = rowSets.validation();
        final ScoredRows testSet = rowSets.test();
        final long nonzerosPerEpoch = rowSets.nonzerosPerEpoch();
        double step = resumeFrom != null ? resumeFrom.nextStep() : settings.firstStep(rowSets.meanSquaredNorm());
        if (Double.isNaN(settings.lr()) && resumeFrom == null)
        {
            log.accept(String.format(Locale.ROOT, "--lr auto: first step %.4g (%.2g / mean squared row norm %.4g)",
                step, Settings.AUTO_STEP_SCALE, rowSets.meanSquaredNorm()));
        }
        double bestLoss = Double.POSITIVE_INFINITY;
        BestEpoch best = null;
        int epochsWithoutImprovement = 0;
        double trainSeconds = 0;
        long samplesTotal = 0;
        Evaluation validation = null;
        Evaluation testing = null;
        double trainLoss = Double.NaN;
        int epoch = 0;
        boolean stoppedEarly = false;
        final List<String> metricsKept = new ArrayList<>();
        if (resumeFrom != null)
        {
            final Checkpoint from = resumeFrom;
            epoch = from.epoch();
            bestLoss = from.bestLoss();
            best = new BestEpoch(from.bestEpoch(), from.bestTrainLoss(), from.bestWeights());
            epochsWithoutImprovement = from.epochsWithoutImprovement();
            samplesTotal = from.samplesTotal();
            trainSeconds = from.trainSeconds();
            // Keep the rows of the checkpointed epochs; a row of the interrupted epoch may follow them.
            final List<String> previous = Files.readAllLines(runDir.resolve("metrics.csv"), StandardCharsets.UTF_8);
            metricsKept.addAll(previous.subList(1, Math.min(previous.size(), epoch + 1)));
            trainLoss = from.trainLoss();
            validation = score(validationSet, file, file.dimension());
            testing = score(testSet, file, train.dimension());
        }
        // The seconds column runs on across a resume: from the elapsed time the checkpoint recorded.
        final long trainStartNs = System.nanoTime() - (resumeFrom == null ? 0 : (long)(resumeFrom.elapsedSeconds() * 1e9));
        try (BufferedWriter metrics = Files.newBufferedWriter(runDir.resolve("metrics.csv"), StandardCharsets.UTF_8))
        {
            metrics.write(EpochRecord.HEADER);
            metrics.newLine();
            for (final String row : metricsKept)
            {
                metrics.write(row);
                metrics.newLine();
            }
            metrics.flush();
            while (epoch < settings.epochs())
            {
                epoch++;
                // Counted before the release: a worker may publish samples of this epoch right after it.
                final long doneBefore = samplesDone(file);
                final long epochStartNs = System.nanoTime();
                file.releaseEpoch(epoch, step);
                awaitBarrier(file, epoch, epochStartNs, doneBefore, trainRows,
                    validation == null ? Double.NaN : validation.meanLoss());
                final double epochSeconds = (System.nanoTime() - epochStartNs) / 1e9;
                trainSeconds += epochSeconds;

                double lossSum = 0;
                long samples = 0;
                for (int i = 0; i < file.workerCount(); i++)
                {
                    lossSum += file.workerEpochLossSum(i);
                    samples += file.workerEpochSamples(i);
                }
                samplesTotal += samples;
                if (samples != trainRows)
                {
                    // Every chunk is taken once and finished by its taker or a replacement: this is a bug if seen.
                    log.accept(String.format(Locale.ROOT, "warning: epoch %d trained %,d samples, not the %,d training " +
                        "rows once each", epoch, samples, trainRows));
                }
                file.epochCompleted(epoch, samplesTotal);
                trainLoss = lossSum / samples;
                validation = score(validationSet, file, file.dimension());
                testing = score(testSet, file, train.dimension());
                final double samplesPerSecond = samples / epochSeconds;
                checkFinite(file, epoch, trainLoss);
                if (pssCoordinatorKb < 0)
                {
                    measureMemory();
                }

                final EpochRecord record = new EpochRecord(epoch, (System.nanoTime() - trainStartNs) / 1e9, step,
                    trainLoss, validation, testing, samplesPerSecond, epochSeconds);
                metrics.write(record.csvRow());
                metrics.newLine();
                metrics.flush();
                log.accept(record.logLine());

                final double monitored = validation.rows() > 0 ? validation.meanLoss() : trainLoss;
                if (bestLoss == Double.POSITIVE_INFINITY ||
                    monitored < bestLoss - MIN_RELATIVE_IMPROVEMENT * Math.abs(bestLoss))
                {
                    bestLoss = monitored;
                    epochsWithoutImprovement = 0;
                    // With validation rows every best epoch has weights, so the first copy's array is reused.
                    best = new BestEpoch(epoch, trainLoss, validation.rows() == 0 ? null :
                        file.copyWeights(best != null && best.weights() != null ? best.weights() :
                            new float[(int)file.dimension()]));
                }
                else if (settings.patience() > 0 && ++epochsWithoutImprovement >= settings.patience())
                {
                    stoppedEarly = epoch < settings.epochs();
                    if (stoppedEarly)
                    {
                        log.accept("stopping early: no better validation loss for " + settings.patience() + " epochs");
                    }
                    break;
                }
                step *= settings.decay();
                if (checkpoints.due(System.nanoTime()))
                {
                    // Copies: the best weights' array is reused by a later best epoch while this one is written.
                    checkpoints.write(new Checkpoint(epoch, step, bestLoss, best.epoch(), best.trainLoss(),
                        epochsWithoutImprovement, samplesTotal, trainSeconds, file.copyWeights(),
                        best.weights() == null ? null : best.weights().clone(), trainLoss,
                        (System.nanoTime() - trainStartNs) / 1e9), runDir);
                }
                if (nicedThreads < 0 && epoch < settings.epochs())
                {
                    giveWayToWorkers();
                }
            }
        }
        checkpoints.finish();

        if (best != null && best.weights() != null && best.epoch() != epoch)
        {
            // Early stopping keeps the weights of the best validation loss, not the last, noisier ones.
            // The workers wait at the barrier: nothing else writes the weights now.
            file.putWeights(best.weights());
            validation = score(validationSet, file, file.dimension());
            testing = score(testSet, file, train.dimension());
            trainLoss = best.trainLoss();
            log.accept(String.format(Locale.ROOT, "keeping the weights of epoch %d, the best validation loss (%.4f)",
                best.epoch(), validation.meanLoss()));
        }

        final Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("test_accuracy", testing == null ? null : testing.accuracy());
        summary.put("test_loss", testing == null ? null : testing.meanLoss());
        summary.put("val_accuracy", validation.accuracy());
        summary.put("val_loss", validation.meanLoss());
        summary.put("train_loss", trainLoss);
        summary.put("epochs", epoch);
        summary.put("resumed_after_epoch", resumeFrom == null ? null : resumeFrom.epoch());
        summary.put("best_epoch", best == null || best.weights() == null ? epoch : best.epoch());
        summary.put("stopped_early", stoppedEarly);
        summary.put("train_seconds", EpochRecord.threeDecimals(trainSeconds));
        summary.put("samples_per_second", Math.round(samplesTotal / trainSeconds));
        summary.put("nonzeros_per_second", Math.round(nonzerosPerEpoch * (double)epoch / trainSeconds));
        summary.put("startup_seconds", EpochRecord.threeDecimals(startupSeconds));
        summary.put("mode", threads() ? "threads" : "procs");
        summary.put("workers", file.workerCount());
        summary.put("sync", settings.sync().cliName());
        final Deferral deferral = Deferral.of(settings.sync(), file.workerCount(), train);
        summary.put("deferral", deferral.name().toLowerCase(Locale.ROOT));
        summary.put("hot_store_samples", deferral.hotStoreSamples(file.workerCount()));
        summary.put("cold_store_samples", coldStoreSamples(train));
        summary.put("loss", settings.loss().cliName());
        summary.put("worker_pids", workerPids());
        summary.put("worker_restarts", java.util.Arrays.stream(restarts).sum());
        summary.put("coordinator_threads_niced", Math.max(0, nicedThreads));
        summary.put("cores", Runtime.getRuntime().availableProcessors());
        summary.put("memory_pss_mb", pssCoordinatorKb < 0 ? null :
            EpochRecord.threeDecimals((pssCoordinatorKb + pssWorkersKb) / 1024.0));
        summary.put("memory_pss_coordinator_mb", pssCoordinatorKb < 0 ? null :
            EpochRecord.threeDecimals(pssCoordinatorKb / 1024.0));
        summary.put("memory_pss_workers_mb", pssWorkersKb < 0 ? null : EpochRecord.threeDecimals(pssWorkersKb / 1024.0));
        summary.put("dimension", file.dimension());
        summary.put("train_rows", trainRows);
        summary.put("val_rows", validation.rows());
        summary.put("test_rows", testing == null ? 0 : testing.rows());
        summary.put("test_rows_with_unseen_features", testing == null ? 0 : testing.unseenFeatureRows());
        summary.put("samples_total", samplesTotal);
        summary.put("run_dir", runDir.toString());
        if (!settings.quiet())
        {
            progress.clear();
        }
        return summary;
    }

    /** The epoch with the best validation loss so far, its training loss and (with validation rows) its weights. */
    private record BestEpoch(int epoch, double trainLoss, float[] weights)
    {
    }

    private void checkFinite(final WeightFile file, final long epoch, final double trainLoss)
    {
        boolean finite = Double.isFinite(trainLoss);
        final var weights = file.weights();
        for (int u = 0; finite && u < file.dimension(); u++)
        {
            finite = Float.isFinite(weights.getFloat(u * Float.BYTES));
        }
        if (!finite)
        {
            throw new RunFailedException("the weights became NaN or infinite in epoch " + epoch +
                ": the step size is too large for this data; try a smaller --lr (was " + settings.lr() + ")");
        }
    }

    /** Waits until every worker has attached to its slot, or fails when one dies first. */
    private void awaitAttached(final WeightFile file) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + ATTACH_TIMEOUT_MS;
        while (true)
        {
            boolean all = true;
            for (final WorkerHandle worker : workers)
            {
                checkAlive(worker, 0);
                final WorkerState state = file.workerState(worker.index());
                if (state == WorkerState.FAILED)
                {
                    // It failed before attaching (in its warm-up), and may not have exited yet.
                    throw new RunFailedException("worker " + worker.index() + " failed before attaching" +
                        whereOutputIs(worker));
                }
                all &= state != WorkerState.NOT_STARTED;
            }
            if (all)
            {
                return;
            }
            if (System.currentTimeMillis() > deadline)
            {
                throw new RunFailedException("workers did not attach within " + ATTACH_TIMEOUT_MS / 1000 + " s");
            }
            Thread.sleep(1);
        }
    }

    /** Samples the workers have published in all, by the counters of the weight file. */
    private static long samplesDone(final WeightFile file)
    {
        long done = 0;
        for (int i = 0; i < file.workerCount(); i++)
        {
            done += file.workerSamplesDone(i);
        }
        return done;
    }

    /**
     * The barrier: waits until every worker has published {@code epoch}, watching that all still live.
     *
     * @param startNs    when the epoch was released
     * @param doneBefore the samples published in all before it was released
     */
    private void awaitBarrier(final WeightFile file, final long epoch, final long startNs, final long doneBefore,
        final long trainRows, final double lastValidationLoss) throws InterruptedException
    {
        final BarrierWait wait = new BarrierWait();
        final int cores = Runtime.getRuntime().availableProcessors();
        while (true)
        {
            int training = 0;
            long done = 0;
            for (final WorkerHandle worker : workers)
            {
                final int i = worker.index();
                if (file.workerEpochReached(i) < epoch)
                {
                    training++;
                    checkAlive(worker, epoch);
                }
                done += file.workerSamplesDone(i);
            }
            if (training == 0)
            {
                return;
            }
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            synchronized (out)
            {
                progress.update(epoch, settings.epochs(), (done - doneBefore) / (double)trainRows,
                    (done - doneBefore) / seconds, lastValidationLoss);
            }
            // Few looks an epoch: the coordinator needs no core of its own while workers train.
            java.util.concurrent.locks.LockSupport.parkNanos(wait.nextParkNs(System.nanoTime() - startNs,
                done - doneBefore, trainRows, BarrierWait.coreFreed(training, workers.size(), cores)));
        }
    }

    /**
     * Checks that {@code worker} lives and beats; a dead or stuck worker process is replaced under
     * {@code --on-worker-failure restart} (during an epoch, up to {@value #MAX_RESTARTS_PER_WORKER} times a
     * slot), else the run fails.
     */
    private void checkAlive(final WorkerHandle worker, final long epoch) throws InterruptedException
    {
        final String failure = failureOf(worker, epoch);
        if (failure == null)
        {
            return;
        }
        final int i = worker.index();
        synchronized (endLock)
        {
            // Ctrl-C reaches the workers too: a dying worker is the signal's doing, not a failure to repair.
            refuseIfInterrupted();
        }
        if (epoch == 0 || threads() || settings.onWorkerFailure() != WorkerFailurePolicy.RESTART)
        {
            throw new RunFailedException(failure);
        }
        if (restarts[i] >= MAX_RESTARTS_PER_WORKER)
        {
            throw new RunFailedException(failure + "; it was replaced " + restarts[i] + " times already, so the " +
                "run stops");
        }
        restart(worker, epoch, failure);
    }

    /** Where a failed worker's own output is, for its failure's message: none to point at for a thread. */
    private String whereOutputIs(final WorkerHandle worker)
    {
        return threads() ? "" : "; its output is above, prefixed [worker " + worker.index() + "]";
    }

    /** Why {@code worker} counts as failed, or null while it lives and beats. */
    private String failureOf(final WorkerHandle worker, final long epoch)
    {
        if (!worker.isAlive())
        {
            return worker.describeEnd() + (epoch > 0 ? " during epoch " + epoch : " before attaching") +
                whereOutputIs(worker);
        }
        final WeightFile file = weightFile;
        // A replacement is judged by its heartbeat only once it has attached (its PID is in the slot).
        if (epoch > 0 && file != null && file.workerPid(worker.index()) == worker.pid())
        {
            final long stillNs = workerHeartbeats[worker.index()].observe(file.workerHeartbeatMs(worker.index()),
                System.nanoTime());
            if (stillNs > WORKER_STALE_MS * 1_000_000L)
            {
                return "worker " + worker.index() + " (pid " + worker.pid() + ") has not beaten its heartbeat for " +
                    WORKER_STALE_MS / 1000 + " s during epoch " + epoch + ": it is stuck or stopped";
            }
        }
        else if (epoch > 0 && file != null && restarts[worker.index()] > 0 &&
            System.nanoTime() - restartedAtNs[worker.index()] > ATTACH_TIMEOUT_MS * 1_000_000L)
        {
            return "the replacement of worker " + worker.index() + " (pid " + worker.pid() + ") did not attach within " +
                ATTACH_TIMEOUT_MS / 1000 + " s";
        }
        return null;
    }

    /**
     * Replaces a failed worker process: ends it for sure, frees the weight lock if it died holding it, and
     * starts a new process for the same slot, which resumes the epoch where the slot's position says.
     */
    private void restart(final WorkerHandle failed, final long epoch, final String failure)
        throws InterruptedException
    {
        final int i = failed.index();
        final WeightFile file = weightFile;
        failed.kill();
        if (!failed.awaitExit(EXIT_TIMEOUT_MS))
        {
            throw new RunFailedException(failure + "; it could not be killed to replace it");
        }
        final boolean heldLock = file.releaseLockOf(i);
        restarts[i]++;
        file.workerRestarts(i, restarts[i]);
        log.accept(String.format(Locale.ROOT, "%s; starting a replacement (%d of at most %d) that goes on " +
            "after its %,d samples of epoch %d%s", failure, restarts[i], MAX_RESTARTS_PER_WORKER, file.workerEpochPosition(i, epoch),
            epoch, heldLock ? " (it died holding the weight lock, now freed)" : ""));
        if (settings.quiet())
        {
            System.err.println("hogwild: " + failure + "; replaced it (restart " + restarts[i] + ")");
        }
        workerHeartbeats[i] = new StalenessWatch();
        restartedAtNs[i] = System.nanoTime();
        // Under the end lock: either the shutdown hook sees the replacement in the list and reaps it, or the
        // replacement is never started.
        synchronized (endLock)
        {
            refuseIfInterrupted();
            workers.set(workers.indexOf(failed), workerStarter.apply(i));
        }
    }

    /** Called under {@link #endLock}: a run that a signal interrupted must neither finish nor replace a worker. */
    private void refuseIfInterrupted()
    {
        if (interrupted)
        {
            throw new RunFailedException("interrupted by a signal; the run is not finished");
        }
    }

    private Thread startCoordinatorHeartbeat(final WeightFile file)
    {
        final Thread thread = new Thread(() ->
        {
            while (!Thread.currentThread().isInterrupted())
            {
                file.coordinatorHeartbeat(System.currentTimeMillis());
                try
                {
                    Thread.sleep(100);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
        }, "hogwild-coordinator-heartbeat");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Commands a stop and waits for every worker to exit; kills those that do not. */
    private void stopWorkers(final WeightFile file) throws InterruptedException
    {
        file.command(Command.STOP);
        final long deadline = System.currentTimeMillis() + EXIT_TIMEOUT_MS;
        for (final WorkerHandle worker : workers)
        {
            if (!worker.awaitExit(Math.max(1, deadline - System.currentTimeMillis())))
            {
                log.accept("worker " + worker.index() + " did not exit within " + EXIT_TIMEOUT_MS / 1000 +
                    " s of the stop command; killing it");
                worker.kill();
                if (!worker.awaitExit(EXIT_TIMEOUT_MS))
                {
                    throw new RunFailedException("worker " + worker.index() + " (pid " + worker.pid() +
                        ") is still running after the stop command; the weights are not final");
                }
            }
        }
    }

    /** Marks the run failed, stops and reaps every worker: no worker outlives a failed run. */
    private void fail(final WeightFile file)
    {
        if (file.runState() != RunState.INTERRUPTED)
        {
            file.runState(RunState.FAILED);
        }
        reapWorkers(file);
    }

    /** Commands a stop, gives every worker 2 s to obey, then kills the rest: no worker outlives the run. */
    private void reapWorkers(final WeightFile file)
    {
        file.command(Command.STOP);
        for (final WorkerHandle worker : workers)
        {
            try
            {
                if (!worker.awaitExit(2_000))
                {
                    worker.kill();
                    worker.awaitExit(EXIT_TIMEOUT_MS);
                }
            }
            catch (final InterruptedException ex)
            {
                worker.kill();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** On SIGINT/SIGTERM: stop the workers, mark the file interrupted, leave nothing running. */
    private void onShutdown()
    {
        final WeightFile file = weightFile;
        synchronized (endLock)
        {
            if (finished || file == null)
            {
                return;
            }
            interrupted = true;
        }
        file.runState(RunState.INTERRUPTED);
        reapWorkers(file);
        file.force();
        checkpoints.awaitQuietly(10_000);
    }

    /**
     * With worker processes, in a coordinator's JVM ({@link ThreadNice#enable}), sets the coordinator's threads
     * other than this one (which starts replacement workers, who inherit its nice value) 10 nicer than it, once
     * the first epoch's end has started the fork-join threads of the evaluation and the checkpoint writer
     * ({@link ThreadNice}). With worker threads nothing: they share the JVM's compiler threads, which must not
     * wait behind them.
     */
    private void giveWayToWorkers() throws InterruptedException
    {
        final int mainNice = ThreadNice.niceOf(ThreadNice.currentTid());
        if (threads() || !ThreadNice.enabled() || mainNice == Integer.MIN_VALUE)
        {
            nicedThreads = 0;
            return;
        }
        final int niceness = Math.min(19, mainNice + ThreadNice.COORDINATOR_NICENESS);
        nicedThreads = ThreadNice.renice(ThreadNice.otherThreads(), niceness);
        if (nicedThreads > 0)
        {
            log.accept(String.format(Locale.ROOT, "coordinator: %d threads besides the main one at nice %d, behind " +
                "the workers", nicedThreads, niceness));
        }
    }

    /**
     * Measures the proportional set size of the run's processes once the first epoch has touched the data:
     * shared mappings count once across them, so the sum is the run's real footprint.
     */
    private void measureMemory()
    {
        pssCoordinatorKb = Math.max(0, ProcessMemory.pssKb(ProcessHandle.current().pid()));
        pssWorkersKb = 0;
        if (!threads())
        {
            for (final WorkerHandle worker : workers)
            {
                pssWorkersKb += Math.max(0, ProcessMemory.pssKb(worker.pid()));
            }
        }
    }

    /** The PIDs of the processes that ran workers: one per worker process, the coordinator's for threads. */
    private List<Long> workerPids()
    {
        final List<Long> pids = new ArrayList<>();
        for (final WorkerHandle worker : workers)
        {
            if (!pids.contains(worker.pid()))
            {
                pids.add(worker.pid());
            }
        }
        return pids;
    }

    /** True when the workers are threads of this JVM ({@code --threads N}), false for processes. */
    private boolean threads()
    {
        return settings.threads() > 0;
    }

    private int workerCount()
    {
        return threads() ? settings.threads() : settings.procs();
    }
}
