package io.hogwild.common.data;

import static io.hogwild.common.data.DatasetLayout.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes blocks of rows to a dataset file ({@link DatasetLayout}). It writes to a temporary file beside
 * the target, writes the magic last and then renames, so a reader never maps a half-written file.
 */
public final class DatasetWriter
{
    private static final int BUFFER_LENGTH = 1 << 20;

    private DatasetWriter()
    {
    }

    /**
     * Writes {@code chunks} in order as one dataset.
     *
     * @param dimension the number of features to record: at least the largest index + 1 of any chunk
     */
    public static void write(final Path target, final List<CsrChunk> chunks, final long dimension,
        final SourceInfo source) throws IOException
    {
        long rows = 0;
        long nnz = 0;
        long positives = 0;
        for (final CsrChunk chunk : chunks)
        {
            rows += chunk.rows();
            nnz += chunk.nnz();
            positives += chunk.positives();
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

            channel.position(rowOffsetsOffset());
            long offset = 0;
            out.putLong(0L);
            for (final CsrChunk chunk : chunks)
            {
                for (int r = 0; r < chunk.rows(); r++)
                {
                    ensure(channel, out, Long.BYTES);
                    out.putLong(offset + chunk.rowEnd(r));
                }
                offset += chunk.nnz();
            }
            flush(channel, out);

            channel.position(labelsOffset(rows));
            for (final CsrChunk chunk : chunks)
            {
                for (int r = 0; r < chunk.rows(); r++)
                {
                    ensure(channel, out, 1);
                    out.put((byte)chunk.label(r));
                }
            }
            flush(channel, out);

            channel.position(entriesOffset(rows));
            for (final CsrChunk chunk : chunks)
            {
                for (int k = 0; k < chunk.nnz(); k++)
                {
                    ensure(channel, out, ENTRY_LENGTH);
                    out.putInt(chunk.index(k));
                    out.putFloat(chunk.value(k));
                }
            }
            flush(channel, out);

            // Header, with the magic last.
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
            out.putLong(ENTRIES_OFFSET_OFFSET, entriesOffset(rows));
            out.position(0).limit(HEADER_LENGTH);
            channel.write(out, 0);
            channel.force(false);
            out.clear();
            out.putLong(MAGIC);
            out.flip();
            channel.write(out, MAGIC_OFFSET);
            // Pad to the full length even when the last section is empty.
            final long length = fileLength(rows, nnz);
            if (channel.size() < length)
            {
                channel.write(ByteBuffer.wrap(new byte[1]), length - 1);
            }
            channel.force(false);
        }
        catch (final IOException | RuntimeException ex)
        {
            Files.deleteIfExists(temp);
            throw ex;
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
