package io.hogwild.coordinator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Set;

import io.hogwild.common.data.DatasetFileException;
import io.hogwild.common.data.LibsvmFormatException;
import io.hogwild.common.settings.SettingsException;
import io.hogwild.common.weights.WeightFileException;
import io.hogwild.coordinator.RunFailedException;
import io.hogwild.coordinator.ThreadNice;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hogwild} command line. {@code hogwild [COMMAND] [OPTIONS]}; with no command, or when the first
 * argument is an option, the command is {@code train}. Exit codes: 0 success, 1 a run or an input that
 * failed, 2 a usage error or a setting out of range (nothing was started).
 */
@Command(
    name = "hogwild",
    mixinStandardHelpOptions = true,
    version = "hogwild 0.1.0",
    description = "Lock-free parallel SGD (Hogwild!) for sparse linear models on one machine.",
    footer = {"", "And, from its own class path (Spark is never loaded by the commands above):",
        "  spark     Synchronous parallel SGD on Apache Spark, local[*] or a cluster;",
        "            see ./run.sh spark --help"},
    subcommands = {
        TrainCommand.class,
        CompareCommand.class,
        ConvertCommand.class,
        GenerateCommand.class,
        InspectCommand.class,
        PredictCommand.class,
        CommandLine.HelpCommand.class
    })
public final class HogwildCli implements Runnable
{
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    @Override
    public void run()
    {
        new CommandLine(this).usage(System.out);
    }

    public static void main(final String[] args)
    {
        ParentWatch.start();
        // This JVM is a coordinator and nothing else: its training runs may set their threads behind the workers.
        ThreadNice.enable();
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests: it never exits the JVM). */
    public static int execute(final String... args)
    {
        final CommandLine commandLine = commandLine();
        return commandLine.execute(withDefaultCommand(args));
    }

    /** Runs the command line with its output and errors sent to the given writers (for tests). */
    public static int execute(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine commandLine = commandLine();
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(withDefaultCommand(args));
    }

    /** The configured command line, with the error handling that maps failures to messages and exit codes. */
    public static CommandLine commandLine()
    {
        final CommandLine commandLine = new CommandLine(new HogwildCli());
        TrainCommand.addSettingsOptions(commandLine.getSubcommands().get("train").getCommandSpec());
        TrainCommand.addSettingsOptions(commandLine.getSubcommands().get("compare").getCommandSpec(),
            CompareCommand.CELL_SETTINGS);
        commandLine.setExecutionExceptionHandler(HogwildCli::handle);
        return commandLine;
    }

    /** {@code hogwild --procs 8} means {@code hogwild train --procs 8}; so does a bare {@code hogwild}. */
    public static String[] withDefaultCommand(final String[] args)
    {
        if (args.length == 0 || (args[0].startsWith("-") && !TOP_LEVEL_OPTIONS.contains(args[0])))
        {
            final String[] withTrain = new String[args.length + 1];
            withTrain[0] = "train";
            System.arraycopy(args, 0, withTrain, 1, args.length);
            return withTrain;
        }
        return Arrays.copyOf(args, args.length);
    }

    /** Maps a command's failure to a one-line message and an exit code (no stack trace for expected failures). */
    public static int handle(final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parsed)
    {
        final PrintWriter err = commandLine.getErr();
        if (ex instanceof SettingsException)
        {
            err.println("hogwild: " + ex.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        if (ex instanceof LibsvmFormatException || ex instanceof DatasetFileException ||
            ex instanceof WeightFileException || ex instanceof RunFailedException || ex instanceof IOException)
        {
            err.println("hogwild: " + ex.getMessage());
            err.flush();
            return EXIT_FAILED;
        }
        err.println("hogwild: unexpected error: " + ex);
        ex.printStackTrace(err);
        err.flush();
        return EXIT_FAILED;
    }
}
