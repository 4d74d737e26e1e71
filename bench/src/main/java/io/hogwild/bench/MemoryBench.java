package io.hogwild.bench;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The machine's limits for one core: sequential read bandwidth over 512 MiB (bytes per second = ops/s x 8),
 * and the latency of a dependent random access into the same 512 MiB (a pointer chase: ns per access),
 * which is what a row-by-row shuffled walk of a large dataset pays.
 */
@State(Scope.Benchmark)
public class MemoryBench
{
    static final int BYTES = 512 << 20;
    static final int LONGS = BYTES / Long.BYTES;
    static final int CHASE = 1 << 16;

    private UnsafeBuffer buffer;
    private int[] next;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp()
    {
        buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(BYTES));
        for (int i = 0; i < LONGS; i++)
        {
            buffer.putLong(i * Long.BYTES, i);
        }
        // One random cycle over 64-byte lines (Sattolo's algorithm): every access misses the caches.
        final int lines = BYTES / 64;
        next = new int[lines];
        for (int i = 0; i < lines; i++)
        {
            next[i] = i;
        }
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = lines - 1; i > 0; i--)
        {
            final int j = random.nextInt(i);
            final int t = next[i];
            next[i] = next[j];
            next[j] = t;
        }
        for (int i = 0; i < lines; i++)
        {
            buffer.putInt(i * 64, next[i]);
        }
    }

    /** Sums every long of 512 MiB in address order: ops/s x 8 = bytes per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(LONGS)
    public long sequentialRead()
    {
        long sum = 0;
        for (int i = 0; i < LONGS; i++)
        {
            sum += buffer.getLong(i * Long.BYTES);
        }
        return sum;
    }

    /** Follows the random cycle: each access depends on the last, so this is pure latency. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(CHASE)
    public int randomAccessLatency()
    {
        int line = cursor;
        for (int i = 0; i < CHASE; i++)
        {
            line = buffer.getInt(line * 64);
        }
        cursor = line;
        return line;
    }
}
