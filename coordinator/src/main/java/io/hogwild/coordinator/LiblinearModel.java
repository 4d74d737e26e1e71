package io.hogwild.coordinator;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import io.hogwild.common.sgd.Loss;

/**
 * A binary linear model in liblinear's text format, so that liblinear's {@code predict} scores a hogwild
 * model and hogwild's {@code predict} scores a liblinear one: a header of key/value lines, {@code w},
 * then one weight per line, printed exactly ({@link Float#toString}) and locale-independently.
 *
 * @param weights one weight per feature (feature {@code u + 1} in LIBSVM numbering)
 * @param bias    liblinear's bias term value, or -1 for none (hogwild trains none)
 * @param positiveFirst true when the first label is +1 (a positive score predicts the first label)
 */
public record LiblinearModel(float[] weights, double bias, boolean positiveFirst)
{
    /** Writes a hogwild model; the solver type names liblinear's solver of the same loss. */
    public static void write(final Path file, final float[] weights, final Loss loss) throws IOException
    {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.US_ASCII))
        {
            out.write("solver_type " + (loss == Loss.HINGE ? "L2R_L1LOSS_SVC_DUAL" : "L2R_LR") + "\n");
            out.write("nr_class 2\n");
            out.write("label 1 -1\n");
            out.write("nr_feature " + weights.length + "\n");
            out.write("bias -1\n");
            out.write("w\n");
            for (final float w : weights)
            {
                out.write(Float.toString(w));
                out.write(" \n");
            }
        }
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a two-class model written by hogwild or liblinear. */
    public static LiblinearModel read(final Path file) throws IOException
    {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII))
        {
            int features = -1;
            double bias = -1;
            boolean positiveFirst = true;
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null)
            {
                lineNumber++;
                final String[] parts = line.trim().split("\\s+");
                switch (parts[0])
                {
                    case "nr_class" ->
                    {
                        if (!"2".equals(parts[1]))
                        {
                            throw new IOException(file + ":" + lineNumber + ": a model of " + parts[1] +
                                " classes; hogwild scores two-class models");
                        }
                    }
                    case "label" ->
                    {
                        if (parts.length != 3)
                        {
                            throw new IOException(file + ":" + lineNumber + ": expected two labels");
                        }
                        positiveFirst = Double.parseDouble(parts[1]) > Double.parseDouble(parts[2]);
                    }
                    case "nr_feature" -> features = Integer.parseInt(parts[1]);
                    case "bias" -> bias = Double.parseDouble(parts[1]);
                    case "w" ->
                    {
                        if (features < 0)
                        {
                            throw new IOException(file + ": no nr_feature line before the weights");
                        }
                        final int count = features + (bias >= 0 ? 1 : 0);
                        final float[] weights = new float[count];
                        for (int u = 0; u < count; u++)
                        {
                            final String value = in.readLine();
                            lineNumber++;
                            if (value == null)
                            {
                                throw new IOException(file + ": truncated: " + u + " of " + count + " weights");
                            }
                            try
                            {
                                weights[u] = Float.parseFloat(value.trim());
                            }
                            catch (final NumberFormatException ex)
                            {
                                throw new IOException(file + ":" + lineNumber + ": weight '" + value.trim() +
                                    "' is not a number");
                            }
                        }
                        return new LiblinearModel(weights, bias, positiveFirst);
                    }
                    default ->
                    {
                        // solver_type and any other header line: not needed to score.
                    }
                }
            }
            throw new IOException(file + ": not a liblinear model (no 'w' line)");
        }
        catch (final NoSuchFileException ex)
        {
            throw new IOException(file + ": no such model file", ex);
        }
        catch (final NumberFormatException | ArrayIndexOutOfBoundsException ex)
        {
            throw new IOException(file + ": not a liblinear model: " + ex.getMessage(), ex);
        }
    }

    /** Features the model has weights for (without the bias). */
    public int featureCount()
    {
        return bias >= 0 ? weights.length - 1 : weights.length;
    }
}
