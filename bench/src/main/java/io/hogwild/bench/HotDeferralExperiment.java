package io.hogwild.bench;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.sgd.DataSplit;
import io.hogwild.common.sgd.Loss;
import io.hogwild.common.sgd.Regularisation;
import io.hogwild.common.sgd.SgdKernel;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An experiment, not product code: does keeping the writes to hot coordinates off the shared weights
 * let lock-free workers scale? Runs N threads over one shared weight vector with the product's kernel
 * ({@code baseline}) and with a prototype ({@code deferred}) that walks a private copy of its shard in
 * which every row holds its hot non-zeros first (so the hot-or-cold decision is a predictable loop
 * bound, which a frequency-ordered dataset file would give the product without a copy), composes its
 * updates to hot coordinates privately ({@code w <- w F - D}) and stores them every
 * {@code -Dhot.flush} (256) samples; {@code -Dhot.rows} (128) sets the hot threshold, 1 / rows. Prints samples/s
 * and the training accuracy after each run.
 * <pre>
 *   java ... io.hogwild.bench.HotDeferralExperiment DATASET.hwd [threads 1,2] [epochs 4] [rounds 3]
 * </pre>
 */
public final class HotDeferralExperiment
{
    static final int HOT_ROWS_PER_FEATURE = Integer.getInteger("hot.rows", 128);
    static final int HOT_FLUSH_SAMPLES = Integer.getInteger("hot.flush", 256);
    static final int BLOCK = 32;
    static final double LAMBDA = 1e-5;

    private HotDeferralExperiment()
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
            final boolean[] hot = hotCoordinates(data, dimension);
            int hotCount = 0;
            for (final boolean h : hot)
            {
                hotCount += h ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "%,d rows, %,d features, %,d hot (in >= 1/%d of the rows)%n", data.rows(),
                dimension, hotCount, HOT_ROWS_PER_FEATURE);
            for (int round = 0; round <= rounds; round++)
            {
                for (final int threads : threadCounts)
                {
                    for (final boolean deferred : new boolean[] {false, true})
                    {
                        final double[] result = run(data, coefficients, hot, threads, epochs, deferred);
                        if (round > 0) // round 0 warms the JIT up
                        {
                            System.out.printf(Locale.ROOT, "round %d  %d threads  %-8s  %,12.0f samples/s  accuracy %.4f%n",
                                round, threads, deferred ? "deferred" : "baseline", result[0], result[1]);
                        }
                    }
                }
            }
        }
    }

    private static boolean[] hotCoordinates(final Dataset data, final int dimension)
    {
        final int[] counts = new int[dimension];
        for (long k = 0; k < data.nnz(); k++)
        {
            counts[data.index(k)]++;
        }
        final boolean[] hot = new boolean[dimension];
        for (int u = 0; u < dimension; u++)
        {
            hot[u] = (long)counts[u] * HOT_ROWS_PER_FEATURE >= data.rows();
        }
        return hot;
    }

    /** One run: {@code threads} workers, {@code epochs} epochs; returns {samples/s, training accuracy}. */
    private static double[] run(final Dataset data, final float[] coefficients, final boolean[] hot, final int threads,
        final int epochs, final boolean deferred) throws Exception
    {
        final int dimension = coefficients.length;
        final UnsafeBuffer weights = new UnsafeBuffer(ByteBuffer.allocateDirect(dimension * Float.BYTES));
        final UnsafeBuffer regularisation = new UnsafeBuffer(ByteBuffer.allocateDirect(dimension * Float.BYTES));
        for (int u = 0; u < dimension; u++)
        {
            regularisation.putFloat(u * Float.BYTES, coefficients[u]);
        }
        final List<Runnable> workers = new ArrayList<>();
        final CyclicBarrier start = new CyclicBarrier(threads + 1);
        final CyclicBarrier end = new CyclicBarrier(threads + 1);
        long samples = 0;
        for (int w = 0; w < threads; w++)
        {
            final int[] shard = DataSplit.shard(data, 1, 0, w, threads, BLOCK);
            samples += (long)shard.length * epochs;
            final int worker = w;
            final Runnable body;
            if (deferred)
            {
                final DeferringKernel kernel = new DeferringKernel(data, shard, weights, coefficients, hot);
                body = () -> kernel.epochs(epochs, worker);
            }
            else
            {
                final SgdKernel kernel = new SgdKernel(data, weights, regularisation, Loss.HINGE, 1);
                body = () ->
                {
                    final int[] order = new int[shard.length];
                    double step = 0.1;
                    for (int epoch = 1; epoch <= epochs; epoch++)
                    {
                        final int[] local = blockOrder(shard.length, worker, epoch);
                        for (int i = 0; i < local.length; i++)
                        {
                            order[i] = shard[local[i]];
                        }
                        kernel.train(order, 0, order.length, step);
                        step *= 0.9;
                    }
                };
            }
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

    /** Shard positions 0..length-1 in {@code epoch}'s block order for {@code worker}, as the product walks them. */
    static int[] blockOrder(final int length, final int worker, final int epoch)
    {
        final int[] positions = new int[length];
        for (int i = 0; i < length; i++)
        {
            positions[i] = i;
        }
        final int[] order = new int[length];
        DataSplit.blockOrder(positions, order, new int[DataSplit.blockCount(length, BLOCK)], BLOCK, 1, worker, epoch);
        return order;
    }

    /** The prototype: a private hot-first copy of the shard, hot updates composed and stored in bursts. */
    static final class DeferringKernel
    {
        private final UnsafeBuffer weights;
        private final int[] rowStart;
        private final int[] hotEnd;
        private final int[] index;
        private final int[] slot;
        private final float[] value;
        private final float[] coefficient;
        private final byte[] label;
        private final int[] hotCoordinate;
        private final double[] factor;
        private final double[] delta;

        DeferringKernel(final Dataset data, final int[] shard, final UnsafeBuffer weights, final float[] coefficients,
            final boolean[] hot)
        {
            this.weights = weights;
            final int[] slotOf = new int[coefficients.length];
            final List<Integer> hotList = new ArrayList<>();
            for (int u = 0; u < hot.length; u++)
            {
                slotOf[u] = hot[u] ? hotList.size() : -1;
                if (hot[u])
                {
                    hotList.add(u);
                }
            }
            hotCoordinate = hotList.stream().mapToInt(Integer::intValue).toArray();
            factor = new double[hotCoordinate.length];
            java.util.Arrays.fill(factor, 1.0);
            delta = new double[hotCoordinate.length];
            coefficient = new float[coefficients.length];
            for (int u = 0; u < coefficients.length; u++)
            {
                coefficient[u] = Math.abs(coefficients[u]);
            }
            long nnz = 0;
            for (final int row : shard)
            {
                nnz += data.rowStart(row + 1) - data.rowStart(row);
            }
            rowStart = new int[shard.length + 1];
            hotEnd = new int[shard.length];
            index = new int[(int)nnz];
            slot = new int[(int)nnz];
            value = new float[(int)nnz];
            label = new byte[shard.length];
            int n = 0;
            for (int r = 0; r < shard.length; r++)
            {
                final long from = data.rowStart(shard[r]);
                final long to = data.rowStart(shard[r] + 1);
                rowStart[r] = n;
                label[r] = (byte)data.label(shard[r]);
                for (int pass = 0; pass < 2; pass++)
                {
                    for (long k = from; k < to; k++)
                    {
                        final int u = data.index(k);
                        if ((slotOf[u] >= 0) == (pass == 0))
                        {
                            index[n] = u;
                            slot[n] = slotOf[u];
                            value[n] = data.value(k);
                            n++;
                        }
                    }
                    if (pass == 0)
                    {
                        hotEnd[r] = n;
                    }
                }
            }
            rowStart[shard.length] = n;
        }

        void epochs(final int epochs, final int worker)
        {
            double step = 0.1;
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                final int[] order = blockOrder(label.length, worker, epoch);
                int sinceFlush = 0;
                for (final int r : order)
                {
                    sample(r, step);
                    if (++sinceFlush == HOT_FLUSH_SAMPLES)
                    {
                        flush();
                        sinceFlush = 0;
                    }
                }
                flush();
                step *= 0.9;
            }
        }

        private void sample(final int r, final double step)
        {
            final UnsafeBuffer weights = this.weights;
            final int from = rowStart[r];
            final int split = hotEnd[r];
            final int to = rowStart[r + 1];
            double dot = 0;
            for (int k = from; k < to; k++)
            {
                dot += weights.getFloat(index[k] << 2) * value[k];
            }
            final int y = label[r];
            final double stepGradient = step * Loss.HINGE.derivative(y * dot) * y;
            for (int k = from; k < split; k++)
            {
                final int s = slot[k];
                final double shrink = 1.0 - Math.min(step * coefficient[index[k]], 1.0);
                factor[s] *= shrink;
                delta[s] = delta[s] * shrink + stepGradient * value[k];
            }
            final float stepF = (float)step;
            final float stepGradientF = (float)stepGradient;
            for (int k = split; k < to; k++)
            {
                final int offset = index[k] << 2;
                final float w = weights.getFloat(offset);
                final float shrink = Math.min(stepF * coefficient[index[k]], 1.0f);
                weights.putFloat(offset, w - shrink * w - stepGradientF * value[k]);
            }
        }

        private void flush()
        {
            for (int s = 0; s < hotCoordinate.length; s++)
            {
                if (factor[s] != 1.0 || delta[s] != 0)
                {
                    final int offset = hotCoordinate[s] << 2;
                    weights.putFloat(offset, (float)(weights.getFloat(offset) * factor[s] - delta[s]));
                    factor[s] = 1.0;
                    delta[s] = 0;
                }
            }
        }
    }
}
