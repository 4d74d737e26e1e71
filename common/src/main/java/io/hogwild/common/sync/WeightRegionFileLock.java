package io.hogwild.common.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock of {@code --sync filelock}: an exclusive {@link FileChannel#lock(long, long, boolean)} on the
 * whole weight region of the weight file, taken behind a JVM-wide mutex.
 *
 * <p>Why the whole region and not stripes: a sample's ~76 features spread over the whole dimension, so
 * stripes would mean taking many locks per sample in a fixed order, each a {@code fcntl} system call;
 * one region lock costs two system calls per sample and is the faithful file-lock twin of
 * {@code --sync lock}.
 *
 * <p>Two traps of file locks on Java 17, and how this class avoids them:
 * <ul>
 *   <li>File locks belong to the process: a second overlapping lock from the same JVM throws
 *       {@link java.nio.channels.OverlappingFileLockException}, and threads of one JVM do not exclude each
 *       other through them. So every user of one file in a JVM shares one {@link ReentrantLock}, taken
 *       before the file lock; it is what excludes worker threads, the file lock what excludes processes.</li>
 *   <li>Closing any channel on the file drops every lock the process holds on it (POSIX {@code fcntl}
 *       semantics). So one channel per file and JVM is opened, shared and closed only when the last user
 *       closes; a worker process opens no other channel on the weight file while it trains, and in thread
 *       mode the JVM-wide mutex keeps the exclusion even if some other code closed a channel.</li>
 * </ul>
 *
 * <p>Memory ordering: between threads the {@link ReentrantLock} gives happens-before; between processes
 * the kernel's lock and unlock are system calls, which the JIT treats as opaque calls (no memory access
 * moves across them) and which order memory on the CPU. A holder killed with {@code kill -9} loses its
 * lock to the kernel, so the others go on.
 *
 * <p>Waiting polls {@link FileChannel#tryLock(long, long, boolean)} with a backoff (spins, yields, parks of
 * up to {@value #MAX_PARK_NS} ns) rather than blocking in the kernel, so that a waiter still asks its
 * {@link WaitCheck} now and then (which beats the worker's heartbeat and watches the coordinator and the stop
 * command): a holder that is stopped rather than killed shows as the one stale worker, and the waiters
 * stay alive and answerable.
 *
 * <p>Each acquisition allocates one {@link FileLock}: the API leaves no way around it, and the two system
 * calls dwarf it.
 */
public final class WeightRegionFileLock implements UpdateGuard, AutoCloseable
{
    /** The channel and the mutex of one file, shared by every user in this JVM. */
    private static final class Shared
    {
        final ReentrantLock mutex = new ReentrantLock();
        final FileChannel channel;
        int users;

        Shared(final FileChannel channel)
        {
            this.channel = channel;
        }
    }

    private static final Map<Path, Shared> SHARED = new HashMap<>();
    static final long MAX_PARK_NS = 50_000;
    /** Idle rounds between two questions to the wait check. */
    static final int CHECK_EVERY = 1 << 10;

    private final Path key;
    private final Shared shared;
    private final long position;
    private final long length;
    private final WaitCheck check;
    private final org.agrona.concurrent.IdleStrategy idle =
        new org.agrona.concurrent.BackoffIdleStrategy(16, 16, 1_000, MAX_PARK_NS);
    private FileLock held;
    private boolean closed;

    private WeightRegionFileLock(final Path key, final Shared shared, final long position, final long length,
        final WaitCheck check)
    {
        this.key = key;
        this.shared = shared;
        this.position = position;
        this.length = length;
        this.check = check;
    }

    /** A lock that waits without giving up; see {@link #open(Path, long, long, WaitCheck)}. */
    public static WeightRegionFileLock open(final Path file, final long position, final long length)
    {
        return open(file, position, length, () -> true);
    }

    /**
     * A lock on bytes {@code [position, position + length)} of {@code file}; close it when the worker ends.
     *
     * @param check asked while waiting; false abandons the wait with a {@link WaitAbandonedException}
     */
    public static WeightRegionFileLock open(final Path file, final long position, final long length,
        final WaitCheck check)
    {
        final Path key;
        try
        {
            key = file.toRealPath();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot resolve the weight file " + file, ex);
        }
        synchronized (SHARED)
        {
            Shared shared = SHARED.get(key);
            if (shared == null)
            {
                try
                {
                    shared = new Shared(FileChannel.open(key, StandardOpenOption.READ, StandardOpenOption.WRITE));
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException("cannot open the weight file " + file + " to lock it", ex);
                }
                SHARED.put(key, shared);
            }
            shared.users++;
            return new WeightRegionFileLock(key, shared, position, length, check);
        }
    }

    @Override
    public void lock()
    {
        shared.mutex.lock();
        try
        {
            held = shared.channel.tryLock(position, length, false);
            if (held == null)
            {
                held = lockContended();
            }
        }
        catch (final IOException ex)
        {
            shared.mutex.unlock();
            throw new UncheckedIOException("cannot lock the weight region of " + key, ex);
        }
        catch (final RuntimeException ex)
        {
            shared.mutex.unlock();
            throw ex;
        }
    }

    private FileLock lockContended() throws IOException
    {
        idle.reset();
        int rounds = 0;
        while (true)
        {
            idle.idle();
            final FileLock lock = shared.channel.tryLock(position, length, false);
            if (lock != null)
            {
                return lock;
            }
            if (++rounds % CHECK_EVERY == 0 && !check.keepWaiting())
            {
                throw new WaitAbandonedException("gave up waiting for the file lock on the weights of " + key);
            }
        }
    }

    @Override
    public void unlock()
    {
        try
        {
            held.release();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot unlock the weight region of " + key, ex);
        }
        finally
        {
            held = null;
            shared.mutex.unlock();
        }
    }

    /** Stops using the lock; the last user of the file in this JVM closes the shared channel. */
    @Override
    public void close()
    {
        synchronized (SHARED)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            if (--shared.users == 0)
            {
                SHARED.remove(key);
                try
                {
                    shared.channel.close();
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException("cannot close the lock channel of " + key, ex);
                }
            }
        }
    }
}
