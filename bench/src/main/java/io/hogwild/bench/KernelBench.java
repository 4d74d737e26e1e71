package io.hogwild.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.sgd.DataSplit;
import io.hogwild.common.sgd.Deferral;
import io.hogwild.common.sgd.Loss;
import io.hogwild.common.sgd.Regularisation;
import io.hogwild.common.sgd.SgdKernel;
import io.hogwild.common.sgd.SyncMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The SGD step (sparse dot product and update, hinge loss) on RCV1-shaped rows, one thread, in samples per
 * second: the shared kernel on mapped weights (what workers run), also with its hot updates deferred, and on heap
 * weights, against the same loop
 * written on a plain {@code float[]} with Java's bounds checks; rows walked one by one in a shuffled order
 * ({@code block} 1) or in shuffled blocks of consecutive rows (the default walk).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KernelBench
{
    static final int SLICE = 4096;
    /** A slice of two workers deferring every update on the RCV1-shaped data: one cold store interval. */
    static final int ALL_SLICE = 4 * SLICE;

    @Param({"400000"})
    int rows;

    /** Rows a block: single rows, the old default, or the product's default for the data (auto). */
    @Param({"1", "32", "auto"})
    String block;

    private Path dir;
    private Dataset data;
    private UnsafeBuffer mappedWeights;
    private UnsafeBuffer heapWeights;
    private float[] arrayWeights;
    private float[] arrayCoefficients;
    private SgdKernel mappedKernel;
    private SgdKernel heapKernel;
    private SgdKernel deferringKernel;
    private SgdKernel deferringAllKernel;
    private int[] order;
    private int position;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = BenchData.tempDir();
        data = Dataset.open(BenchData.dataset(dir, rows));
        data.verify();
        final int dimension = (int)data.dimension();
        final float[] coefficients = Regularisation.coefficients(data, 1, 0, 1e-5, dimension);
        final UnsafeBuffer regularisation = BenchData.offHeapFloats(coefficients);
        try (FileChannel channel = FileChannel.open(dir.resolve("weights.bin"), StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            mappedWeights = new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0, (long)dimension * Float.BYTES));
        }
        heapWeights = new UnsafeBuffer(new byte[dimension * Float.BYTES]);
        arrayWeights = new float[dimension];
        arrayCoefficients = coefficients;
        mappedKernel = new SgdKernel(data, mappedWeights, regularisation, Loss.HINGE, 1);
        heapKernel = new SgdKernel(data, heapWeights, regularisation, Loss.HINGE, 1);
        deferringKernel = new SgdKernel(data, mappedWeights, regularisation, Loss.HINGE, 1, SyncMode.LOCKFREE, null,
            Deferral.HOT, Deferral.HOT.hotStoreSamples(2), 0);
        deferringAllKernel = new SgdKernel(data, mappedWeights, regularisation, Loss.HINGE, 1, SyncMode.LOCKFREE, null,
            Deferral.ALL, Deferral.ALL.hotStoreSamples(2), ALL_SLICE);
        final int length = "auto".equals(block) ? DeferralExperiment.block(data) : Integer.parseInt(block);
        final int[] shard = DataSplit.shard(data, 1, 0, 0, 1, length);
        order = new int[shard.length];
        DataSplit.blockOrder(shard, order, new int[shard.length], length, 1, 0, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        data.close();
        BenchData.delete(dir);
    }

    private int nextSlice()
    {
        return nextSlice(SLICE);
    }

    private int nextSlice(final int length)
    {
        final int from = position;
        position = position + 2 * length > order.length ? 0 : position + length;
        return from;
    }

    @Benchmark
    @OperationsPerInvocation(SLICE)
    public double mappedUnsafeBuffer()
    {
        final int from = nextSlice();
        return mappedKernel.train(order, from, from + SLICE, 0.1);
    }

    /** The kernel as lock-free workers run it when there are several, on data of a large dimension. */
    @Benchmark
    @OperationsPerInvocation(SLICE)
    public double mappedDeferringHot()
    {
        final int from = nextSlice();
        return deferringKernel.train(order, from, from + SLICE, 0.1);
    }

    /** The kernel as lock-free workers run it when there are several, on data of a small dimension. */
    @Benchmark
    @OperationsPerInvocation(ALL_SLICE)
    public double mappedDeferringAll()
    {
        final int from = nextSlice(ALL_SLICE);
        return deferringAllKernel.train(order, from, from + ALL_SLICE, 0.1);
    }

    @Benchmark
    @OperationsPerInvocation(SLICE)
    public double heapUnsafeBuffer()
    {
        final int from = nextSlice();
        return heapKernel.train(order, from, from + SLICE, 0.1);
    }

    /** The kernel's arithmetic on {@code float[]}: what the same loop costs with heap arrays. */
    @Benchmark
    @OperationsPerInvocation(SLICE)
    public double heapFloatArray()
    {
        final int from = nextSlice();
        final float[] w = arrayWeights;
        final float[] c = arrayCoefficients;
        final float step = 0.1f;
        double lossSum = 0;
        for (int i = from; i < from + SLICE; i++)
        {
            final int row = order[i];
            final long start = data.rowStart(row);
            final long end = data.rowStart(row + 1);
            double dot = 0;
            for (long k = start; k < end; k++)
            {
                dot += w[data.index(k)] * data.value(k);
            }
            final int y = data.label(row);
            final double margin = y * dot;
            lossSum += Loss.HINGE.value(margin);
            final float g = (float)(step * Loss.HINGE.derivative(margin) * y);
            for (long k = start; k < end; k++)
            {
                final int u = data.index(k);
                final float shrink = Math.min(step * c[u], 1.0f);
                w[u] = w[u] - shrink * w[u] - g * data.value(k);
            }
        }
        return lossSum;
    }
}
