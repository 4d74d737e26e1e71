package io.hogwild.common.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Synthetic data in the shape of RCV1 as the Hogwild! paper used it: power-law (Zipf) feature
 * frequencies, tf-idf-like values, rows normalised to unit L2 norm, and labels from a hidden linear
 * separator with a few percent of them flipped. The same instance makes train and test rows from one
 * separator; every row is a pure function of the seeds, so a split is reproducible anywhere.
 */
public final class SyntheticData
{
    /** RCV1 as split in the Hogwild! paper. */
    public static final long RCV1_TRAIN_ROWS = 781_265;
    public static final long RCV1_TEST_ROWS = 23_149;
    public static final int RCV1_FEATURES = 47_236;
    public static final int RCV1_NNZ_PER_ROW = 76;
    /** Fraction of labels flipped, so that no separator is perfect. */
    public static final double LABEL_NOISE = 0.03;
    /** Version of the generator: data generated with another version differs, so caches name it. */
    public static final int VERSION = 2;
    /** Rows drawn to place the separator's threshold at the median margin (balanced classes). */
    private static final int CALIBRATION_ROWS = 2_000;

    /** Receives one generated row; the arrays are reused for the next row. */
    public interface RowSink
    {
        void row(int label, int[] indices, float[] values, int count) throws IOException;
    }

    private final int features;
    private final int nnzPerRow;
    private final double[] cumulative;
    private final int[] featureOfRank;
    private final float[] idf;
    private final float[] separator;
    private double threshold;

    public SyntheticData(final int features, final int nnzPerRow, final long seed)
    {
        if (features < 1 || nnzPerRow < 1)
        {
            throw new IllegalArgumentException("features and non-zeros per row must be positive");
        }
        this.features = features;
        this.nnzPerRow = Math.min(nnzPerRow, features);
        final SplittableRandom random = new SplittableRandom(seed);
        cumulative = new double[features];
        double sum = 0;
        for (int rank = 0; rank < features; rank++)
        {
            sum += 1.0 / (rank + 1.0);
            cumulative[rank] = sum;
        }
        featureOfRank = new int[features];
        idf = new float[features];
        for (int rank = 0; rank < features; rank++)
        {
            featureOfRank[rank] = rank;
            final double documentFrequency = Math.min(1.0, this.nnzPerRow * (1.0 / (rank + 1.0)) / sum);
            idf[rank] = (float)(1.0 + Math.log(1.0 / documentFrequency));
        }
        for (int i = features - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = featureOfRank[i];
            featureOfRank[i] = featureOfRank[j];
            featureOfRank[j] = t;
        }
        // The label depends on the frequent eighth of the vocabulary, as topic labels depend mostly on
        // words that occur often enough to be learnt; rare words carry a little signal too.
        separator = new float[features];
        for (int rank = 0; rank < features; rank++)
        {
            separator[featureOfRank[rank]] = (float)(gaussian(random) * (rank < Math.max(1, features / 8) ? 1.0 : 0.1));
        }
        // The most frequent features sit in nearly every row, so the margins are not centred on 0: put
        // the threshold at the median margin of a calibration sample, so that classes are balanced.
        final double[] margins = new double[CALIBRATION_ROWS];
        final int[] count = {0};
        try
        {
            generate(CALIBRATION_ROWS, seed ^ 0x5EEDL, (label, indices, values, n) ->
            {
                double margin = 0;
                for (int k = 0; k < n; k++)
                {
                    margin += separator[indices[k]] * values[k];
                }
                margins[count[0]++] = margin;
            });
        }
        catch (final IOException impossible)
        {
            throw new IllegalStateException(impossible);
        }
        java.util.Arrays.sort(margins);
        threshold = margins[CALIBRATION_ROWS / 2];
    }

    public int features()
    {
        return features;
    }

    /** Generates {@code rows} rows from the stream {@code streamSeed} (use different seeds for train and test). */
    public void generate(final long rows, final long streamSeed, final RowSink sink) throws IOException
    {
        final SplittableRandom random = new SplittableRandom(streamSeed);
        final int maxCount = Math.min(features, nnzPerRow * 4);
        final long[] packed = new long[maxCount];
        final int[] indices = new int[maxCount];
        final float[] values = new float[maxCount];
        final int[] ranks = new int[maxCount];
        final double total = cumulative[features - 1];
        for (long r = 0; r < rows; r++)
        {
            final int count = (int)Math.max(1, Math.min(maxCount,
                Math.round(nnzPerRow * Math.exp(0.5 * gaussian(random) - 0.125))));
            int n = 0;
            while (n < count)
            {
                int rank = Arrays.binarySearch(cumulative, random.nextDouble() * total);
                rank = rank >= 0 ? rank : Math.min(features - 1, -rank - 1);
                boolean seen = false;
                for (int k = 0; k < n; k++)
                {
                    if (ranks[k] == rank)
                    {
                        seen = true;
                        break;
                    }
                }
                if (!seen)
                {
                    ranks[n++] = rank;
                }
            }
            double norm = 0;
            double margin = 0;
            for (int k = 0; k < n; k++)
            {
                final int termFrequency = 1 + (int)(-Math.log(1.0 - random.nextDouble()) * 1.5);
                final float value = (float)(Math.log1p(termFrequency) * idf[ranks[k]]);
                final int feature = featureOfRank[ranks[k]];
                packed[k] = ((long)feature << 32) | (Float.floatToRawIntBits(value) & 0xFFFFFFFFL);
                norm += (double)value * value;
            }
            Arrays.sort(packed, 0, n);
            final double scale = 1.0 / Math.sqrt(norm);
            for (int k = 0; k < n; k++)
            {
                indices[k] = (int)(packed[k] >>> 32);
                values[k] = (float)(Float.intBitsToFloat((int)packed[k]) * scale);
                margin += separator[indices[k]] * values[k];
            }
            int label = margin >= threshold ? 1 : -1;
            if (random.nextDouble() < LABEL_NOISE)
            {
                label = -label;
            }
            sink.row(label, indices, values, n);
        }
    }

    /** Generates rows into a block for {@link DatasetWriter}. */
    public CsrChunk generate(final long rows, final long streamSeed) throws IOException
    {
        final CsrChunk chunk = new CsrChunk();
        generate(rows, streamSeed, (label, indices, values, count) ->
        {
            for (int k = 0; k < count; k++)
            {
                chunk.addFeature(indices[k], values[k]);
            }
            chunk.endRow(label);
        });
        return chunk;
    }

    /** Writes rows as LIBSVM text (1-based indices). */
    public void writeLibsvm(final Path file, final long rows, final long streamSeed) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII))
        {
            final StringBuilder line = new StringBuilder(2048);
            generate(rows, streamSeed, (label, indices, values, count) ->
            {
                line.setLength(0);
                line.append(label > 0 ? "+1" : "-1");
                for (int k = 0; k < count; k++)
                {
                    line.append(' ').append(indices[k] + 1).append(':').append(values[k]);
                }
                line.append('\n');
                out.append(line);
            });
        }
    }

    private static double gaussian(final SplittableRandom random)
    {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        final double u = 1.0 - random.nextDouble();
        final double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }
}
