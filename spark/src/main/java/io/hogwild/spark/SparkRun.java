package io.hogwild.spark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.hogwild.common.settings.Settings;
import io.hogwild.common.settings.SettingsException;
import io.hogwild.common.sgd.Evaluation;
import io.hogwild.common.sgd.Loss;
import io.hogwild.common.util.Json;
import io.hogwild.coordinator.EpochRecord;
import io.hogwild.coordinator.LiblinearModel;
import io.hogwild.coordinator.RunDirectoryLock;
import io.hogwild.coordinator.RunFailedException;
import io.hogwild.coordinator.TrainingRun;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.optimization.GradientDescent;
import org.apache.spark.mllib.optimization.HingeGradient;
import org.apache.spark.mllib.optimization.LogisticGradient;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * One {@code hogwild spark} run: synchronous parallel SGD on Spark, with the run directory of
 * {@code train} (settings.json, metrics.csv, summary.json with mode "spark", model.txt).
 * <p>
 * Each iteration broadcasts the weights; every partition sums the loss gradients of its sampled rows
 * ({@link GradientSum}); {@code treeAggregate} adds the partitions' sums; the driver takes the step on
 * the mean gradient plus the L2 term. No update is ever lost or stale, which is what the shared-memory
 * trainer gives up for speed; the price is a barrier and a round trip of the whole weight vector per
 * iteration.
 */
public final class SparkRun
{
    /** Depth of the aggregation tree: partitions' sums meet on executors before the driver. */
    private static final int TREE_DEPTH = 2;

    private final SparkSettings settings;
    private final Settings training;
    private final PrintStream log;

    public SparkRun(final SparkSettings settings, final PrintStream log)
    {
        this.settings = settings;
        this.training = settings.training();
        this.log = log;
    }

    /** The Spark configuration: the master given unless spark-submit set one; quiet and local-only when embedded. */
    public SparkConf sparkConf()
    {
        final SparkConf conf = new SparkConf().setAppName("hogwild spark").setIfMissing("spark.master", settings.master());
        if (conf.get("spark.master").startsWith("local"))
        {
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.driver.host", "localhost");
        }
        return conf;
    }

    /**
     * The newest Java that Spark 4.0 starts on: its Hadoop client calls {@code Subject.getSubject} when a context
     * starts, which Java 23 and later refuse (and no flag brings back on 24+, where the Security Manager is gone).
     */
    static final int NEWEST_JAVA = 22;

    /** Refuses, before anything is written, a Java that Spark cannot start on (see {@link #NEWEST_JAVA}). */
    static void requireSupportedJava(final int feature, final String javaHome)
    {
        if (feature > NEWEST_JAVA)
        {
            throw new RunFailedException("spark needs Java 17 or 21, not Java " + feature + " (" + javaHome +
                "): Spark 4.0's Hadoop client calls Subject.getSubject, which Java 23 and later refuse. " +
                "Set JAVA_HOME to a Java 17 or 21; the other commands run on Java " + feature + " as they are");
        }
    }

    /** Trains and writes the run directory; returns summary.json's content. */
    public Map<String, Object> run() throws IOException
    {
        requireSupportedJava(Runtime.version().feature(), System.getProperty("java.home"));
        final long wallStartNs = System.nanoTime();
        final Path runDir = TrainingRun.createRunDirectory(training.out());
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(runDir);
             JavaSparkContext context = new JavaSparkContext(sparkConf()))
        {
            context.setLogLevel("WARN");
            return train(context, runDir, wallStartNs);
        }
    }

    private Map<String, Object> train(final JavaSparkContext context, final Path runDir, final long wallStartNs)
        throws IOException
    {
        final SparkData train = SparkData.load(context, settings.data(), settings.partitions());
        final SparkData test = settings.test() == null ? null : SparkData.load(context, settings.test(),
            settings.partitions());
        final int trainedDimension = train.maxIndex() + 1;
        final long dimension = training.dim() > 0 ? training.dim() :
            Math.max(trainedDimension, test == null ? 0 : test.maxIndex() + 1);
        if (dimension < trainedDimension)
        {
            throw new SettingsException("--dim " + dimension + " is smaller than the training data's largest feature " +
                "index " + trainedDimension);
        }
        if (dimension > Integer.MAX_VALUE - 8)
        {
            throw new SettingsException("dimension " + dimension + " is beyond what a Java array holds");
        }
        final long seed = training.seed();
        final double valFraction = training.valFraction();
        final long validationRows = train.shards().map(shard ->
        {
            long n = 0;
            for (int row = 0; row < shard.rows().rows(); row++)
            {
                n += shard.isValidation(row, seed, valFraction) ? 1 : 0;
            }
            return n;
        }).reduce(Long::sum);
        final long trainRows = train.rows() - validationRows;
        if (trainRows == 0)
        {
            throw new SettingsException("--val-fraction " + valFraction + " leaves no training rows of " + train.rows());
        }
        final double batchRows = trainRows * settings.batchFraction();
        final double firstStep = settings.firstStep(train.squaredNorms() / train.rows(), batchRows);
        final int partitions = train.shards().getNumPartitions();
        final double startupSeconds = (System.nanoTime() - wallStartNs) / 1e9;

        final Map<String, Object> effective = new LinkedHashMap<>(settings.toMap());
        effective.put("dim", dimension);
        effective.put("out", runDir.toString());
        effective.put("lr_first_step", firstStep);
        effective.put("partitions_used", partitions);
        Files.writeString(runDir.resolve("settings.json"), Json.write(effective));
        if (!training.quiet())
        {
            log.printf(Locale.ROOT, "hogwild spark: %,d train rows (%,d held out for validation), %,d features, %,d " +
                    "non-zeros; %d partitions on %s, engine %s, %s loss, %d iterations an epoch of %.0f rows each, " +
                    "first step %.4g; run directory %s%n", trainRows, validationRows, dimension, train.nnz(), partitions,
                context.master(), settings.engine().cliName(), training.loss().cliName(), settings.iterationsPerEpoch(),
                batchRows, firstStep, runDir);
        }

        final Epochs epochs = new Epochs(context, train, test, (int)dimension, trainedDimension, runDir);
        final long trainStartNs = System.nanoTime();
        try
        {
            if (settings.engine() == SparkSettings.Engine.MLLIB)
            {
                runMllib(train, (int)dimension, firstStep, epochs);
            }
            else
            {
                runSynchronous(context, train, (int)dimension, firstStep, epochs);
            }
        }
        finally
        {
            epochs.close();
        }
        final double trainSeconds = (System.nanoTime() - trainStartNs) / 1e9 - epochs.scoringSeconds;

        final Map<String, Object> summary = epochs.finish();
        summary.put("train_seconds", EpochRecord.threeDecimals(trainSeconds));
        summary.put("samples_per_second", Math.round(epochs.samplesTotal / trainSeconds));
        summary.put("nonzeros_per_second", Math.round(epochs.samplesTotal * ((double)train.nnz() / train.rows()) /
            trainSeconds));
        summary.put("startup_seconds", EpochRecord.threeDecimals(startupSeconds));
        summary.put("mode", "spark");
        summary.put("workers", partitions);
        summary.put("sync", "synchronous");
        summary.put("loss", training.loss().cliName());
        summary.put("engine", settings.engine().cliName());
        summary.put("master", context.master());
        summary.put("spark_version", context.version());
        summary.put("batch_fraction", settings.batchFraction());
        summary.put("iterations", epochs.iterations);
        summary.put("cores", context.defaultParallelism());
        summary.put("dimension", dimension);
        summary.put("train_rows", trainRows);
        summary.put("test_rows", test == null ? 0 : test.rows());
        summary.put("samples_total", epochs.samplesTotal);
        summary.put("run_dir", runDir.toString());
        LiblinearModel.write(runDir.resolve("model.txt"), epochs.modelAsFloats(), training.loss());
        summary.put("wall_seconds", EpochRecord.threeDecimals((System.nanoTime() - wallStartNs) / 1e9));
        Files.writeString(runDir.resolve("summary.json"), Json.write(summary));
        train.release();
        if (test != null)
        {
            test.release();
        }
        return summary;
    }

    /** This module's synchronous SGD: one broadcast and one treeAggregate per iteration. */
    private void runSynchronous(final JavaSparkContext context, final SparkData train, final int dimension,
        final double firstStep, final Epochs epochs) throws IOException
    {
        final Loss loss = training.loss();
        final long seed = training.seed();
        final double valFraction = training.valFraction();
        final double fraction = settings.batchFraction();
        final double lambda = training.lambda();
        final int perEpoch = settings.iterationsPerEpoch();
        final double[] weights = new double[dimension];
        final long trainStartNs = System.nanoTime();
        double step = firstStep;
        for (int epoch = 1; epoch <= training.epochs(); epoch++)
        {
            final long epochStartNs = System.nanoTime();
            double lossSum = 0;
            long samples = 0;
            for (int i = 0; i < perEpoch; i++)
            {
                final long iteration = (long)(epoch - 1) * perEpoch + i;
                final Broadcast<double[]> shared = context.broadcast(weights);
                final GradientSum sum = train.shards().treeAggregate(new GradientSum(),
                    (partial, shard) -> partial.add(shard, shared.value(), loss, seed, valFraction, fraction, iteration),
                    GradientSum::merge, TREE_DEPTH);
                shared.destroy();
                epochs.iterations++;
                if (sum.rows() == 0)
                {
                    continue;
                }
                // w <- w - step * (mean gradient + lambda * w): the whole L2 term, exactly, on the driver.
                final double shrink = 1 - step * lambda;
                final double scale = step / sum.rows();
                final double[] gradient = sum.gradient();
                for (int j = 0; j < dimension; j++)
                {
                    weights[j] = weights[j] * shrink - (gradient == null ? 0 : scale * gradient[j]);
                }
                lossSum += sum.lossSum();
                samples += sum.rows();
            }
            final double epochSeconds = (System.nanoTime() - epochStartNs) / 1e9;
            if (!epochs.done(epoch, step, samples == 0 ? Double.NaN : lossSum / samples, samples, epochSeconds,
                (System.nanoTime() - trainStartNs) / 1e9, weights, true))
            {
                break;
            }
            step *= training.decay();
        }
    }

    /**
     * Spark MLlib's own GradientDescent.runMiniBatchSGD, the loop SVMWithSGD runs (hinge) and that logistic
     * regression by SGD ran: step {@code firstStep / sqrt(t)}, SquaredL2Updater with regParam = lambda,
     * Bernoulli mini-batches of the same fraction, its own convergence test (tolerance 0.001). All
     * iterations run in one call, as MLlib runs them; an updater that passes every call through records the
     * weights at each epoch's end, and the epochs are scored after the call.
     */
    private void runMllib(final SparkData train, final int dimension, final double firstStep, final Epochs epochs)
        throws IOException
    {
        final long seed = training.seed();
        final double valFraction = training.valFraction();
        final JavaRDD<Tuple2<Object, Vector>> points = train.shards().flatMap(shard ->
        {
            final List<Tuple2<Object, Vector>> rows = new ArrayList<>();
            for (int row = 0; row < shard.rows().rows(); row++)
            {
                if (shard.isValidation(row, seed, valFraction))
                {
                    continue;
                }
                final int start = shard.rowStart(row);
                final int end = shard.rows().rowEnd(row);
                final int[] indices = new int[end - start];
                final double[] values = new double[end - start];
                for (int k = start; k < end; k++)
                {
                    indices[k - start] = shard.rows().index(k);
                    values[k - start] = shard.rows().value(k);
                }
                // MLlib's hinge and logistic gradients take labels 0 and 1.
                rows.add(new Tuple2<>(shard.rows().label(row) > 0 ? 1.0 : 0.0, Vectors.sparse(dimension, indices, values)));
            }
            return rows.iterator();
        }).persist(StorageLevel.MEMORY_ONLY());
        final long trainRows = points.count();
        final int perEpoch = settings.iterationsPerEpoch();
        final int total = perEpoch * training.epochs();
        final EpochTap tap = new EpochTap(perEpoch);
        final long startNs = System.nanoTime();
        final Tuple2<Vector, double[]> result = GradientDescent.runMiniBatchSGD(points.rdd(),
            training.loss() == Loss.HINGE ? new HingeGradient() : new LogisticGradient(), tap, firstStep, total,
            training.lambda(), settings.batchFraction(), Vectors.zeros(dimension));
        points.unpersist(false);
        epochs.iterations = tap.lastIteration();
        tap.finish(result._1().toArray(), System.nanoTime());
        final double[] history = result._2();
        long previousNs = startNs;
        final long samplesPerEpoch = Math.round(trainRows * settings.batchFraction() * perEpoch);
        for (int e = 0; e < tap.epochs(); e++)
        {
            final int epoch = tap.epoch(e);
            final int from = (epoch - 1) * perEpoch;
            final int to = Math.min(history.length, epoch * perEpoch);
            double lossSum = 0;
            for (int i = from; i < to; i++)
            {
                lossSum += history[i];
            }
            final double seconds = (tap.nanos(e) - previousNs) / 1e9;
            previousNs = tap.nanos(e);
            epochs.done(epoch, firstStep / Math.sqrt(Math.max(1, from + 1)), to > from ? lossSum / (to - from) : Double.NaN,
                samplesPerEpoch, seconds, (tap.nanos(e) - startNs) / 1e9, tap.weights(e), false);
        }
    }

    /** What every epoch produces, whichever engine ran it: scores, a metrics row, early stopping. */
    private final class Epochs
    {
        private final JavaSparkContext context;
        private final SparkData train;
        private final SparkData test;
        private final int trainedDimension;
        private final BufferedWriter metrics;
        private double scoringSeconds;
        private long samplesTotal;
        private long iterations;
        private double[] model;
        private double modelTrainLoss;
        private int epoch;
        private int bestEpoch;
        private double bestLoss = Double.POSITIVE_INFINITY;
        private int withoutImprovement;
        private boolean stoppedEarly;
        private Evaluation validation;
        private Evaluation testing;

        Epochs(final JavaSparkContext context, final SparkData train, final SparkData test, final int dimension,
            final int trainedDimension, final Path runDir) throws IOException
        {
            this.context = context;
            this.train = train;
            this.test = test;
            this.trainedDimension = trainedDimension;
            this.model = new double[dimension];
            this.metrics = Files.newBufferedWriter(runDir.resolve("metrics.csv"), StandardCharsets.UTF_8);
            metrics.write(EpochRecord.HEADER);
            metrics.newLine();
            metrics.flush();
        }

        /**
         * Scores the weights of {@code epoch}, writes its row and decides whether to go on.
         *
         * @param earlyStopping whether patience may stop the run (MLlib's loop cannot be stopped)
         * @return false to stop
         */
        boolean done(final int epoch, final double step, final double trainLoss, final long samples,
            final double epochSeconds, final double elapsedSeconds, final double[] weights, final boolean earlyStopping)
            throws IOException
        {
            final long scoringStartNs = System.nanoTime();
            checkFinite(weights, epoch, trainLoss);
            this.epoch = epoch;
            samplesTotal += samples;
            validation = score(train, weights, Scores.Rows.VALIDATION);
            testing = test == null ? null : score(test, weights, Scores.Rows.ALL);
            final EpochRecord record = new EpochRecord(epoch, elapsedSeconds, step, trainLoss, validation, testing,
                samples / epochSeconds, epochSeconds);
            metrics.write(record.csvRow());
            metrics.newLine();
            metrics.flush();
            if (!training.quiet())
            {
                log.println(record.logLine());
            }
            boolean goOn = true;
            final double monitored = validation.rows() > 0 ? validation.meanLoss() : trainLoss;
            if (!earlyStopping || bestLoss == Double.POSITIVE_INFINITY ||
                monitored < bestLoss - TrainingRun.MIN_RELATIVE_IMPROVEMENT * Math.abs(bestLoss))
            {
                bestLoss = Math.min(bestLoss, monitored);
                bestEpoch = epoch;
                withoutImprovement = 0;
                System.arraycopy(weights, 0, model, 0, model.length);
                modelTrainLoss = trainLoss;
            }
            else if (training.patience() > 0 && ++withoutImprovement >= training.patience())
            {
                stoppedEarly = epoch < training.epochs();
                if (stoppedEarly && !training.quiet())
                {
                    log.println("stopping early: no better validation loss for " + training.patience() + " epochs");
                }
                goOn = false;
            }
            scoringSeconds += (System.nanoTime() - scoringStartNs) / 1e9;
            return goOn;
        }

        /** The summary's scores, of the model kept (the best validation loss's epoch with early stopping). */
        Map<String, Object> finish()
        {
            if (bestEpoch != epoch && bestEpoch > 0)
            {
                validation = score(train, model, Scores.Rows.VALIDATION);
                testing = test == null ? null : score(test, model, Scores.Rows.ALL);
                if (!training.quiet())
                {
                    log.printf(Locale.ROOT, "keeping the weights of epoch %d, the best validation loss (%.4f)%n",
                        bestEpoch, validation.meanLoss());
                }
            }
            if (validation == null)
            {
                throw new RunFailedException("no epoch finished");
            }
            final Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("test_accuracy", testing == null ? null : testing.accuracy());
            summary.put("test_loss", testing == null ? null : testing.meanLoss());
            summary.put("val_accuracy", validation.accuracy());
            summary.put("val_loss", validation.meanLoss());
            summary.put("train_loss", modelTrainLoss);
            summary.put("epochs", epoch);
            summary.put("best_epoch", bestEpoch);
            summary.put("stopped_early", stoppedEarly);
            summary.put("val_rows", validation.rows());
            summary.put("test_rows_with_unseen_features", testing == null ? 0 : testing.unseenFeatureRows());
            return summary;
        }

        float[] modelAsFloats()
        {
            final float[] floats = new float[model.length];
            for (int j = 0; j < floats.length; j++)
            {
                floats[j] = (float)model[j];
            }
            return floats;
        }

        void close() throws IOException
        {
            metrics.close();
        }

        private Evaluation score(final SparkData data, final double[] weights, final Scores.Rows which)
        {
            final Loss loss = training.loss();
            final long seed = training.seed();
            final double valFraction = training.valFraction();
            final int trained = trainedDimension;
            final Broadcast<double[]> shared = context.broadcast(weights);
            try
            {
                final Scores scores = data.shards().aggregate(new Scores(),
                    (partial, shard) -> partial.add(shard, shared.value(), loss, which, seed, valFraction, trained),
                    Scores::merge);
                return scores.evaluation();
            }
            finally
            {
                shared.destroy();
            }
        }

        private void checkFinite(final double[] weights, final int epoch, final double trainLoss)
        {
            boolean finite = Double.isNaN(trainLoss) || Double.isFinite(trainLoss);
            for (int j = 0; finite && j < weights.length; j++)
            {
                finite = Double.isFinite(weights[j]);
            }
            if (!finite)
            {
                throw new RunFailedException("the weights became NaN or infinite in epoch " + epoch +
                    ": the step size is too large for this data; try a smaller --lr (was " +
                    (Double.isNaN(training.lr()) ? "auto" : training.lr()) + ")");
            }
        }
    }
}
