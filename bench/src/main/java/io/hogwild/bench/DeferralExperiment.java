package io.hogwild.bench;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetLayout;
import io.hogwild.common.settings.Settings;
import io.hogwild.common.sgd.DataSplit;
import io.hogwild.common.sgd.Deferral;
import io.hogwild.common.sgd.EpochChunks;
import io.hogwild.common.sgd.Loss;
import io.hogwild.common.sgd.Regularisation;
import io.hogwild.common.sgd.SgdKernel;
import io.hogwild.common.sgd.SyncMode;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Does keeping the writes off the shared weights between stores let lock-free workers scale? Runs N
 * threads over one shared weight vector with the product's kernel as it stores every update
 * ({@code plain}, {@link Deferral#NONE}), as it defers the hot features' updates ({@code hot}) and as it
 * defers every update ({@code all}; see {@link SgdKernel}), in alternation, and prints samples/s and the
 * training accuracy of each run; {@code private} gives every thread its own weights, sharing nothing, which
 * bounds what any scheme could reach on the machine (its accuracy is thread 0's model alone).
 * {@code -Dvariants=plain,hot} picks variants (bench/deferral.sh runs each in a JVM of its own: one JVM
 * compiles the kernel for every variant it has run). A kernel here defers with one thread too, as a lone worker
 * does only with {@code all} (where that applies); {@code plain} is the eager kernel of two walks a sample
 * ({@code --sync lockfree-eager}), not the fused one a lone worker ran before it deferred. The dataset file
 * records which features are hot.
 * <pre>
 *   java ... io.hogwild.bench.DeferralExperiment DATASET.hwd [threads 1,2] [epochs 4] [rounds 3]
 * </pre>
 */
public final class DeferralExperiment
{
    /** The block length the product's default (--shuffle-block auto) takes on {@code data}. */
    static int block(final Dataset data)
    {
        return Settings.defaults().blockLength(data.rows(), data.nnz());
    }
    static final double LAMBDA = 1e-5;
    static final String[] VARIANTS = System.getProperty("variants", "plain,hot,all,private").split(",");

    private DeferralExperiment()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path file = Path.of(args[0]);
        final int[] threadCounts = java.util.Arrays.stream((args.length > 1 ? args[1] : "1,2").split(","))
            .mapToInt(Integer::parseInt).toArray();
        final int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        final int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        try (Dataset data = Dataset.open(file))
        {
            data.verify();
            data.touchPages();
            final int dimension = (int)data.dimension();
            final float[] coefficients = Regularisation.coefficients(data, 1, 0, LAMBDA, dimension);
            System.out.printf(Locale.ROOT, "%,d rows, %,d features, %,d hot (in >= 1/%d of the rows)%n", data.rows(),
                dimension, data.hotFeatureCount(), DatasetLayout.HOT_ROWS_PER_FEATURE);
            for (int round = 0; round <= rounds; round++)
            {
                for (final int threads : threadCounts)
                {
                    for (final String variant : VARIANTS)
                    {
                        final double[] result = run(data, coefficients, threads, epochs, variant);
                        if (round > 0) // round 0 warms the JIT up
                        {
                            System.out.printf(Locale.ROOT, "round %d  %d threads  %-8s  %,12.0f samples/s  accuracy %.4f%n",
                                round, threads, variant, result[0], result[1]);
                        }
                    }
                }
            }
        }
    }

    /** One run: {@code threads} workers, {@code epochs} epochs; returns {samples/s, training accuracy}. */
    private static double[] run(final Dataset data, final float[] coefficients, final int threads,
        final int epochs, final String variant) throws Exception
    {
        final int dimension = coefficients.length;
        final UnsafeBuffer weights = new UnsafeBuffer(ByteBuffer.allocateDirect(dimension * Float.BYTES));
        final UnsafeBuffer regularisation = BenchData.offHeapFloats(coefficients);
        final List<Runnable> workers = new ArrayList<>();
        final CyclicBarrier start = new CyclicBarrier(threads + 1);
        final CyclicBarrier end = new CyclicBarrier(threads + 1);
        long samples = 0;
        for (int w = 0; w < threads; w++)
        {
            final int[] shard = DataSplit.shard(data, 1, 0, w, threads, block(data));
            samples += (long)shard.length * epochs;
            final int worker = w;
            // "private": every thread its own weights, nothing shared: the ceiling of this machine's scaling.
            final UnsafeBuffer own = "private".equals(variant) && w > 0 ?
                new UnsafeBuffer(ByteBuffer.allocateDirect(dimension * Float.BYTES)) : weights;
            final Deferral deferral = "hot".equals(variant) ? Deferral.HOT : "all".equals(variant) ? Deferral.ALL :
                Deferral.NONE;
            final int interval = deferral.coldStoreSamples(threads, data);
            // "plain" is eager Hogwild!, as --sync lockfree-eager runs it (two walks a sample, not the fused one).
            final SgdKernel kernel = new SgdKernel(data, own, regularisation, Loss.HINGE, 1,
                "plain".equals(variant) ? SyncMode.LOCKFREE_EAGER : SyncMode.LOCKFREE, null, deferral,
                deferral.hotStoreSamples(threads), interval);
            // Slices as a worker's pieces (EpochChunks.CHUNK_SAMPLES: 4,096), stored at the intervals and at the end
            // of each epoch, as a worker stores them.
            final int slice = EpochChunks.CHUNK_SAMPLES;
            final Runnable body = () ->
            {
                final int[] order = new int[shard.length];
                final int block = block(data);
                final int[] blocks = new int[DataSplit.blockCount(shard.length, block)];
                double step = 0.1;
                for (int epoch = 1; epoch <= epochs; epoch++)
                {
                    DataSplit.blockOrder(shard, order, blocks, block, 1, worker, epoch);
                    for (int from = 0; from < order.length; from += slice)
                    {
                        kernel.trainDeferring(order, from, Math.min(order.length, from + slice), step);
                    }
                    kernel.store();
                    step *= 0.9;
                }
            };
            workers.add(body);
        }
        for (final Runnable body : workers)
        {
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                    body.run();
                    end.await();
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            thread.setDaemon(true);
            thread.start();
        }
        start.await();
        final long startNs = System.nanoTime();
        end.await();
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        long correct = 0;
        final long scored = Math.min(data.rows(), 100_000);
        for (long row = 0; row < scored; row++)
        {
            double dot = 0;
            for (long k = data.rowStart(row); k < data.rowStart(row + 1); k++)
            {
                dot += weights.getFloat(data.index(k) << 2) * data.value(k);
            }
            correct += (dot > 0 ? 1 : -1) == data.label(row) ? 1 : 0;
        }
        return new double[] {samples / seconds, (double)correct / scored};
    }

    /** The rows of {@code shard} in {@code epoch}'s block order for {@code worker}, as the product walks them. */
    static int[] inBlockOrder(final int[] shard, final int block, final int worker, final int epoch)
    {
        final int[] order = new int[shard.length];
        DataSplit.blockOrder(shard, order, new int[DataSplit.blockCount(shard.length, block)], block, 1, worker,
            epoch);
        return order;
    }
}
