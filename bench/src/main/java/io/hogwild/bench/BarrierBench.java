package io.hogwild.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.sgd.Loss;
import io.hogwild.common.sgd.SyncMode;
import io.hogwild.common.weights.WeightFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One round of the epoch barrier through the mapped weight file: the coordinator releases an epoch, a
 * worker thread that spins on the control word sees it and publishes its arrival, the coordinator sees the
 * arrival. What an epoch's synchronisation costs, without training.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BarrierBench
{
    private Path dir;
    private WeightFile file;
    private Thread worker;
    private volatile boolean running;
    private long epoch;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = BenchData.tempDir();
        file = WeightFile.create(dir.resolve("weights.bin"), new WeightFile.Config(16, 1, Loss.HINGE, 1,
            SyncMode.LOCKFREE, 1, 0, 0, ProcessHandle.current().pid(), System.currentTimeMillis(), 1, 1, 1), new float[16]);
        running = true;
        worker = new Thread(() ->
        {
            long reached = 0;
            while (running)
            {
                final long released = file.epoch();
                if (released > reached)
                {
                    reached = released;
                    file.workerEpochDone(0, reached, 0, 0);
                }
                Thread.onSpinWait();
            }
        }, "bench-worker");
        worker.setDaemon(true);
        worker.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException, IOException
    {
        running = false;
        worker.join();
        file.close();
        BenchData.delete(dir);
    }

    @Benchmark
    public long roundTrip()
    {
        final long e = ++epoch;
        file.releaseEpoch(e, 0.1);
        while (file.workerEpochReached(0) < e)
        {
            Thread.onSpinWait();
        }
        return e;
    }
}
