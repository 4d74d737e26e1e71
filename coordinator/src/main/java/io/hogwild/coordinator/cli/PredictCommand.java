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

/** {@code hogwild predict}: scores LIBSVM rows with a model in liblinear's format (hogwild's or liblinear's). */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = "Scores LIBSVM data with a model: accuracy on stdout, one predicted label per row with -o.")
public final class PredictCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR|FILE", required = true,
        description = "A run directory (its model.txt) or a model file in liblinear's format")
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
        final LiblinearModel linear = LiblinearModel.read(modelFile);
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
            for (long row = 0; row < rows.rows(); row++)
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
}
