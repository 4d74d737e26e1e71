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
            channel.write(index, DatasetLayout.entriesOffset(3) + DatasetLayout.ENTRY_LENGTH);
        }
        try (Dataset data = Dataset.open(file))
        {
            assertTrue(assertThrows(DatasetFileException.class, data::verify).getMessage()
                .contains("feature index 99"));
        }
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
