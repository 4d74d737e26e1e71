package io.hogwild.coordinator.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import io.hogwild.common.settings.Settings;
import io.hogwild.common.settings.SettingsException;
import io.hogwild.coordinator.TrainingRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hogwild train}: its options are made from {@link Settings#OPTIONS} when the command is built, so
 * that names, defaults and help text live in one place.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
        "Trains a linear classifier with worker processes sharing one lock-free weight file.",
        "",
        "N worker JVMs update one memory-mapped weight file without locks (Hogwild!). The run directory "
            + "receives settings.json, metrics.csv, summary.json, weights.bin and model.txt (liblinear format)."
    })
public final class TrainCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--settings", paramLabel = "FILE",
        description = "A properties file holding any train option (name=value, e.g. lr=0.05); the command line overrides it")
    private Path settingsFile;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
        description = "Continue an interrupted run from its last checkpoint, with its own settings (only -q may be given too)")
    private Path resume;

    public TrainCommand()
    {
    }

    /** Adds one option per setting to {@code spec}. */
    static void addSettingsOptions(final CommandSpec spec)
    {
        addSettingsOptions(spec, Set.of());
    }

    /** Adds one option per setting to {@code spec}, but for the names in {@code except}. */
    public static void addSettingsOptions(final CommandSpec spec, final Set<String> except)
    {
        for (final Settings.Option option : Settings.OPTIONS)
        {
            if (except.contains(option.name()))
            {
                continue;
            }
            final String defaultText = option.defaultValue().isEmpty() ? "" : " (default: " + option.defaultValue() + ")";
            final OptionSpec.Builder builder = "quiet".equals(option.name()) ?
                OptionSpec.builder("-q", "--quiet").arity("0").type(boolean.class)
                    .description("Print only the summary") :
                OptionSpec.builder(option.flag()).paramLabel(option.label()).type(String.class)
                    .description(option.description() + (option.description().contains("default") ? "" : defaultText));
            spec.addOption(builder.build());
        }
    }

    /** The settings given: defaults, overlaid by the settings file, overlaid by the command line. */
    static Settings resolveSettings(final CommandSpec spec, final Path settingsFile)
    {
        return Settings.resolve(settingsValues(spec, settingsFile));
    }

    /** The settings given as text, by name: the settings file overlaid by the command line. */
    public static Map<String, String> settingsValues(final CommandSpec spec, final Path settingsFile)
    {
        final Map<String, String> values = new LinkedHashMap<>();
        if (settingsFile != null)
        {
            values.putAll(Settings.readFile(settingsFile));
        }
        final CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (final Settings.Option option : Settings.OPTIONS)
        {
            final OptionSpec optionSpec = spec.findOption(option.name());
            if (optionSpec != null && parsed.hasMatchedOption(optionSpec))
            {
                values.put(option.name(), String.valueOf((Object)optionSpec.getValue()));
            }
        }
        return values;
    }

    @Override
    public Integer call() throws Exception
    {
        final TrainingRun run;
        if (resume != null)
        {
            final Map<String, String> given = settingsValues(spec, settingsFile);
            final boolean quiet = Boolean.parseBoolean(given.remove("quiet"));
            if (settingsFile != null || !given.isEmpty())
            {
                throw new SettingsException("--resume continues with the run's own settings; drop " +
                    (settingsFile != null ? "--settings" : "--" + given.keySet().iterator().next()));
            }
            run = TrainingRun.resume(resume, quiet, System.out);
        }
        else
        {
            run = new TrainingRun(resolveSettings(spec, settingsFile), System.out);
        }
        final Map<String, Object> summary = run.run();
        System.out.print(SummaryText.format(summary));
        System.out.flush();
        return HogwildCli.EXIT_OK;
    }
}
