package io.hogwild.coordinator;

import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import io.hogwild.common.settings.Settings;

/**
 * A run's state after its last finished epoch, in {@code RUN_DIR/checkpoint/}: what {@code train --resume}
 * continues from. Written after every epoch: the weights ({@code weights-E.f32}, raw little-endian float32),
 * the best epoch's weights when there is a validation split ({@code best-E.f32}), then {@code state.properties}
 * by an atomic rename, which names the epoch and so commits the set; older files are removed after. The
 * shuffles need no state: each epoch's order is a function of (seed, worker, epoch).
 *
 * @param epoch                    the last finished epoch
 * @param nextStep                 the step size of the next epoch
 * @param bestLoss                 the best monitored loss so far
 * @param bestEpoch                its epoch
 * @param bestTrainLoss            that epoch's training loss
 * @param epochsWithoutImprovement the early-stopping count
 * @param samplesTotal             samples trained so far
 * @param trainSeconds             time spent in epochs so far
 * @param weights                  the weights after {@code epoch}
 * @param bestWeights              the best epoch's weights, null without a validation split
 * @param trainLoss                the training loss of {@code epoch}
 * @param elapsedSeconds           the {@code seconds} of {@code epoch}'s metrics row (time since training began)
 */
public record Checkpoint(int epoch, double nextStep, double bestLoss, int bestEpoch, double bestTrainLoss,
    int epochsWithoutImprovement, long samplesTotal, double trainSeconds, float[] weights, float[] bestWeights,
    double trainLoss, double elapsedSeconds)
{
    /** The directory in the run directory. */
    public static final String DIRECTORY = "checkpoint";
    private static final String STATE = "state.properties";
    private static final String SETTINGS = "settings.properties";

    /** Writes this checkpoint into {@code runDir}, replacing the previous one only once it is complete. */
    public void write(final Path runDir) throws IOException
    {
        final Path dir = Files.createDirectories(runDir.resolve(DIRECTORY));
        writeFloats(dir.resolve(weightsName(epoch)), weights);
        if (bestWeights != null)
        {
            writeFloats(dir.resolve(bestName(epoch)), bestWeights);
        }
        final Properties state = new Properties();
        state.setProperty("epoch", Integer.toString(epoch));
        state.setProperty("next_step", Double.toString(nextStep));
        state.setProperty("best_loss", Double.toString(bestLoss));
        state.setProperty("best_epoch", Integer.toString(bestEpoch));
        state.setProperty("best_train_loss", Double.toString(bestTrainLoss));
        state.setProperty("epochs_without_improvement", Integer.toString(epochsWithoutImprovement));
        state.setProperty("samples_total", Long.toString(samplesTotal));
        state.setProperty("train_seconds", Double.toString(trainSeconds));
        state.setProperty("train_loss", Double.toString(trainLoss));
        state.setProperty("elapsed_seconds", Double.toString(elapsedSeconds));
        state.setProperty("dimension", Integer.toString(weights.length));
        state.setProperty("has_best_weights", Boolean.toString(bestWeights != null));
        final Path temp = dir.resolve(STATE + ".tmp");
        final java.io.StringWriter text = new java.io.StringWriter();
        state.store(text, "hogwild checkpoint: the state after epoch " + epoch);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temp, dir.resolve(STATE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The rename reaches the disk before the previous checkpoint's files go.
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ))
        {
            directory.force(true);
        }
        catch (final IOException ex)
        {
            // Some file systems cannot sync a directory; the rename is then as durable as they make it.
        }
        try (var files = Files.list(dir))
        {
            for (final Path file : files.toList())
            {
                final String name = file.getFileName().toString();
                if (name.endsWith(".f32") && !name.equals(weightsName(epoch)) && !name.equals(bestName(epoch)))
                {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Whether {@code runDir} holds a checkpoint. */
    public static boolean exists(final Path runDir)
    {
        return Files.isRegularFile(runDir.resolve(DIRECTORY).resolve(STATE));
    }

    /**
     * Reads the checkpoint of {@code runDir}.
     *
     * @throws RunFailedException naming the file when the checkpoint is missing, incomplete or corrupt
     */
    public static Checkpoint read(final Path runDir) throws IOException
    {
        final Path dir = runDir.resolve(DIRECTORY);
        final Path statePath = dir.resolve(STATE);
        final Properties state = new Properties();
        try (Reader reader = Files.newBufferedReader(statePath, StandardCharsets.UTF_8))
        {
            state.load(reader);
        }
        catch (final NoSuchFileException ex)
        {
            throw new RunFailedException(runDir + " has no checkpoint (" + statePath + "): the run did not finish " +
                "an epoch, so there is nothing to resume; start it again");
        }
        try
        {
            final int epoch = Integer.parseInt(state.getProperty("epoch"));
            final int dimension = Integer.parseInt(state.getProperty("dimension"));
            final float[] weights = readFloats(dir.resolve(weightsName(epoch)), dimension);
            final float[] best = Boolean.parseBoolean(state.getProperty("has_best_weights")) ?
                readFloats(dir.resolve(bestName(epoch)), dimension) : null;
            return new Checkpoint(epoch, Double.parseDouble(state.getProperty("next_step")),
                Double.parseDouble(state.getProperty("best_loss")), Integer.parseInt(state.getProperty("best_epoch")),
                Double.parseDouble(state.getProperty("best_train_loss")),
                Integer.parseInt(state.getProperty("epochs_without_improvement")),
                Long.parseLong(state.getProperty("samples_total")),
                Double.parseDouble(state.getProperty("train_seconds")), weights, best,
                Double.parseDouble(state.getProperty("train_loss")),
                Double.parseDouble(state.getProperty("elapsed_seconds")));
        }
        catch (final NumberFormatException | NullPointerException ex)
        {
            throw new RunFailedException(statePath + " is corrupt (" + ex.getMessage() + "); cannot resume");
        }
    }

    /** Writes the settings a run was started with, for {@code --resume}. */
    public static void writeSettings(final Path runDir, final Settings settings) throws IOException
    {
        final Path dir = Files.createDirectories(runDir.resolve(DIRECTORY));
        settings.writeFile(dir.resolve(SETTINGS), "hogwild: the settings of this run, as train --resume reads them");
    }

    /** The settings of the run in {@code runDir}, by option name. */
    public static Map<String, String> readSettings(final Path runDir)
    {
        final Path file = runDir.resolve(DIRECTORY).resolve(SETTINGS);
        if (!Files.isRegularFile(file))
        {
            throw new RunFailedException(runDir + " is not a run directory that can be resumed: " + file + " is missing");
        }
        return new LinkedHashMap<>(Settings.readFile(file));
    }

    private static String weightsName(final int epoch)
    {
        return String.format(Locale.ROOT, "weights-%d.f32", epoch);
    }

    private static String bestName(final int epoch)
    {
        return String.format(Locale.ROOT, "best-%d.f32", epoch);
    }

    private static void writeFloats(final Path target, final float[] values) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        final Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static float[] readFloats(final Path file, final int dimension) throws IOException
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            throw new RunFailedException("the checkpoint is incomplete: " + file + " is missing; cannot resume");
        }
        if (bytes.length != (long)dimension * Float.BYTES)
        {
            throw new RunFailedException(file + " holds " + bytes.length + " bytes, not the " +
                (long)dimension * Float.BYTES + " of " + dimension + " weights: the checkpoint is corrupt; cannot resume");
        }
        final float[] values = new float[dimension];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
