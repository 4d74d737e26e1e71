package io.hogwild.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes the epochs' checkpoints on a thread of its own, so that their fsyncs (7-16 ms an epoch on the
 * development machine's disk) overlap the next epoch's training instead of delaying its release. At most one
 * write is in flight, and a write is due only once {@value #INTERVAL_PER_WRITE} times as long as the fastest
 * write so far took has passed since the last one started ({@link #due}; the fastest, since the first write,
 * on a cold thread, took 2-3 times as long as the later ones): an epoch that ends sooner skips its own, and a
 * resume then starts from the earlier one, as after a crash ({@link Checkpoint#write} is crash-safe: its state
 * file is renamed into place last). Why the spacing: a write's copies, fsyncs and journal commits take CPU time
 * beside the workers, who have every core; at every epoch of 85 ms (two processes on two cores, the RCV1-shaped
 * data) that cost the run 2-12 % of its samples/s. Epochs longer than that many writes are all checkpointed. A
 * write's failure fails the run at the next epoch's end or at {@link #finish}.
 */
final class CheckpointWriter implements AutoCloseable
{
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "hogwild-checkpoint");
        thread.setDaemon(true);
        return thread;
    });
    /** A write is due once this many times the fastest write's duration has passed since the last one started. */
    static final int INTERVAL_PER_WRITE = 20;

    private Future<?> inFlight;
    /** When the last write started ({@link System#nanoTime}); meaningful once {@link #started}. */
    private long lastStartNs;
    /** How long the fastest successful write took, in nanoseconds (0 before the first). */
    private volatile long fastestWriteNs;
    /** Whether the last write failed: its failure is then reported at the next epoch's end. */
    private volatile boolean lastFailed;
    /** Whether a write was ever started. */
    private boolean started;

    /** Whether no checkpoint is being written. */
    synchronized boolean idle()
    {
        return inFlight == null || inFlight.isDone();
    }

    /**
     * Whether a checkpoint is due at {@code nowNs} ({@link System#nanoTime}): none is being written, and none
     * was written yet, or {@value #INTERVAL_PER_WRITE} times the fastest write's duration has passed since the
     * last one started, or the last one failed (so that {@link #write} reports it at this epoch's end).
     */
    synchronized boolean due(final long nowNs)
    {
        if (!idle())
        {
            return false;
        }
        return !started || lastFailed || nowNs - lastStartNs >= INTERVAL_PER_WRITE * fastestWriteNs;
    }

    /** How long the fastest successful write took, in nanoseconds (0 before the first). */
    long fastestWriteNs()
    {
        return fastestWriteNs;
    }

    /**
     * Starts writing {@code checkpoint} into {@code runDir} (its arrays must not change afterwards); the caller
     * checks {@link #due} first. Throws the failure of the previous write, if it failed.
     */
    synchronized void write(final Checkpoint checkpoint, final Path runDir) throws IOException, InterruptedException
    {
        finish();
        lastFailed = false;
        final long startNs = System.nanoTime();
        lastStartNs = startNs;
        started = true;
        inFlight = executor.submit(() ->
        {
            try
            {
                checkpoint.write(runDir);
                final long tookNs = System.nanoTime() - startNs;
                fastestWriteNs = fastestWriteNs == 0 ? tookNs : Math.min(fastestWriteNs, tookNs);
            }
            catch (final IOException ex)
            {
                lastFailed = true;
                throw new UncheckedIOException(ex);
            }
            catch (final RuntimeException | Error ex)
            {
                lastFailed = true;
                throw ex;
            }
        });
    }

    /** Waits for the write in flight, if any, and throws its failure. */
    synchronized void finish() throws IOException, InterruptedException
    {
        final Future<?> pending = inFlight;
        inFlight = null;
        if (pending == null)
        {
            return;
        }
        try
        {
            pending.get();
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof UncheckedIOException io)
            {
                throw new IOException("cannot write the checkpoint: " + io.getCause().getMessage(), io.getCause());
            }
            throw new IllegalStateException("the checkpoint writer failed", ex.getCause());
        }
    }

    /**
     * Waits up to {@code timeoutMs} for the write in flight, ignoring its outcome: for a shutdown hook, so that an
     * interrupted run's newest checkpoint is whole when it can be.
     */
    void awaitQuietly(final long timeoutMs)
    {
        final Future<?> pending;
        synchronized (this)
        {
            pending = inFlight;
        }
        if (pending == null)
        {
            return;
        }
        try
        {
            pending.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            // The previous checkpoint stays the one a resume reads.
        }
    }

    @Override
    public void close()
    {
        executor.shutdown();
    }
}
