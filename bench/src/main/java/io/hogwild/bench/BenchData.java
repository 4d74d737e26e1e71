package io.hogwild.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.hogwild.common.data.CsrChunk;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import io.hogwild.common.data.SyntheticData;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/** Generated RCV1-shaped data for the benchmarks, written once into a temporary directory. */
final class BenchData
{
    /** The default data's shape: 47,236 features, ~76 non-zeros a row. */
    static final int FEATURES = SyntheticData.RCV1_FEATURES;
    static final int NNZ = SyntheticData.RCV1_NNZ_PER_ROW;

    private BenchData()
    {
    }

    /** A dataset file of {@code rows} RCV1-shaped rows. */
    static Path dataset(final Path dir, final int rows) throws IOException
    {
        final SyntheticData generator = new SyntheticData(FEATURES, NNZ, 2011);
        final List<CsrChunk> chunks = new ArrayList<>();
        for (int done = 0; done < rows; done += 65_536)
        {
            chunks.add(generator.generate(Math.min(65_536, rows - done), done));
        }
        final Path file = dir.resolve("bench-" + rows + ".hwd");
        DatasetWriter.write(file, chunks, FEATURES, SourceInfo.GENERATED);
        return file;
    }

    /**
     * {@code values} as float32 off the Java heap, as the kernel reads its coefficients in a run (a heap-backed
     * buffer would make the JIT compile every buffer access for both kinds).
     */
    static UnsafeBuffer offHeapFloats(final float[] values)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(values.length * Float.BYTES));
        for (int u = 0; u < values.length; u++)
        {
            buffer.putFloat(u * Float.BYTES, values[u]);
        }
        return buffer;
    }

    /** A new temporary directory; the benchmark's tear-down removes it with {@link #delete}. */
    static Path tempDir() throws IOException
    {
        return Files.createTempDirectory("hogwild-bench");
    }

    /** Deletes {@code dir} and what it holds (a trial's data is a quarter of a GB: left behind, they add up). */
    static void delete(final Path dir)
    {
        IoUtil.delete(dir.toFile(), false);
    }
}
