package io.hogwild.common.data;

import static io.hogwild.common.data.DatasetLayout.*;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes blocks of rows to a dataset file ({@link DatasetLayout}). It counts the rows of every feature
 * first, to find the hot ones and write them first in each row, and writes the rows in the layout's
 * shuffled order ({@link DatasetLayout#shuffledRows}). It writes to a temporary file beside
 * the target, writes the magic last and then renames, so a reader never maps a half-written file.
 */
public final class DatasetWriter
{
    private static final int BUFFER_LENGTH = 1 << 20;
    /** Rows of the entries section a writing thread takes at a time, at least. */
    private static final long ROWS_PER_PART = 16_384;

    private DatasetWriter()
    {
    }

    /**
     * Writes the rows of {@code chunks}, taken in order as the source's rows, as one dataset that stores
     * them shuffled ({@link DatasetLayout#shuffledRows}) and records each one's source row.
     *
     * @param dimension the number of features to record: at least the largest index + 1 of any chunk
     */
    public static void write(final Path target, final List<CsrChunk> chunks, final long dimension,
        final SourceInfo source) throws IOException
    {
        long rows = 0;
        long nnz = 0;
        long positives = 0;
        int maxIndex = -1;
        for (final CsrChunk chunk : chunks)
        {
            rows += chunk.rows();
            nnz += chunk.nnz();
            positives += chunk.positives();
            maxIndex = Math.max(maxIndex, chunk.maxIndex());
        }
        if (rows > Integer.MAX_VALUE - 8)
        {
            throw new IOException(target + ": " + rows + " rows, more than a dataset file holds (2^31 - 9)");
        }
        final boolean[] hot = hotFeatures(chunks, maxIndex + 1, rows);
        // A hot feature's slot: its rank among the hot features.
        final int[] slot = new int[hot.length];
        int hotCount = 0;
        for (int u = 0; u < hot.length; u++)
        {
            slot[u] = hot[u] ? hotCount++ : -1;
        }

        final Path parent = target.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        final Path temp = target.resolveSibling(target.getFileName() + ".tmp" + ProcessHandle.current().pid());
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);

            final int[] sourceRows = shuffledRows((int)rows);
            // Each file row's chunk and row in it, looked up once for the passes below.
            final int[] rowChunk = new int[(int)rows];
            final int[] rowInChunk = new int[(int)rows];
            locate(chunks, sourceRows, rowChunk, rowInChunk);

            channel.position(rowOffsetsOffset());
            final long[] rowStarts = new long[(int)rows + 1];
            out.putLong(0L);
            for (int row = 0; row < rows; row++)
            {
                final CsrChunk chunk = chunks.get(rowChunk[row]);
                final int r = rowInChunk[row];
                rowStarts[row + 1] = rowStarts[row] + chunk.rowEnd(r) - (r == 0 ? 0 : chunk.rowEnd(r - 1));
                ensure(channel, out, Long.BYTES);
                out.putLong(rowStarts[row + 1]);
            }
            flush(channel, out);

            channel.position(labelsOffset(rows));
            for (int row = 0; row < rows; row++)
            {
                ensure(channel, out, 1);
                out.put((byte)chunks.get(rowChunk[row]).label(rowInChunk[row]));
            }
            flush(channel, out);

            channel.position(sourceRowsOffset(rows));
            for (final int sourceRow : sourceRows)
            {
                ensure(channel, out, Integer.BYTES);
                out.putInt(sourceRow);
            }
            flush(channel, out);

            channel.position(hotFeaturesOffset(rows));
            for (int u = 0; u < hot.length; u++)
            {
                if (hot[u])
                {
                    ensure(channel, out, Integer.BYTES);
                    out.putInt(u);
                }
            }
            flush(channel, out);

            // The entries, and each row's count of hot ones on the side for the section before them. The rows
            // are gathered from the chunks in the shuffled order, a few cache misses each: in parallel, each
            // part of the file's rows written at its own place.
            final int[] rowHot = new int[(int)rows];
            final long entriesStart = entriesOffset(rows, hotCount);
            final int parts = (int)Math.min(rows / ROWS_PER_PART + 1, 4L * Runtime.getRuntime().availableProcessors());
            // Every part runs to its end or stops at the first failure anywhere. However this ends (an
            // interrupt makes invokeAll return early), the pool is drained before the channel is closed and
            // the temporary file deleted, so no part writes after that.
            final AtomicBoolean failed = new AtomicBoolean();
            final List<Callable<Void>> writes = new ArrayList<>(parts);
            for (int p = 0; p < parts; p++)
            {
                final int first = (int)(rows * p / parts);
                final int end = (int)(rows * (p + 1) / parts);
                writes.add(() ->
                {
                    try
                    {
                        final PositionalWriter writer = new PositionalWriter(channel,
                            entriesStart + rowStarts[first] * ENTRY_LENGTH);
                        for (int row = first; row < end && !failed.get(); row++)
                        {
                            final CsrChunk chunk = chunks.get(rowChunk[row]);
                            final int r = rowInChunk[row];
                            rowHot[row] = putRow(writer, chunk, r == 0 ? 0 : chunk.rowEnd(r - 1), chunk.rowEnd(r), slot);
                        }
                        writer.flush();
                        return null;
                    }
                    catch (final Throwable ex)
                    {
                        failed.set(true);
                        throw ex;
                    }
                });
            }
            final ExecutorService writers = Executors.newFixedThreadPool(
                Math.min(parts, Runtime.getRuntime().availableProcessors()));
            try
            {
                for (final Future<Void> write : writers.invokeAll(writes))
                {
                    write.get();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                final InterruptedIOException interrupted = new InterruptedIOException("interrupted while writing "
                    + target);
                interrupted.initCause(ex);
                throw interrupted;
            }
            catch (final ExecutionException ex)
            {
                if (ex.getCause() instanceof IOException io)
                {
                    throw io;
                }
                if (ex.getCause() instanceof RuntimeException runtime)
                {
                    throw runtime;
                }
                throw (Error)ex.getCause();
            }
            finally
            {
                failed.set(true); // a no-op once every part has finished; otherwise stops the others
                writers.shutdownNow();
                awaitUninterruptibly(writers);
            }

            channel.position(hotCountsOffset(rows));
            for (final int count : rowHot)
            {
                ensure(channel, out, Integer.BYTES);
                out.putInt(count);
            }
            flush(channel, out);

            // Header, with the magic last; the buffer's old bytes cleared first.
            out.clear();
            out.put(0, new byte[HEADER_LENGTH]);
            out.putLong(MAGIC_OFFSET, 0L);
            out.putInt(VERSION_OFFSET, VERSION);
            out.putLong(ROWS_OFFSET, rows);
            out.putLong(NNZ_OFFSET, nnz);
            out.putLong(DIMENSION_OFFSET, dimension);
            out.putLong(POSITIVES_OFFSET, positives);
            out.putLong(SOURCE_LENGTH_OFFSET, source.length());
            out.putLong(SOURCE_MODIFIED_MS_OFFSET, source.modifiedMs());
            out.putLong(SOURCE_CHECKSUM_OFFSET, source.checksum());
            out.putLong(ROW_OFFSETS_OFFSET_OFFSET, rowOffsetsOffset());
            out.putLong(LABELS_OFFSET_OFFSET, labelsOffset(rows));
            out.putLong(ENTRIES_OFFSET_OFFSET, entriesOffset(rows, hotCount));
            out.putLong(HOT_FEATURES_OFFSET, hotCount);
            out.putLong(HOT_COUNTS_OFFSET_OFFSET, hotCountsOffset(rows));
            out.putLong(HOT_FEATURES_OFFSET_OFFSET, hotFeaturesOffset(rows));
            out.putLong(SOURCE_ROWS_OFFSET_OFFSET, sourceRowsOffset(rows));
            out.position(0).limit(HEADER_LENGTH);
            channel.write(out, 0);
            channel.force(false);
            out.clear();
            out.putLong(MAGIC);
            out.flip();
            channel.write(out, MAGIC_OFFSET);
            // Pad to the full length even when the last section is empty.
            final long length = fileLength(rows, nnz, hotCount);
            if (channel.size() < length)
            {
                channel.write(ByteBuffer.wrap(new byte[1]), length - 1);
            }
            channel.force(false);
        }
        catch (final Throwable ex) // an OutOfMemoryError too: no temp file left behind
        {
            try
            {
                Files.deleteIfExists(temp);
            }
            catch (final IOException deleteFailure)
            {
                ex.addSuppressed(deleteFailure);
            }
            throw ex;
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits for every task of {@code pool} to end, keeping an interrupt for after. */
    private static void awaitUninterruptibly(final ExecutorService pool)
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                if (pool.awaitTermination(1, TimeUnit.MINUTES))
                {
                    break;
                }
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Finds the chunk and the row within it of each source row in {@code sourceRows}, in that order. */
    private static void locate(final List<CsrChunk> chunks, final int[] sourceRows, final int[] rowChunk,
        final int[] rowInChunk)
    {
        final int[] firstRow = new int[chunks.size() + 1];
        for (int c = 0; c < chunks.size(); c++)
        {
            firstRow[c + 1] = firstRow[c] + chunks.get(c).rows();
        }
        for (int row = 0; row < sourceRows.length; row++)
        {
            final int sourceRow = sourceRows[row];
            int low = 0;
            int high = chunks.size() - 1;
            while (low < high) // the last chunk whose first row is at most sourceRow
            {
                final int middle = (low + high + 1) >>> 1;
                if (firstRow[middle] <= sourceRow)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }
            rowChunk[row] = low;
            rowInChunk[row] = sourceRow - firstRow[low];
        }
    }

    /**
     * Puts the entries {@code [from, to)} of {@code chunk} as one row, its hot ones first (index field
     * {@code -1 - slot}), each part in the chunk's order; returns how many are hot.
     */
    private static int putRow(final PositionalWriter writer, final CsrChunk chunk, final int from, final int to,
        final int[] slot) throws IOException
    {
        final ByteBuffer out = writer.buffer;
        int hotEntries = 0;
        for (int k = from; k < to; k++)
        {
            hotEntries += ~slot[chunk.index(k)] >>> 31;
        }
        final long bytes = (long)(to - from) * ENTRY_LENGTH;
        if (bytes > out.capacity())
        {
            // A row longer than the buffer: the hot entries, then the others, entry by entry.
            for (int pass = 1; pass >= 0; pass--)
            {
                for (int k = from; k < to; k++)
                {
                    final int featureSlot = slot[chunk.index(k)];
                    if (~featureSlot >>> 31 == pass)
                    {
                        writer.ensure(ENTRY_LENGTH);
                        out.putInt(pass == 1 ? hotEntryIndex(featureSlot) : chunk.index(k));
                        out.putFloat(chunk.value(k));
                    }
                }
            }
            return hotEntries;
        }
        writer.ensure((int)bytes);
        // Both parts in one pass, without a branch on hot or cold: each entry goes to the next free place of
        // its part.
        final int start = out.position();
        int hotAt = start;
        int coldAt = start + hotEntries * ENTRY_LENGTH;
        for (int k = from; k < to; k++)
        {
            final int feature = chunk.index(k);
            final int featureSlot = slot[feature];
            final int isHot = ~featureSlot >>> 31;
            final int place = isHot != 0 ? hotAt : coldAt;
            out.putInt(place, isHot != 0 ? hotEntryIndex(featureSlot) : feature);
            out.putFloat(place + ENTRY_VALUE_OFFSET, chunk.value(k));
            hotAt += isHot * ENTRY_LENGTH;
            coldAt += (1 - isHot) * ENTRY_LENGTH;
        }
        out.position(start + (int)bytes);
        return hotEntries;
    }

    /** Which of the features {@code [0, features)} are hot ({@link DatasetLayout#isHot}). */
    private static boolean[] hotFeatures(final List<CsrChunk> chunks, final int features, final long rows)
    {
        final int[] counts = new int[features];
        for (final CsrChunk chunk : chunks)
        {
            for (int k = 0; k < chunk.nnz(); k++)
            {
                counts[chunk.index(k)]++;
            }
        }
        final boolean[] hot = new boolean[features];
        for (int u = 0; u < features; u++)
        {
            hot[u] = isHot(counts[u], rows);
        }
        return hot;
    }

    /** A buffer that writes to its own place in a file, so that several can fill one file at once. */
    private static final class PositionalWriter
    {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        private long position;

        PositionalWriter(final FileChannel channel, final long position)
        {
            this.channel = channel;
            this.position = position;
        }

        void ensure(final int bytes) throws IOException
        {
            if (buffer.remaining() < bytes)
            {
                flush();
            }
        }

        void flush() throws IOException
        {
            buffer.flip();
            while (buffer.hasRemaining())
            {
                position += channel.write(buffer, position);
            }
            buffer.clear();
        }
    }

    private static void ensure(final FileChannel channel, final ByteBuffer out, final int bytes) throws IOException
    {
        if (out.remaining() < bytes)
        {
            flush(channel, out);
        }
    }

    private static void flush(final FileChannel channel, final ByteBuffer out) throws IOException
    {
        out.flip();
        while (out.hasRemaining())
        {
            channel.write(out);
        }
        out.clear();
    }
}
