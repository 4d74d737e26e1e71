package io.hogwild.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
            final int[] row = data.rowsInSourceOrder();
            assertEquals(0, data.rowStart(0));
            assertEquals(3, data.rowStart(3));
            assertEquals(2, data.rowStart(row[0] + 1) - data.rowStart(row[0]));
            assertEquals(0, data.rowStart(row[1] + 1) - data.rowStart(row[1]));
            assertEquals(1, data.label(row[0]));
            assertEquals(-1, data.label(row[1]));
            assertEquals(-1, data.label(row[2]));
            assertEquals(0, data.index(data.rowStart(row[0])));
            assertEquals(1f, data.value(data.rowStart(row[0])));
            assertEquals(4, data.index(data.rowStart(row[0]) + 1));
            assertEquals(2f, data.value(data.rowStart(row[0]) + 1));
            assertEquals(2, data.index(data.rowStart(row[2])));
            assertEquals(-3f, data.value(data.rowStart(row[2])));
        }
    }

    @Test
    void shouldStoreTheRowsShuffledAndSayWhereEachCameFrom() throws IOException
    {
        // Rows sorted by label, as many LIBSVM files come: 500 positives, then 500 negatives; row r holds
        // feature r, so each row names its source row.
        final CsrChunk sorted = new CsrChunk();
        for (int r = 0; r < 1_000; r++)
        {
            sorted.addFeature(r, 1f);
            sorted.endRow(r < 500 ? 1 : -1);
        }
        final Path file = dir.resolve("sorted.hwd");
        DatasetWriter.write(file, List.of(sorted), 1_000, SourceInfo.GENERATED);
        try (Dataset data = Dataset.open(file))
        {
            data.verify();
            int moved = 0;
            for (int r = 0; r < 1_000; r++)
            {
                final int source = data.sourceRow(r);
                assertEquals(source, data.index(data.rowStart(r)), "row " + r + " holds its source row");
                assertEquals(source < 500 ? 1 : -1, data.label(r));
                moved += source != r ? 1 : 0;
            }
            assertTrue(moved > 900, moved + " rows moved");
            // Any block of 100 consecutive rows mixes the labels: no run of one label a long block could bias.
            for (int first = 0; first < 1_000; first += 100)
            {
                int positives = 0;
                for (int r = first; r < first + 100; r++)
                {
                    positives += data.label(r) > 0 ? 1 : 0;
                }
                assertTrue(positives > 25 && positives < 75, positives + " positives in rows " + first + "+100");
            }
            final int[] inSourceOrder = data.rowsInSourceOrder();
            for (int source = 0; source < 1_000; source++)
            {
                assertEquals(source, data.sourceRow(inSourceOrder[source]));
            }
        }
        final Path again = dir.resolve("again.hwd");
        DatasetWriter.write(again, List.of(sorted), 1_000, SourceInfo.GENERATED);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again), "the same source, the same file");
    }

    /**
     * Enough rows for the entries to be written in several parts at once, from chunks of uneven sizes (some
     * empty): every row holds what its source row held, and the file is the one a single chunk gives.
     */
    @Test
    void shouldWriteTheSameFileInParallelPartsFromAnyChunking() throws IOException
    {
        final int[] chunkRows = {0, 7_001, 0, 30_000, 1, 12_345, 0};
        final List<CsrChunk> chunks = new java.util.ArrayList<>();
        final CsrChunk whole = new CsrChunk();
        int source = 0;
        for (final int count : chunkRows)
        {
            final CsrChunk chunk = new CsrChunk();
            for (int i = 0; i < count; i++, source++)
            {
                for (final CsrChunk target : List.of(chunk, whole))
                {
                    target.addFeature(source % 997, source);
                    if (source % 3 == 0)
                    {
                        target.addFeature(1_000, 1f); // a hot feature, so rows hold hot entries after cold ones
                    }
                    target.endRow(source % 2 == 0 ? 1 : -1);
                }
            }
            chunks.add(chunk);
        }
        final int rows = source;
        final Path file = dir.resolve("parts.hwd");
        DatasetWriter.write(file, chunks, 1_001, SourceInfo.GENERATED);
        try (Dataset data = Dataset.open(file))
        {
            data.verify();
            assertEquals(rows, data.rows());
            for (int r = 0; r < rows; r++)
            {
                final int from = data.sourceRow(r);
                assertEquals(from % 2 == 0 ? 1 : -1, data.label(r), "row " + r);
                assertEquals(from % 3 == 0 ? 2 : 1, data.rowStart(r + 1) - data.rowStart(r), "row " + r);
                for (long k = data.rowStart(r); k < data.rowStart(r + 1); k++)
                {
                    if (data.index(k) == 1_000)
                    {
                        assertEquals(1f, data.value(k));
                    }
                    else
                    {
                        assertEquals(from % 997, data.index(k), "row " + r);
                        assertEquals((float)from, data.value(k), "row " + r);
                    }
                }
            }
        }
        final Path single = dir.resolve("single.hwd");
        DatasetWriter.write(single, List.of(whole), 1_001, SourceInfo.GENERATED);
        assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(file), "one chunk or seven, the same file");
    }

    /**
     * A write interrupted at any moment either finishes whole or fails with an IOException that keeps the
     * interrupt status; in both cases it leaves no temporary file and no writer thread running.
     */
    @Test
    @Timeout(120)
    void shouldLeaveNothingBehindWhenInterruptedAtAnyMoment() throws Exception
    {
        final List<CsrChunk> chunks = new java.util.ArrayList<>();
        for (int c = 0; c < 8; c++)
        {
            final CsrChunk chunk = new CsrChunk();
            for (int i = 0; i < 25_000; i++)
            {
                for (int k = 0; k < 20; k++)
                {
                    chunk.addFeature(k * 250 + i % 250, 1f);
                }
                if (i % 3 == 0)
                {
                    chunk.addFeature(5_050, 1f); // hot
                }
                chunk.endRow(i % 2 == 0 ? 1 : -1);
            }
            chunks.add(chunk);
        }
        final Path target = dir.resolve("interrupted.hwd");
        final long startNs = System.nanoTime();
        DatasetWriter.write(target, chunks, 5_100, SourceInfo.GENERATED);
        final long writeNs = System.nanoTime() - startNs;
        Files.delete(target);

        int finished = 0;
        int failed = 0;
        for (int trial = 0; trial < 12; trial++)
        {
            final java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            final java.util.concurrent.atomic.AtomicReference<Throwable> outcome =
                new java.util.concurrent.atomic.AtomicReference<>();
            final java.util.concurrent.atomic.AtomicBoolean interruptKept = new java.util.concurrent.atomic.AtomicBoolean();
            final Thread writer = new Thread(() ->
            {
                try
                {
                    start.await();
                    DatasetWriter.write(target, chunks, 5_100, SourceInfo.GENERATED);
                }
                catch (final Throwable ex)
                {
                    outcome.set(ex);
                }
                interruptKept.set(Thread.currentThread().isInterrupted());
            }, "dataset-writer-under-test");
            writer.start();
            start.await();
            // Spread the interrupts over the write's whole length, its parallel entries section included.
            final long atNs = System.nanoTime() + writeNs * trial / 12;
            while (System.nanoTime() < atNs)
            {
                Thread.onSpinWait();
            }
            writer.interrupt();
            writer.join();

            try (java.util.stream.Stream<Path> files = Files.list(dir))
            {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".tmp")).toList(),
                    "trial " + trial + ": no temporary file left");
            }
            for (final Thread thread : Thread.getAllStackTraces().keySet())
            {
                for (final StackTraceElement frame : thread.getStackTrace())
                {
                    assertFalse(frame.getClassName().startsWith(DatasetWriter.class.getName()),
                        "trial " + trial + ": " + thread.getName() + " still runs the writer");
                }
            }
            if (outcome.get() == null)
            {
                finished++;
                try (Dataset data = Dataset.open(target))
                {
                    data.verify();
                    assertEquals(200_000, data.rows());
                }
                Files.delete(target);
            }
            else
            {
                failed++;
                assertTrue(outcome.get() instanceof IOException, "trial " + trial + ": " + outcome.get());
                assertTrue(interruptKept.get(), "trial " + trial + ": the interrupt status is kept");
                assertFalse(Files.exists(target), "trial " + trial + ": no file passed off as complete");
            }
        }
        assertTrue(failed > 0, "some writes were interrupted (" + finished + " finished)");
    }

    @Test
    void shouldDetectASourceRowsSectionThatIsNoPermutation() throws IOException
    {
        final Path file = tinyDataset(dir.resolve("badsource.hwd"));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            // Row 1 claims the source row that row 0 holds.
            final ByteBuffer row0 = ByteBuffer.allocate(4);
            channel.read(row0, DatasetLayout.sourceRowsOffset(3));
            channel.write(row0.flip(), DatasetLayout.sourceRowsOffset(3) + Integer.BYTES);
        }
        try (Dataset data = Dataset.open(file))
        {
            final String message = assertThrows(DatasetFileException.class, data::verify).getMessage();
            assertTrue(message.contains("at row 1 out of range or repeated"), message);
        }
    }

    /** Both ways of mapping: FileChannel (files up to 2 GiB) and Chronicle Bytes (longer ones). */
    @ParameterizedTest(name = "mapped by {0}")
    @ValueSource(strings = {"channel", "chronicle"})
    void shouldReadTheRowsAndUnmapTheFileWhenClosed(final String way) throws IOException
    {
        final long maxChannelMapping = "channel".equals(way) ? Integer.MAX_VALUE : 0;
        final Path file = tinyDataset(dir.resolve("unmapped.hwd"));
        for (int i = 0; i < 3; i++)
        {
            try (Dataset data = Dataset.open(file, maxChannelMapping))
            {
                data.verify();
                assertEquals(3, data.rows());
                final int[] row = data.rowsInSourceOrder();
                assertEquals(1f, data.value(data.rowStart(row[0])));
                assertEquals(1, mappingsOf(file), "mapped while open");
            }
        }
        assertEquals(0, mappingsOf(file), "a closed dataset leaves no mapping behind (a long compare opens hundreds)");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(channel.size() - 1);
        }
        assertThrows(DatasetFileException.class, () -> Dataset.open(file, maxChannelMapping));
        assertEquals(0, mappingsOf(file), "a refused file is unmapped too");
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
            final int[] row = data.rowsInSourceOrder();
            assertEquals(2, data.hotCount(row[0]));
            final long first = data.rowStart(row[0]);
            assertEquals(7, data.index(first));
            assertEquals(7f, data.value(first));
            assertEquals(9, data.index(first + 1));
            assertEquals(3, data.index(first + 2));
            assertEquals(3f, data.value(first + 2));
            assertEquals(1, data.hotCount(row[1]));
            final long second = data.rowStart(row[1]);
            assertEquals(7, data.index(second));
            assertEquals(3, data.index(second + 1));
            assertEquals(2, data.hotCount(row[2]));
            assertEquals(1, data.hotCount(row[3]));
        }
    }

    @Test
    void shouldDetectAHotCountThatDoesNotMatchTheRow() throws IOException
    {
        final Path file = hotAndCold(dir.resolve("badhot.hwd"));
        final int row;
        final long secondEntry;
        try (Dataset data = Dataset.open(file))
        {
            row = data.rowsInSourceOrder()[1];
            secondEntry = data.rowStart(row) + 1;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            // The source's row 1 is {7 (hot), 3 (cold)}: a count of 2 calls the cold feature hot.
            final ByteBuffer count = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 2);
            channel.write(count, DatasetLayout.hotCountsOffset(300) + (long)row * Integer.BYTES);
        }
        try (Dataset data = Dataset.open(file))
        {
            final String message = assertThrows(DatasetFileException.class, data::verify).getMessage();
            assertTrue(message.contains("hot entry " + secondEntry + " with index field 3 at row " + row), message);
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
        assertTrue(message.contains("dataset format version 1, this program reads 3; convert its LIBSVM source again"),
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
