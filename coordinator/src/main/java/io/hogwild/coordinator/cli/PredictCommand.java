package io.hogwild.coordinator.cli;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetCache;
import io.hogwild.coordinator.LiblinearModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code hogwild predict}: scores LIBSVM rows with a model in liblinear's format (hogwild's or liblinear's), or
 * straight from a weight file ({@code weights.bin}), which is checked as {@code inspect} checks it.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = "Scores LIBSVM data with a model: accuracy on stdout, one predicted label per row with -o.")
public final class PredictCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR|FILE", required = true,
        description = "A run directory (its model.txt), a model file in liblinear's format, or a weight file (weights.bin)")
    private Path model;

    @Option(names = "--data", paramLabel = "FILE", required = true, description = "LIBSVM data to score")
    private Path data;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write the predicted labels here")
    private Path output;

    @Override
    public Integer call() throws Exception
    {
        final java.io.PrintWriter out = spec.commandLine().getOut();
        final Path modelFile = Files.isDirectory(model) ? model.resolve("model.txt") : model;
        final LiblinearModel linear = isWeightFile(modelFile) ? fromWeightFile(modelFile) :
            LiblinearModel.read(modelFile);
        final Path datasetFile = DatasetCache.fromEnvironment().resolve(data,
            Runtime.getRuntime().availableProcessors(), line -> { });
        final float[] w = linear.weights();
        final int features = linear.featureCount();
        long correct = 0;
        long unseen = 0;
        try (Dataset rows = Dataset.open(datasetFile);
            BufferedWriter predictions = output == null ? null : Files.newBufferedWriter(output, StandardCharsets.US_ASCII))
        {
            rows.verify();
            // One prediction a line in the source's order; the file stores its rows shuffled.
            for (final int row : rows.rowsInSourceOrder())
            {
                double dot = linear.bias() >= 0 ? w[features] * linear.bias() : 0;
                boolean beyond = false;
                for (long k = rows.rowStart(row); k < rows.rowStart(row + 1); k++)
                {
                    final int index = rows.index(k);
                    if (index < features)
                    {
                        dot += w[index] * rows.value(k);
                    }
                    else
                    {
                        beyond = true;
                    }
                }
                final int predicted = (dot > 0) == linear.positiveFirst() ? 1 : -1;
                if (predicted == rows.label(row))
                {
                    correct++;
                }
                if (beyond)
                {
                    unseen++;
                }
                if (predictions != null)
                {
                    predictions.write(predicted > 0 ? "1\n" : "-1\n");
                }
            }
            out.printf(Locale.ROOT, "Accuracy = %.4f%% (%d/%d)%n", 100.0 * correct / rows.rows(), correct,
                rows.rows());
            if (unseen > 0)
            {
                out.printf(Locale.ROOT, "%d rows hold features beyond the model's %d (weighted 0)%n",
                    unseen, features);
            }
            out.flush();
        }
        return HogwildCli.EXIT_OK;
    }

    /** A weight file by its name or its magic: so that a corrupt one is refused as such, not read as text. */
    private static boolean isWeightFile(final Path file) throws java.io.IOException
    {
        if (file.getFileName().toString().endsWith(".bin"))
        {
            return true;
        }
        if (!Files.isRegularFile(file) || Files.size(file) < Long.BYTES)
        {
            return false;
        }
        try (java.io.InputStream in = Files.newInputStream(file))
        {
            final byte[] head = in.readNBytes(Long.BYTES);
            return java.nio.ByteBuffer.wrap(head).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong() ==
                io.hogwild.common.weights.WeightFileLayout.MAGIC;
        }
    }

    /** The weights of a weight file as a model without bias (label +1 when w . x > 0). */
    private static LiblinearModel fromWeightFile(final Path file)
    {
        try (io.hogwild.common.weights.WeightFile weights = io.hogwild.common.weights.WeightFile.open(file, false))
        {
            if (weights.runState() != io.hogwild.common.weights.RunState.FINISHED)
            {
                System.err.println("hogwild: note: " + file + " is from a run that is " + weights.runState() +
                    ", not FINISHED: these are the weights as they stand, not a finished model");
            }
            return new LiblinearModel(weights.copyWeights(), -1, true);
        }
    }
}
