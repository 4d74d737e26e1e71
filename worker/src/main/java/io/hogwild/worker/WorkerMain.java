package io.hogwild.worker;

import java.nio.file.Path;
import java.nio.file.Paths;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.weights.WeightFile;

/**
 * The {@code main} of a worker JVM: {@code WorkerMain WEIGHT_FILE DATASET_FILE INDEX}. The coordinator
 * hands it only the two paths and its index; all else it reads from the weight file.
 *
 * <p>Exit codes: 0 after the stop command, {@value #EXIT_COORDINATOR_GONE} when the coordinator vanished,
 * {@value #EXIT_ERROR} on an error (reported on stderr, which the coordinator shows).
 */
public final class WorkerMain
{
    public static final int EXIT_ERROR = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_COORDINATOR_GONE = 3;

    private WorkerMain()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length != 3)
        {
            System.err.println("usage: WorkerMain WEIGHT_FILE DATASET_FILE INDEX");
            System.exit(EXIT_USAGE);
        }
        final Path weightPath = Paths.get(args[0]);
        final Path dataPath = Paths.get(args[1]);
        final int index;
        try
        {
            index = Integer.parseInt(args[2]);
        }
        catch (final NumberFormatException ex)
        {
            System.err.println("worker index must be a whole number, was '" + args[2] + "'");
            System.exit(EXIT_USAGE);
            return;
        }
        int exitCode;
        try (WeightFile file = WeightFile.open(weightPath, true);
            Dataset data = Dataset.open(dataPath))
        {
            // A fresh process maps the dataset with empty page tables: fill them during start-up, not epoch 1.
            // (Worker threads share the coordinator's mapping, which verify() has already walked.)
            data.touchPages();
            final Worker.Outcome outcome = new Worker(file, data, index).run();
            if (outcome == Worker.Outcome.COORDINATOR_GONE)
            {
                System.err.println("coordinator " + file.coordinatorPid() + " is gone; worker " + index + " exits");
                exitCode = EXIT_COORDINATOR_GONE;
            }
            else
            {
                exitCode = 0;
            }
        }
        catch (final RuntimeException ex)
        {
            System.err.println("worker " + index + " failed: " + ex);
            ex.printStackTrace();
            exitCode = EXIT_ERROR;
        }
        System.exit(exitCode);
    }
}
