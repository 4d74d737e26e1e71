package io.hogwild.bench;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.sgd.DataSplit;
import io.hogwild.common.sgd.Deferral;
import io.hogwild.common.sgd.EpochChunks;
import io.hogwild.common.sgd.Loss;
import io.hogwild.common.sgd.Regularisation;
import io.hogwild.common.sgd.SgdKernel;
import io.hogwild.common.sgd.SyncMode;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One JVM running the product's kernel, as one worker runs it, on weights of its own for a fixed time, printing
 * samples/s. bench/ceiling.sh starts one of these alone and then N at once: their summed rate over the lone
 * one's is how far work that shares nothing (no weights, no cache lines, no JVM) scales on the machine's cores,
 * the ceiling for any parallel SGD there. Time-bound rather than work-bound, so that the N runs overlap over
 * their whole measurement even when the cores run at different speeds.
 * <pre>
 *   java ... io.hogwild.bench.SoloKernel DATASET.hwd [warm-up seconds 3] [measured seconds 6] [worker 0]
 * </pre>
 */
public final class SoloKernel
{
    private SoloKernel()
    {
    }

    public static void main(final String[] args)
    {
        final Path file = Path.of(args[0]);
        final double warmUpSeconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        final double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 6;
        final int worker = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        try (Dataset data = Dataset.open(file))
        {
            data.verify();
            data.touchPages();
            final int dimension = (int)data.dimension();
            final float[] coefficients = Regularisation.coefficients(data, 1, 0, DeferralExperiment.LAMBDA, dimension);
            final UnsafeBuffer weights = new UnsafeBuffer(ByteBuffer.allocateDirect(dimension * Float.BYTES));
            final UnsafeBuffer regularisation = BenchData.offHeapFloats(coefficients);
            // As a lone lock-free worker runs it: deferring where Deferral.of says so, in a worker's pieces, storing
            // at the intervals.
            final Deferral deferral = Deferral.of(SyncMode.LOCKFREE, 1, data);
            final int interval = deferral.coldStoreSamples(1, data);
            final SgdKernel kernel = new SgdKernel(data, weights, regularisation, Loss.HINGE, 1, SyncMode.LOCKFREE,
                null, deferral, deferral.hotStoreSamples(1), interval);
            final int slice = EpochChunks.CHUNK_SAMPLES;
            // The whole data set in the product's block order (each JVM its own seed), walked round and round.
            final int block = DeferralExperiment.block(data);
            final int[] shard = DataSplit.shard(data, 1, 0, 0, 1, block);
            final int[] order = DeferralExperiment.inBlockOrder(shard, block, worker, 1);
            train(kernel, order, slice, warmUpSeconds);
            System.out.printf(Locale.ROOT, "%.0f%n", train(kernel, order, slice, seconds));
        }
    }

    /** Trains for about {@code seconds}, {@code slice} samples a call; returns samples/s. */
    private static double train(final SgdKernel kernel, final int[] order, final int slice, final double seconds)
    {
        final long startNs = System.nanoTime();
        final long endNs = startNs + (long)(seconds * 1e9);
        long samples = 0;
        int from = 0;
        long now;
        do
        {
            final int to = Math.min(order.length, from + slice);
            kernel.trainDeferring(order, from, to, 0.01);
            samples += to - from;
            from = to == order.length ? 0 : to;
            now = System.nanoTime();
        }
        while (now < endNs);
        return samples / ((now - startNs) / 1e9);
    }
}
