package io.hogwild.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.hogwild.bench.CoherenceSimulation.Scheme;
import io.hogwild.bench.CoherenceSimulation.Traffic;
import io.hogwild.common.data.CsrChunk;
import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoherenceSimulationTest
{
    @TempDir
    Path dir;

    /**
     * 4,000 rows over 3,232 features (202 lines): every row holds features 0 and 16 (two lines that every
     * sample touches: hot) and 10 features of one of 200 other lines (each in 20 rows: cold).
     */
    private Dataset rows() throws IOException
    {
        final CsrChunk chunk = new CsrChunk();
        for (int r = 0; r < 4000; r++)
        {
            chunk.addFeature(0, 1f);
            chunk.addFeature(16, 1f);
            final int base = 32 + (r % 200) * 16;
            for (int k = 0; k < 10; k++)
            {
                chunk.addFeature(base + k, 1f);
            }
            chunk.endRow(r % 2 == 0 ? 1 : -1);
        }
        final Path file = dir.resolve("lines.hwd");
        DatasetWriter.write(file, List.of(chunk), 3232, SourceInfo.GENERATED);
        return Dataset.open(file);
    }

    @Test
    void shouldCountNoMissesForOneWorker() throws IOException
    {
        try (Dataset data = rows())
        {
            for (final Scheme scheme : Scheme.values())
            {
                final Traffic traffic = CoherenceSimulation.simulate(data, scheme, 1, 3000, 0.35);
                assertEquals(0.0, traffic.missesPerSample(), scheme.cliName);
                assertEquals(0.0, traffic.invalidationsPerSample(), scheme.cliName);
            }
        }
    }

    @Test
    void shouldCountAMissWhereAnotherWorkersWriteTookTheLine()
    {
        final CoherenceSimulation.Directory directory = new CoherenceSimulation.Directory(1);
        directory.read(0, 0); // first touch
        directory.read(0, 0);
        assertEquals(1, directory.misses);
        directory.write(1, 0); // worker 1 fetches the line and invalidates worker 0's copy
        assertEquals(2, directory.misses);
        assertEquals(1, directory.invalidations);
        directory.write(1, 0); // already its own
        assertEquals(2, directory.misses);
        directory.read(0, 0); // worker 0 reads it back: worker 1's copy is no longer the only one
        assertEquals(3, directory.misses);
        directory.read(1, 0);
        assertEquals(3, directory.misses);
        directory.write(1, 0); // worker 1 holds it: no miss, but worker 0's copy goes
        assertEquals(3, directory.misses);
        assertEquals(2, directory.invalidations);
        directory.read(0, 0);
        assertEquals(4, directory.misses);
    }

    @Test
    void shouldBounceTheLinesThatEveryEagerSampleWrites() throws IOException
    {
        try (Dataset data = rows())
        {
            assertEquals(2, data.hotFeatureCount());
            assertEquals(2, CoherenceSimulation.hotLines(data).length);
            // Two workers in turn, a whole cold store interval each (32,768 samples): each eager sample finds both
            // hot lines written by the other one, and its cold line about half the time.
            final Traffic eager = CoherenceSimulation.simulate(data, Scheme.EAGER, 2, 3000, 0.35);
            assertTrue(eager.missesPerSample() >= 2.0 && eager.missesPerSample() < 3.0, "eager " + eager);
            assertTrue(eager.invalidationsPerSample() >= 2.0, "eager " + eager);
            // Written only by the samples with a slope: the hot lines bounce about 2 x 0.35 times a sample.
            final Traffic l2 = CoherenceSimulation.simulate(data, Scheme.EAGER_L2, 2, 3000, 0.35);
            assertTrue(l2.missesPerSample() > 0.7 && l2.missesPerSample() < 1.4, "eager-l2 " + l2);
            // Read only, nothing bounces.
            assertEquals(0.0, CoherenceSimulation.simulate(data, Scheme.EAGER_L2, 2, 3000, 0.0).missesPerSample());
            // Hot lines deferred: the cold line still bounces about half the time.
            final Traffic hot = CoherenceSimulation.simulate(data, Scheme.HOT, 2, 3000, 0.35);
            assertTrue(hot.missesPerSample() > 0.3 && hot.missesPerSample() < 0.8, "hot " + hot);
            // Every line deferred: lines move at the stores only, the hot ones every 1,792 samples (2 misses) and the
            // cold ones every 32,768 (the ~200 lines the other worker changed): about 0.007 a sample, not 0.
            final Traffic all = CoherenceSimulation.simulate(data, Scheme.ALL, 2, 3000, 0.35);
            assertTrue(all.missesPerSample() > 0.005 && all.missesPerSample() < 0.05, "all " + all);
        }
    }
}
