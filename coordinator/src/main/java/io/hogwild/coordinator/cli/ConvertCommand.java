package io.hogwild.coordinator.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.hogwild.common.data.DatasetCache;
import io.hogwild.common.data.LibsvmParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hogwild convert IN -o OUT}: LIBSVM text to a binary dataset file. */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = "Converts LIBSVM text to a binary dataset file (CSR, mapped by every worker).")
public final class ConvertCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "LIBSVM file")
    private Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true, description = "Dataset file to write")
    private Path output;

    @Option(names = "--threads", paramLabel = "N", description = "Parser threads (default: the number of cores)")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception
    {
        final java.io.PrintWriter out = spec.commandLine().getOut();
        final long start = System.nanoTime();
        final LibsvmParser.Result result = DatasetCache.convert(input, output, Math.max(1, threads), 0);
        final double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "%s -> %s: %,d rows, %,d non-zeros, %,d features; %.2f s (%.0f MB/s)%n",
            input, output, result.rows(), result.nnz(), result.dimension(), seconds,
            result.source().length() / 1e6 / seconds);
        out.flush();
        return HogwildCli.EXIT_OK;
    }
}
