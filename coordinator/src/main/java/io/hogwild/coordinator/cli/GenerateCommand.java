package io.hogwild.coordinator.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;

import io.hogwild.common.data.SyntheticData;
import io.hogwild.common.settings.SettingsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code hogwild generate}: an RCV1-shaped synthetic train/test pair in LIBSVM format. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
        "Writes an RCV1-shaped synthetic train/test pair in LIBSVM format.",
        "",
        "Power-law feature frequencies, L2-normalised tf-idf-like rows, labels from a hidden linear separator "
            + "with 3 %% flipped. Files: PREFIX.train.libsvm and PREFIX.test.libsvm."
    })
public final class GenerateCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--rows", paramLabel = "N", description = "Training rows")
    private long rows = SyntheticData.RCV1_TRAIN_ROWS;

    @Option(names = "--test-rows", paramLabel = "N", description = "Test rows")
    private long testRows = SyntheticData.RCV1_TEST_ROWS;

    @Option(names = "--features", paramLabel = "D", description = "Number of features")
    private int features = SyntheticData.RCV1_FEATURES;

    @Option(names = "--nnz", paramLabel = "K", description = "Mean non-zeros per row")
    private int nnz = SyntheticData.RCV1_NNZ_PER_ROW;

    @Option(names = "--seed", paramLabel = "S", description = "Seed")
    private long seed = 1;

    @Option(names = {"-o", "--output"}, paramLabel = "PREFIX", required = true, description = "Output prefix")
    private String prefix;

    @Override
    public Integer call() throws Exception
    {
        final java.io.PrintWriter out = spec.commandLine().getOut();
        if (rows < 1 || testRows < 0 || features < 1 || nnz < 1)
        {
            throw new SettingsException("--rows, --features and --nnz must be positive and --test-rows not negative");
        }
        final SyntheticData generator = new SyntheticData(features, nnz, seed);
        final Path train = Paths.get(prefix + ".train.libsvm");
        final Path test = Paths.get(prefix + ".test.libsvm");
        generator.writeLibsvm(train, rows, seed + 1);
        generator.writeLibsvm(test, testRows, seed + 2);
        out.println("wrote " + train + " (" + rows + " rows) and " + test + " (" + testRows + " rows)");
        out.flush();
        return HogwildCli.EXIT_OK;
    }
}
