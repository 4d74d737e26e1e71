package io.hogwild.coordinator.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import io.hogwild.common.util.Json;
import io.hogwild.common.weights.WeightFile;
import io.hogwild.coordinator.inspect.WeightReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hogwild inspect}: reads a weight file, live or finished, without disturbing the run. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = "Shows a weight file: header, run state, epoch, worker slots, weight statistics.")
public final class InspectCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WEIGHTS", description = "A weights.bin, or the run directory holding it")
    private Path weights;

    @Option(names = "--json", description = "Print one JSON object")
    private boolean json;

    @Option(names = "--top", paramLabel = "K", description = "Show the K largest weights by magnitude")
    private int top = 10;

    @Option(names = "--watch", description = "Print again every interval until the run ends (Ctrl-C to leave)")
    private boolean watch;

    @Option(names = "--interval", paramLabel = "MS", description = "Interval of --watch in milliseconds")
    private long intervalMs = 1_000;

    @Override
    public Integer call() throws Exception
    {
        final java.io.PrintWriter out = spec.commandLine().getOut();
        final Path file = Files.isDirectory(weights) ? weights.resolve("weights.bin") : weights;
        try (WeightFile weightFile = WeightFile.open(file, false))
        {
            while (true)
            {
                final Map<String, Object> report = WeightReport.of(weightFile, Math.max(0, top),
                    System.currentTimeMillis());
                out.print(json ? Json.write(report) : WeightReport.text(report));
                out.flush();
                final String state = String.valueOf(report.get("state"));
                if (!watch || !("INITIALISING".equals(state) || "RUNNING".equals(state)))
                {
                    return HogwildCli.EXIT_OK;
                }
                Thread.sleep(Math.max(50, intervalMs));
                if (!json)
                {
                    out.println();
                }
            }
        }
    }
}
