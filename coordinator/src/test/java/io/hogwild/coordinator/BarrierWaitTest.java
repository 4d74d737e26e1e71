package io.hogwild.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BarrierWaitTest
{
    @Test
    void shouldBackOffWhileThereIsNoProgressToEstimateFrom()
    {
        final BarrierWait wait = new BarrierWait();
        assertEquals(1_000, wait.nextParkNs(0, 0, 100));
        assertEquals(2_000, wait.nextParkNs(1_000, 0, 100));
        for (int i = 0; i < 20; i++)
        {
            wait.nextParkNs(10_000, 0, 100);
        }
        assertEquals(BarrierWait.BACKOFF_MAX_NS, wait.nextParkNs(10_000, 0, 100));
    }

    @Test
    void shouldSleepHalfTheEstimatedRemainderWithinItsBounds()
    {
        // Half the samples in 40 ms: 40 ms left, sleep 20.
        assertEquals(20_000_000, new BarrierWait().nextParkNs(40_000_000, 500, 1_000));
        // A slow start: the estimate would be minutes; a dead worker must still be seen within the cap.
        assertEquals(BarrierWait.MAX_PARK_NS, new BarrierWait().nextParkNs(1_000_000_000, 1, 1_000_000));
        // Nearly done: never below the floor.
        final BarrierWait wait = new BarrierWait();
        assertEquals(BarrierWait.MIN_PARK_NS, wait.nextParkNs(100_000_000, 999_999, 1_000_000));
        // Every sample published, the workers yet to arrive: fine-grained backoff from the floor again.
        assertEquals(BarrierWait.MIN_PARK_NS, wait.nextParkNs(100_000_000, 1_000_000, 1_000_000));
        assertEquals(2 * BarrierWait.MIN_PARK_NS, wait.nextParkNs(100_001_000, 1_000_000, 1_000_000));
    }

    @Test
    void shouldEstimateFromTheRateSinceProgressWasFirstSeenNotFromTheSlowStart()
    {
        final BarrierWait wait = new BarrierWait();
        // The workers took 90 ms to wake; then 100 of 1,000 samples in the 10 ms to the first look.
        assertEquals(BarrierWait.MAX_PARK_NS, wait.nextParkNs(100_000_000, 100, 1_000));
        // 200 more in the next 20 ms: 0.1 ms a sample, 700 left, 70 ms, sleep 35 (the epoch's average, 0.4 ms
        // a sample, would have slept the 50 ms cap, most of what is left).
        assertEquals(35_000_000, wait.nextParkNs(120_000_000, 300, 1_000));
    }

    /**
     * An epoch of 150 ms whose workers publish a chunk every 0.5 ms: the coordinator looks a few dozen times
     * (a 1 ms poll looked ~150 times) and sees the end within a chunk's time.
     */
    @Test
    void shouldLookFewTimesAnEpochAndStillSeeItsEndSoon()
    {
        final long epochNs = 150_000_000;
        final long chunkNs = 500_000;
        final long chunk = 3_000;
        final long total = epochNs / chunkNs * chunk;
        final BarrierWait wait = new BarrierWait();
        long now = 0;
        int looks = 0;
        while (true)
        {
            looks++;
            final long done = Math.min(total, now / chunkNs * chunk);
            if (now >= epochNs)
            {
                break; // every worker has arrived
            }
            now += wait.nextParkNs(now, done, total);
        }
        assertTrue(looks < 40, looks + " looks");
        assertTrue(now - epochNs <= chunkNs, "the end seen " + (now - epochNs) + " ns late");
    }

    @Test
    void shouldLookOftenOnceAWorkerHasArrivedAndFreedItsCore()
    {
        // Half the samples in 40 ms: 20 ms while every worker trains, 50 us once one has arrived.
        assertEquals(20_000_000, new BarrierWait().nextParkNs(40_000_000, 500, 1_000, false));
        assertEquals(BarrierWait.FREE_CORE_PARK_NS, new BarrierWait().nextParkNs(40_000_000, 500, 1_000, true));
        // Never longer than it would be otherwise.
        assertEquals(BarrierWait.MIN_PARK_NS, new BarrierWait().nextParkNs(0, 0, 1_000, true));
        // Two workers on two cores: free once one has arrived.
        assertFalse(BarrierWait.coreFreed(2, 2, 2));
        assertTrue(BarrierWait.coreFreed(1, 2, 2));
        // Eight on two cores: only once no more than one trains.
        assertFalse(BarrierWait.coreFreed(7, 8, 2));
        assertFalse(BarrierWait.coreFreed(2, 8, 2));
        assertTrue(BarrierWait.coreFreed(1, 8, 2));
        // One worker: its core is never free while it trains (and the other's always was).
        assertFalse(BarrierWait.coreFreed(1, 1, 2));
    }
}
