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
 * write is in flight: an epoch that ends while the previous checkpoint is still being written skips its own,
 * and a resume then starts from the earlier one, as after a crash ({@link Checkpoint#write} is crash-safe: its
 * state file is renamed into place last). A write's failure fails the run at the next epoch's end or at
 * {@link #finish}.
 */
final class CheckpointWriter implements AutoCloseable
{
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "hogwild-checkpoint");
        thread.setDaemon(true);
        return thread;
    });
    private Future<?> inFlight;

    /** Whether a new checkpoint would be written now: none is being written. */
    synchronized boolean idle()
    {
        return inFlight == null || inFlight.isDone();
    }

    /**
     * Starts writing {@code checkpoint} into {@code runDir} (its arrays must not change afterwards); the caller
     * checks {@link #idle} first. Throws the failure of the previous write, if it failed.
     */
    synchronized void write(final Checkpoint checkpoint, final Path runDir) throws IOException, InterruptedException
    {
        finish();
        inFlight = executor.submit(() ->
        {
            try
            {
                checkpoint.write(runDir);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
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
