package io.hogwild.common.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StalenessWatchTest
{
    private static final long MS = 1_000_000L;

    @Test
    void shouldCountTheTimeAHeartbeatStandsStillWhileWatched()
    {
        final StalenessWatch watch = new StalenessWatch();
        assertEquals(0, watch.observe(100, 0));
        long now = 0;
        for (int i = 0; i < 60; i++)
        {
            now += 100 * MS;
            watch.observe(100, now);
        }
        assertEquals(6_000 * MS, watch.observe(100, now));
        assertEquals(0, watch.observe(101, now + MS), "a new value is fresh");
    }

    @Test
    void shouldNotBlameThePeerForTheObserversOwnPause()
    {
        final StalenessWatch watch = new StalenessWatch();
        watch.observe(7, 0);
        // The observer itself was stopped for 10 s: the unchanged value says nothing about the peer.
        assertEquals(0, watch.observe(7, 10_000 * MS));
        assertEquals(500 * MS, watch.observe(7, 10_500 * MS));
    }
}
