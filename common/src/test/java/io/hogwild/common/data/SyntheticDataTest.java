package io.hogwild.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDataTest
{
    @TempDir
    Path dir;

    @Test
    void shouldMakeUnitNormAscendingRowsOfTheAskedShape() throws IOException
    {
        final CsrChunk rows = new SyntheticData(5_000, 40, 1).generate(2_000, 2);
        assertEquals(2_000, rows.rows());
        assertEquals(40.0, rows.nnz() / 2_000.0, 4.0);
        final double positiveShare = rows.positives() / 2_000.0;
        assertTrue(positiveShare > 0.3 && positiveShare < 0.7, "positives " + positiveShare);
        int start = 0;
        for (int r = 0; r < rows.rows(); r++)
        {
            double norm = 0;
            for (int k = start; k < rows.rowEnd(r); k++)
            {
                if (k > start)
                {
                    assertTrue(rows.index(k) > rows.index(k - 1));
                }
                norm += rows.value(k) * rows.value(k);
            }
            assertEquals(1.0, norm, 1e-5);
            start = rows.rowEnd(r);
        }
    }

    @Test
    void shouldWriteLibsvmTextThatReadsBackIdentically() throws IOException
    {
        final SyntheticData generator = new SyntheticData(300, 10, 5);
        final Path text = dir.resolve("s.libsvm");
        generator.writeLibsvm(text, 500, 6);
        final CsrChunk direct = generator.generate(500, 6);
        final LibsvmParser.Result parsed = LibsvmParser.parse(text, 2);
        assertEquals(direct.rows(), parsed.rows());
        assertEquals(direct.nnz(), parsed.nnz());
        final CsrChunk read = parsed.chunks().get(0);
        for (int k = 0; k < direct.nnz(); k++)
        {
            assertEquals(direct.index(k), read.index(k));
            assertEquals(direct.value(k), read.value(k));
        }
    }
}
