package io.hogwild.spark;

/**
 * Entry point of {@code hogwild spark}: {@code ./run.sh spark [OPTIONS]} on this machine, or the main class
 * of {@code hogwild-spark-submit.jar} under {@code spark-submit}. A separate main from the shared-memory
 * command line, so that {@code ./run.sh --procs 8} never has Spark on its class path.
 */
public final class SparkMain
{
    private SparkMain()
    {
    }

    public static void main(final String[] args)
    {
        final String[] rest = args.length > 0 && "spark".equals(args[0]) ?
            java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        System.exit(SparkCommand.commandLine().execute(rest));
    }
}
