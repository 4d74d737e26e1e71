package io.hogwild.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.hogwild.common.data.CsrChunk;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import io.hogwild.common.data.SyntheticData;

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

    static Path tempDir() throws IOException
    {
        return Files.createTempDirectory("hogwild-bench");
    }
}
