package io.hogwild.common.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two locks exclude each other's holders: threads started together at a barrier each add to a counter
 * with a plain read and a plain write under the lock (the read-modify-write that loses increments without
 * one), and the sum comes out exact.
 */
class LocksTest
{
    private static final int THREADS = 4;

    @TempDir
    Path dir;

    /** Runs {@code THREADS} threads that each take {@code lockOf(i)} {@code rounds} times; returns the count. */
    private static long hammer(final IntFunction<UpdateGuard> lockOf, final int rounds) throws Exception
    {
        final UnsafeBuffer counter = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        final CyclicBarrier start = new CyclicBarrier(THREADS);
        final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try
        {
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final UpdateGuard lock = lockOf.apply(t);
                done.add(pool.submit(() ->
                {
                    start.await();
                    for (int i = 0; i < rounds; i++)
                    {
                        lock.lock();
                        try
                        {
                            final long value = counter.getLong(0);
                            Thread.onSpinWait();
                            counter.putLong(0, value + 1);
                        }
                        finally
                        {
                            lock.unlock();
                        }
                    }
                    return null;
                }));
            }
            for (final Future<?> future : done)
            {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        return counter.getLongVolatile(0);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldLetOneHeaderLockHolderAtATimeLoseNoIncrement() throws Exception
    {
        final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
        assertEquals(THREADS * 200_000L, hammer(i -> new HeaderSpinLock(header, 192, i, () -> true), 200_000));
        assertEquals(HeaderSpinLock.FREE, header.getLong(192), "free at the end");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldLetOneFileLockHolderAtATimeLoseNoIncrement() throws Exception
    {
        final Path file = Files.write(dir.resolve("weights.bin"), new byte[8192]);
        final List<WeightRegionFileLock> locks = new ArrayList<>();
        for (int i = 0; i < THREADS; i++)
        {
            locks.add(WeightRegionFileLock.open(file, 4096, 4096));
        }
        try
        {
            assertEquals(THREADS * 5_000L, hammer(locks::get, 5_000));
        }
        finally
        {
            locks.forEach(WeightRegionFileLock::close);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldAbandonTheWaitWhenTheCheckSaysSo() throws Exception
    {
        final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
        final HeaderSpinLock holder = new HeaderSpinLock(header, 192, 0, () -> true);
        holder.lock();
        assertEquals(1L, header.getLong(192), "the word names worker 0 (+1)");
        final AtomicBoolean stop = new AtomicBoolean();
        final CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                new HeaderSpinLock(header, 192, 1, () -> !stop.get()).lock();
                return null;
            }
            catch (final Throwable ex)
            {
                return ex;
            }
        });
        stop.set(true);
        final Throwable outcome = waiter.get(20, TimeUnit.SECONDS);
        assertTrue(outcome instanceof WaitAbandonedException, String.valueOf(outcome));
        assertTrue(outcome.getMessage().contains("held by worker 0"), outcome.getMessage());
        holder.unlock();
    }

    @Test
    void shouldRefuseToReleaseALockHeldByAnother()
    {
        final UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
        new HeaderSpinLock(header, 192, 0, () -> true).lock();
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> new HeaderSpinLock(header, 192, 3, () -> true).unlock());
        assertTrue(ex.getMessage().contains("held by worker 0"), ex.getMessage());
    }
}
