package io.hogwild.spark;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.hogwild.common.settings.Settings;
import io.hogwild.coordinator.cli.HogwildCli;
import io.hogwild.coordinator.cli.SummaryText;
import io.hogwild.coordinator.cli.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hogwild spark}: the train options that mean something on Spark (from {@link Settings#OPTIONS})
 * and the Spark ones (from {@link SparkSettings#OPTIONS}), registered when the command line is built.
 */
@Command(
    name = "hogwild spark",
    mixinStandardHelpOptions = true,
    version = "hogwild 0.1.0",
    description = {
        "Trains a linear classifier by synchronous parallel SGD on Apache Spark (local[*] by default).",
        "",
        "Every iteration broadcasts the weights, each partition sums the gradients of its sampled rows, " +
            "treeAggregate adds them and the driver steps. The run directory receives settings.json, metrics.csv, " +
            "summary.json (mode spark) and model.txt, as train writes them."
    })
public final class SparkCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--settings", paramLabel = "FILE",
        description = "A properties file holding any of these options (name=value); the command line overrides it")
    private Path settingsFile;

    /** The command line of {@code hogwild spark}, with hogwild's error handling. */
    public static CommandLine commandLine()
    {
        final CommandLine commandLine = new CommandLine(new SparkCommand());
        final CommandSpec spec = commandLine.getCommandSpec();
        final java.util.Set<String> except = new java.util.HashSet<>(SparkSettings.TRAIN_ONLY);
        except.addAll(SparkSettings.REDESCRIBED);
        TrainCommand.addSettingsOptions(spec, except);
        for (final Settings.Option option : SparkSettings.OPTIONS)
        {
            spec.addOption(OptionSpec.builder(option.flag()).paramLabel(option.label()).type(String.class)
                .description(option.description() + (option.defaultValue().isEmpty() ? "" : " (default: " +
                    option.defaultValue() + ")")).build());
        }
        // The shared-memory options are hidden here, so that giving one gets SparkSettings' message, not
        // picocli's "unknown option".
        for (final String name : SparkSettings.TRAIN_ONLY)
        {
            spec.addOption(OptionSpec.builder("--" + name).paramLabel("X").type(String.class).hidden(true).build());
        }
        commandLine.setExecutionExceptionHandler(HogwildCli::handle);
        return commandLine;
    }

    @Override
    public Integer call() throws Exception
    {
        final Map<String, String> values = new LinkedHashMap<>();
        if (settingsFile != null)
        {
            values.putAll(Settings.readFile(settingsFile, SparkSettings.OPTIONS.stream().map(Settings.Option::name)
                .collect(java.util.stream.Collectors.toSet())));
        }
        values.putAll(TrainCommand.settingsValues(spec, null));
        final CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (final Settings.Option option : SparkSettings.OPTIONS)
        {
            final OptionSpec optionSpec = spec.findOption(option.name());
            if (parsed.hasMatchedOption(optionSpec))
            {
                values.put(option.name(), optionSpec.getValue());
            }
        }
        final Map<String, Object> summary = new SparkRun(SparkSettings.resolve(values), System.out).run();
        System.out.print(SummaryText.format(summary));
        System.out.flush();
        return HogwildCli.EXIT_OK;
    }
}
