package io.hogwild.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ThreadNiceTest
{
    @Test
    @Timeout(30)
    void shouldSetAnotherThreadBehindWhileTheCallerAndTheProcessesItStartsKeepTheirs() throws Exception
    {
        assumeTrue(ThreadNice.currentTid() > 0, "no /proc/thread-self (not Linux): threads have no nice value of their own");
        assumeTrue(TestSupport.onPath("renice"), "no renice on the PATH: the coordinator leaves its threads as they are");
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicLong otherTid = new AtomicLong(-1);
        final Thread other = new Thread(() ->
        {
            otherTid.set(ThreadNice.currentTid());
            started.countDown();
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "nice-test-other");
        other.start();
        Process child = null;
        try
        {
            assertTrue(started.await(10, TimeUnit.SECONDS));
            final long self = ThreadNice.currentTid();
            final int callerNice = ThreadNice.niceOf(self);
            final int target = Math.min(19, ThreadNice.niceOf(otherTid.get()) + 3);
            assertTrue(ThreadNice.otherThreads().contains(otherTid.get()));
            assertFalse(ThreadNice.otherThreads().contains(self));

            assertEquals(1, ThreadNice.renice(List.of(otherTid.get()), target));
            assertEquals(target, ThreadNice.niceOf(otherTid.get()));
            assertEquals(callerNice, ThreadNice.niceOf(self), "the caller keeps its nice value");
            // A worker started now by the caller inherits the caller's nice value, not the other threads'.
            child = new ProcessBuilder("sleep", "30").start();
            assertEquals(callerNice, ThreadNice.niceIn(Path.of("/proc/" + child.pid() + "/stat")));
        }
        finally
        {
            release.countDown();
            other.join(10_000);
            if (child != null)
            {
                child.destroyForcibly();
            }
        }
    }


}
