package io.hogwild.coordinator;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.weights.WeightFile;
import io.hogwild.worker.Worker;

/**
 * A worker run by a thread of the coordinator's JVM: the same {@link Worker} code as a worker process,
 * over the same mapped weight file and the same dataset mapping, so that thread and process figures
 * differ only by what threads and processes differ in.
 */
public final class WorkerThread implements WorkerHandle
{
    private final int index;
    private final Thread thread;
    private volatile Throwable failure;

    private WorkerThread(final int index, final WeightFile file, final Dataset data)
    {
        this.index = index;
        this.thread = new Thread(() ->
        {
            try
            {
                new Worker(file, data, index).run();
            }
            catch (final Throwable ex)
            {
                failure = ex;
                System.err.println("[worker " + index + "] failed:");
                ex.printStackTrace();
            }
        }, "hogwild-worker-" + index);
        thread.setDaemon(true);
    }

    /** Starts worker {@code index} on a new thread. */
    public static WorkerThread start(final int index, final WeightFile file, final Dataset data)
    {
        final WorkerThread worker = new WorkerThread(index, file, data);
        worker.thread.start();
        return worker;
    }

    @Override
    public int index()
    {
        return index;
    }

    @Override
    public long pid()
    {
        return ProcessHandle.current().pid();
    }

    @Override
    public boolean isAlive()
    {
        return thread.isAlive();
    }

    @Override
    public String describeEnd()
    {
        final Throwable cause = failure;
        return "worker thread " + index + (cause == null ? " ended" : " failed: " + cause);
    }

    @Override
    public boolean awaitExit(final long timeoutMs) throws InterruptedException
    {
        thread.join(Math.max(1, timeoutMs));
        return !thread.isAlive();
    }

    @Override
    public void kill()
    {
        // A thread cannot be killed; it obeys the stop command at its next slice (4096 samples, or a few
        // cold store intervals of Deferral.ALL, at most about 4 M non-zeros).
        thread.interrupt();
    }
}
