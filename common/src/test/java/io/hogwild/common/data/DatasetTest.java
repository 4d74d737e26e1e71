package io.hogwild.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest
{
    @TempDir
    Path dir;

    static Path tinyDataset(final Path file) throws IOException
    {
        final CsrChunk first = new CsrChunk();
        first.addFeature(0, 1f);
        first.addFeature(4, 2f);
        first.endRow(1);
        first.endRow(-1);
        final CsrChunk second = new CsrChunk();
        second.addFeature(2, -3f);
        second.endRow(-1);
        DatasetWriter.write(file, List.of(first, second), 6, new SourceInfo(10, 20, 30));
        return file;
    }

    @Test
    void shouldReadBackWhatWasWritten() throws IOException
    {
        try (Dataset data = Dataset.open(tinyDataset(dir.resolve("tiny.hwd"))))
        {
            data.verify();
            assertEquals(3, data.rows());
            assertEquals(3, data.nnz());
            assertEquals(6, data.dimension());
            assertEquals(1, data.positives());
            assertEquals(new SourceInfo(10, 20, 30), data.source());
            assertEquals(0, data.rowStart(0));
            assertEquals(2, data.rowStart(1));
            assertEquals(2, data.rowStart(2));
            assertEquals(3, data.rowStart(3));
            assertEquals(1, data.label(0));
            assertEquals(-1, data.label(2));
            assertEquals(4, data.index(1));
            assertEquals(2f, data.value(1));
            assertEquals(2, data.index(2));
            assertEquals(-3f, data.value(2));
        }
    }

    @Test
    void shouldUnmapTheFileWhenClosed() throws IOException
    {
        final Path file = tinyDataset(dir.resolve("unmapped.hwd"));
        for (int i = 0; i < 3; i++)
        {
            try (Dataset data = Dataset.open(file))
            {
                assertEquals(3, data.rows());
                assertEquals(1, mappingsOf(file), "mapped while open");
            }
        }
        assertEquals(0, mappingsOf(file), "a closed dataset leaves no mapping behind (a long compare opens hundreds)");
    }

    private static long mappingsOf(final Path file) throws IOException
    {
        final Path maps = Path.of("/proc/self/maps");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(maps), "skipped: no /proc/self/maps here");
        final String name = file.toRealPath().toString();
        return Files.readAllLines(maps).stream().filter(line -> line.endsWith(name)).count();
    }

    @Test
    void shouldRefuseTruncatedAndForeignFiles() throws IOException
    {
        final Path file = tinyDataset(dir.resolve("t.hwd"));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(Files.size(file) - 4);
        }
        assertTrue(assertThrows(DatasetFileException.class, () -> Dataset.open(file)).getMessage()
            .contains("truncated or corrupt"));

        final Path foreign = dir.resolve("foreign.hwd");
        Files.write(foreign, new byte[256]);
        assertTrue(assertThrows(DatasetFileException.class, () -> Dataset.open(foreign)).getMessage()
            .contains("wrong magic"));
    }

    @Test
    void shouldDetectAnIndexBeyondTheDimension() throws IOException
    {
        final Path file = tinyDataset(dir.resolve("c.hwd"));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final ByteBuffer index = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 99);
            channel.write(index, entriesOffsetOf(file) + DatasetLayout.ENTRY_LENGTH);
        }
        try (Dataset data = Dataset.open(file))
        {
            // In 3 rows every feature is hot, so entry 1 names a slot: 99 is neither a slot nor allowed there.
            assertTrue(assertThrows(DatasetFileException.class, data::verify).getMessage()
                .contains("hot entry 1 with index field 99 at row 0"));
        }
    }

    private static long entriesOffsetOf(final Path file) throws IOException
    {
        try (Dataset data = Dataset.open(file))
        {
            return DatasetLayout.entriesOffset(data.rows(), data.hotFeatureCount());
        }
    }

    /** 300 rows; feature 7 in every row, feature 3 in rows 0 and 1, feature 9 in row 0 and every 2nd row. */
    private static Path hotAndCold(final Path file) throws IOException
    {
        final CsrChunk rows = new CsrChunk();
        for (int r = 0; r < 300; r++)
        {
            if (r < 2)
            {
                rows.addFeature(3, 3f);
            }
            rows.addFeature(7, 7f);
            if (r % 2 == 0)
            {
                rows.addFeature(9, 9f);
            }
            rows.endRow(r % 3 == 0 ? 1 : -1);
        }
        DatasetWriter.write(file, List.of(rows), 10, SourceInfo.GENERATED);
        return file;
    }

    @Test
    void shouldWriteHotFeaturesFirstInEveryRow() throws IOException
    {
        try (Dataset data = Dataset.open(hotAndCold(dir.resolve("hot.hwd"))))
        {
            data.verify();
            // Feature 3 is in 2 of 300 rows, under 1/128: the only cold one.
            assertEquals(2, data.hotFeatureCount());
            assertEquals(7, data.hotFeature(0));
            assertEquals(9, data.hotFeature(1));
            assertEquals(2, data.hotCount(0));
            assertEquals(7, data.index(0));
            assertEquals(7f, data.value(0));
            assertEquals(9, data.index(1));
            assertEquals(3, data.index(2));
            assertEquals(3f, data.value(2));
            assertEquals(1, data.hotCount(1));
            assertEquals(7, data.index(3));
            assertEquals(3, data.index(4));
            assertEquals(2, data.hotCount(2));
            assertEquals(1, data.hotCount(3));
        }
    }

    @Test
    void shouldDetectAHotCountThatDoesNotMatchTheRow() throws IOException
    {
        final Path file = hotAndCold(dir.resolve("badhot.hwd"));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            // Row 1 is {7 (hot), 3 (cold)}: a count of 2 calls the cold feature hot.
            final ByteBuffer count = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 2);
            channel.write(count, DatasetLayout.hotCountsOffset(300) + Integer.BYTES);
        }
        try (Dataset data = Dataset.open(file))
        {
            assertTrue(assertThrows(DatasetFileException.class, data::verify).getMessage()
                .contains("hot entry 4 with index field 3 at row 1"));
        }
    }

    @Test
    void shouldRefuseAnOlderFormatNamingTheWayOut() throws IOException
    {
        final Path file = tinyDataset(dir.resolve("v1.hwd"));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1), DatasetLayout.VERSION_OFFSET);
        }
        final String message = assertThrows(DatasetFileException.class, () -> Dataset.open(file)).getMessage();
        assertTrue(message.contains("dataset format version 1, this program reads 2; convert its LIBSVM source again"),
            message);
    }

    @Test
    void shouldTakeAConvertedFileAsIs() throws IOException
    {
        final Path converted = tinyDataset(dir.resolve("converted.hwd"));
        assertTrue(Dataset.isDatasetFile(converted));
        assertEquals(converted, new DatasetCache(dir.resolve("cache")).resolve(converted, 1, line -> { }));
        final Path text = dir.resolve("text.libsvm");
        Files.writeString(text, "+1 1:1\n");
        assertFalse(Dataset.isDatasetFile(text));
    }

    @Test
    void shouldConvertOnceAndReuseTheCacheWhileTheSourceIsUnchanged() throws IOException
    {
        final Path source = dir.resolve("s.libsvm");
        Files.writeString(source, "+1 1:1\n-1 2:1\n");
        final DatasetCache cache = new DatasetCache(dir.resolve("cache"));
        final StringBuilder log = new StringBuilder();
        final Path first = cache.resolve(source, 1, log::append);
        assertTrue(log.toString().contains("converted"));
        log.setLength(0);
        assertEquals(first, cache.resolve(source, 1, log::append));
        assertEquals("", log.toString());

        Files.writeString(source, "+1 1:1\n-1 2:1\n+1 3:1\n");
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        cache.resolve(source, 1, log::append);
        assertTrue(log.toString().contains("converted"));
        try (Dataset data = Dataset.open(first))
        {
            assertEquals(3, data.rows());
        }
    }
}
