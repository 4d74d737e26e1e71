package io.hogwild.coordinator.compare;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.hogwild.common.data.CsrChunk;
import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import io.hogwild.common.settings.Settings;
import io.hogwild.common.weights.WeightFile;
import io.hogwild.coordinator.TrainingRun;

/**
 * Measures how many updates a worker set-up loses, with the real kernel, workers and {@code --sync} mode on
 * the real rows' sparsity pattern.
 *
 * <p>The probe data has the training rows' feature indices with every value 1 and every label +1. One epoch
 * of {@link io.hogwild.common.sgd.Loss#COUNT} with step 1 and no regulariser then adds exactly 1 to each
 * weight a sample touches (float32 counts exactly up to 2^24), so after the epoch the weights sum to the
 * number of non-zeros trained, less every update that another worker overwrote. The fraction lost is an
 * estimate for the training run with the same set-up: the same memory accesses at nearly the same pace
 * (the probe's loss costs less than hinge or logistic).
 */
public final class LostUpdateProbe
{
    private static final int ROWS_PER_CHUNK = 1 << 16;

    private final Path probeData;
    private final long nonzeros;

    private LostUpdateProbe(final Path probeData, final long nonzeros)
    {
        this.probeData = probeData;
        this.nonzeros = nonzeros;
    }

    /** Writes the probe data of {@code train} to {@code target}. */
    public static LostUpdateProbe prepare(final Dataset train, final Path target) throws IOException
    {
        final List<CsrChunk> chunks = new ArrayList<>();
        CsrChunk chunk = new CsrChunk();
        // The rows go in in the source's order, so the writer, shuffling the same number of rows the same way,
        // stores them in the training file's order: the probe walks the same memory in the same sequence.
        for (final int row : train.rowsInSourceOrder())
        {
            // The row's hot features come first, so its indices are not ascending throughout; the probe's
            // rows are the training rows, so the writer finds the same hot features and keeps that order.
            for (long k = train.rowStart(row); k < train.rowStart(row + 1); k++)
            {
                chunk.addFeature(train.index(k), 1.0f);
            }
            chunk.endRow(1);
            if (chunk.rows() == ROWS_PER_CHUNK)
            {
                chunks.add(chunk);
                chunk = new CsrChunk();
            }
        }
        chunks.add(chunk);
        DatasetWriter.write(target, chunks, train.dimension(), SourceInfo.GENERATED);
        return new LostUpdateProbe(target, train.nnz());
    }

    /** The updates of one probe epoch and how many of them arrived. */
    public record Result(long expected, double arrived)
    {
        /** The share of updates lost, in [0, 1]. */
        public double lostFraction()
        {
            return (expected - arrived) / expected;
        }
    }

    /**
     * Runs one probe epoch with the worker set-up of {@code settings} (mode, workers, sync, seed).
     *
     * @param dimension the weight count of the training runs
     * @param runDir    a new run directory for the probe's own outputs
     */
    public Result run(final Settings settings, final long dimension, final Path runDir)
        throws IOException, InterruptedException
    {
        final Settings probe = settings.forLostUpdateProbe(probeData, dimension, runDir);
        new TrainingRun(probe, new PrintStream(OutputStream.nullOutputStream())).run();
        double arrived = 0;
        try (WeightFile file = WeightFile.open(runDir.resolve("weights.bin"), false))
        {
            for (final float count : file.copyWeights())
            {
                arrived += count;
            }
        }
        return new Result(nonzeros, arrived);
    }
}
