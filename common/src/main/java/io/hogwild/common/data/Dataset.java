package io.hogwild.common.data;

import static io.hogwild.common.data.DatasetLayout.*;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import net.openhft.chronicle.bytes.MappedBytes;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.UnsafeApi;

/**
 * A dataset file ({@link DatasetLayout}) mapped read-only. Every process and thread that trains maps the
 * same file, so the page cache holds one copy however many workers there are.
 *
 * <p>The file is mapped whole, in one region: by {@code FileChannel.map} up to 2 GiB, and beyond that by
 * Chronicle Bytes, which maps more than 2 GiB in one region. (Chronicle is not the only way because its
 * first use costs a fresh JVM about half a second of class loading and runtime code generation, which
 * every worker process paid before it could train.) Rows are then read by absolute address,
 * without bounds checks: {@link #open} checks the header and the section offsets against the file's
 * length, and {@link #verify} walks the row offsets and indices, so a reader that stays within
 * {@code [0, rows)} and {@code [rowStart(r), rowEnd(r))} stays inside the mapping.
 */
public final class Dataset implements AutoCloseable
{
    private final Path path;
    private final Runnable unmap;
    private final long rows;
    private final long nnz;
    private final long dimension;
    private final long positives;
    private final SourceInfo source;
    private final long rowOffsetsAddress;
    private final long labelsAddress;
    private final long entriesAddress;
    private final long hotFeatureCount;
    private final long hotCountsAddress;
    private final long hotFeaturesAddress;
    private final long sourceRowsAddress;
    private final long baseAddress;
    private final long fileLength;

    private Dataset(final Path path, final Runnable unmap, final long baseAddress, final long fileLength)
    {
        this.path = path;
        this.unmap = unmap;
        this.baseAddress = baseAddress;
        this.fileLength = fileLength;
        this.rows = UnsafeApi.getLong(baseAddress + ROWS_OFFSET);
        this.nnz = UnsafeApi.getLong(baseAddress + NNZ_OFFSET);
        this.dimension = UnsafeApi.getLong(baseAddress + DIMENSION_OFFSET);
        this.positives = UnsafeApi.getLong(baseAddress + POSITIVES_OFFSET);
        this.source = new SourceInfo(
            UnsafeApi.getLong(baseAddress + SOURCE_LENGTH_OFFSET),
            UnsafeApi.getLong(baseAddress + SOURCE_MODIFIED_MS_OFFSET),
            UnsafeApi.getLong(baseAddress + SOURCE_CHECKSUM_OFFSET));
        this.rowOffsetsAddress = baseAddress + UnsafeApi.getLong(baseAddress + ROW_OFFSETS_OFFSET_OFFSET);
        this.labelsAddress = baseAddress + UnsafeApi.getLong(baseAddress + LABELS_OFFSET_OFFSET);
        this.entriesAddress = baseAddress + UnsafeApi.getLong(baseAddress + ENTRIES_OFFSET_OFFSET);
        this.hotFeatureCount = UnsafeApi.getLong(baseAddress + HOT_FEATURES_OFFSET);
        this.hotCountsAddress = baseAddress + UnsafeApi.getLong(baseAddress + HOT_COUNTS_OFFSET_OFFSET);
        this.hotFeaturesAddress = baseAddress + UnsafeApi.getLong(baseAddress + HOT_FEATURES_OFFSET_OFFSET);
        this.sourceRowsAddress = baseAddress + UnsafeApi.getLong(baseAddress + SOURCE_ROWS_OFFSET_OFFSET);
    }

    /** True when {@code path} is a regular file that starts with the dataset magic. */
    public static boolean isDatasetFile(final Path path)
    {
        if (!Files.isRegularFile(path))
        {
            return false;
        }
        try (java.io.InputStream in = Files.newInputStream(path))
        {
            final byte[] magic = in.readNBytes(Long.BYTES);
            return magic.length == Long.BYTES &&
                java.nio.ByteBuffer.wrap(magic).order(ByteOrder.LITTLE_ENDIAN).getLong() == MAGIC;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** Maps a dataset file and checks its header; throws {@link DatasetFileException} naming the problem. */
    public static Dataset open(final Path path)
    {
        return open(path, Integer.MAX_VALUE);
    }

    /** {@link #open(Path)}, mapping files longer than {@code maxChannelMapping} bytes with Chronicle Bytes. */
    static Dataset open(final Path path, final long maxChannelMapping)
    {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN)
        {
            throw new DatasetFileException(path + ": dataset files are little-endian; this platform is not");
        }
        final long length;
        try
        {
            if (!Files.isRegularFile(path))
            {
                throw new DatasetFileException(path + ": no such dataset file");
            }
            length = Files.size(path);
        }
        catch (final IOException ex)
        {
            throw new DatasetFileException(path + ": cannot read: " + ex.getMessage(), ex);
        }
        if (length < HEADER_LENGTH)
        {
            throw new DatasetFileException(path + ": not a hogwild dataset file (" + length + " bytes)");
        }
        final Region region;
        try
        {
            region = length <= maxChannelMapping ? mapByChannel(path, length) : mapByChronicle(path, length);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new DatasetFileException(path + ": cannot map: " + ex.getMessage(), ex);
        }
        try
        {
            checkHeader(path, region.address(), length);
        }
        catch (final DatasetFileException ex)
        {
            region.unmap().run();
            throw ex;
        }
        return new Dataset(path, region.unmap(), region.address(), length);
    }

    /** A mapped file: the address of its first byte, and how to unmap it. */
    private record Region(long address, Runnable unmap)
    {
    }

    private static Region mapByChannel(final Path path, final long length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            // The buffer is held by the unmapper, so it is not collected (and unmapped) while the rows are read.
            final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
            return new Region(BufferUtil.address(buffer), () -> IoUtil.unmap(buffer));
        }
    }

    private static Region mapByChronicle(final Path path, final long length) throws IOException
    {
        final MappedBytes mapping = MappedBytes.singleMappedBytes(path.toFile(), length, true);
        mapping.singleThreadedCheckDisabled(true);
        return new Region(mapping.addressForRead(0), () ->
        {
            mapping.releaseLast();
            // Chronicle unmaps on a background thread; finish it now, so that a closed dataset is unmapped.
            net.openhft.chronicle.core.io.BackgroundResourceReleaser.releasePendingResources();
        });
    }

    private static void checkHeader(final Path path, final long base, final long length)
    {
        if (UnsafeApi.getLong(base + MAGIC_OFFSET) != MAGIC)
        {
            throw new DatasetFileException(path + ": not a hogwild dataset file, or an incomplete one (wrong magic)");
        }
        final int version = UnsafeApi.getInt(base + VERSION_OFFSET);
        if (version != VERSION)
        {
            throw new DatasetFileException(path + ": dataset format version " + version + ", this program reads " +
                VERSION + "; convert its LIBSVM source again (hogwild convert), or give --data the source itself");
        }
        final long rows = UnsafeApi.getLong(base + ROWS_OFFSET);
        final long nnz = UnsafeApi.getLong(base + NNZ_OFFSET);
        final long hot = UnsafeApi.getLong(base + HOT_FEATURES_OFFSET);
        // Bound the counts by the file's length before any arithmetic on them can overflow.
        if (rows < 0 || nnz < 0 || hot < 0 || rows > Math.min(length, Integer.MAX_VALUE - 8) ||
            nnz > length / ENTRY_LENGTH || hot > length ||
            UnsafeApi.getLong(base + ROW_OFFSETS_OFFSET_OFFSET) != rowOffsetsOffset() ||
            UnsafeApi.getLong(base + LABELS_OFFSET_OFFSET) != labelsOffset(rows) ||
            UnsafeApi.getLong(base + HOT_COUNTS_OFFSET_OFFSET) != hotCountsOffset(rows) ||
            UnsafeApi.getLong(base + HOT_FEATURES_OFFSET_OFFSET) != hotFeaturesOffset(rows) ||
            UnsafeApi.getLong(base + SOURCE_ROWS_OFFSET_OFFSET) != sourceRowsOffset(rows) ||
            UnsafeApi.getLong(base + ENTRIES_OFFSET_OFFSET) != entriesOffset(rows, hot) ||
            length < fileLength(rows, nnz, hot))
        {
            throw new DatasetFileException(path + ": truncated or corrupt dataset file (" + length + " bytes for " +
                rows + " rows and " + nnz + " non-zeros)");
        }
    }

    /**
     * Walks every row offset, label, hot count, source row and index: offsets ascending from 0 to nnz, labels
     * +1 or -1, source rows a permutation of {@code [0, rows)}, hot features ascending in {@code [0, dimension)},
     * each row's first {@link #hotCount} entries hot and the rest not, each part with indices ascending and in
     * {@code [0, dimension)}. O(nnz); run once by the process that converts or first opens a file.
     */
    public void verify()
    {
        try
        {
            verifyMapped();
        }
        finally
        {
            Reference.reachabilityFence(this); // the mapping outlives the walk (see touchPages)
        }
    }

    private void verifyMapped()
    {
        if (dimension < 0 || dimension > Integer.MAX_VALUE - 8 || hotFeatureCount > dimension)
        {
            throw corrupt("dimension " + dimension + " with " + hotFeatureCount + " hot features");
        }
        final boolean[] hot = new boolean[(int)dimension];
        for (int i = 0; i < hotFeatureCount; i++)
        {
            final int feature = hotFeature(i);
            if (feature < 0 || feature >= dimension || (i > 0 && feature <= hotFeature(i - 1)))
            {
                throw corrupt("hot feature " + feature + " out of order or range");
            }
            hot[feature] = true;
        }
        final java.util.BitSet seen = new java.util.BitSet((int)rows);
        for (long r = 0; r < rows; r++)
        {
            final int sourceRow = sourceRow(r);
            if (sourceRow < 0 || sourceRow >= rows || seen.get(sourceRow))
            {
                throw corrupt("source row " + sourceRow + " at row " + r + " out of range or repeated");
            }
            seen.set(sourceRow);
        }
        long previous = rowStart(0);
        if (previous != 0 || rowStart(rows) != nnz)
        {
            throw corrupt("row offsets do not span [0, nnz]");
        }
        for (long r = 0; r < rows; r++)
        {
            final long end = rowStart(r + 1);
            if (end < previous)
            {
                throw corrupt("row offsets decrease at row " + r);
            }
            final int label = label(r);
            if (label != 1 && label != -1)
            {
                throw corrupt("label " + label + " at row " + r);
            }
            final int hotCount = hotCount(r);
            if (hotCount < 0 || hotCount > end - previous)
            {
                throw corrupt("hot count " + hotCount + " at row " + r + " of " + (end - previous) + " entries");
            }
            int last = -1;
            for (long k = previous; k < end; k++)
            {
                final boolean hotPart = k < previous + hotCount;
                final int raw = entryIndex(k);
                if (k == previous + hotCount)
                {
                    last = -1; // the other entries start again from the lowest
                }
                if (hotPart && (raw >= 0 || hotSlot(raw) >= hotFeatureCount))
                {
                    throw corrupt("hot entry " + k + " with index field " + raw + " at row " + r);
                }
                final int index = hotPart ? hotFeature(hotSlot(raw)) : raw;
                if (index <= last || index < 0 || index >= dimension || hot[index] != hotPart)
                {
                    throw corrupt("feature index " + index + " out of order or range at row " + r);
                }
                last = index;
            }
            previous = end;
        }
    }

    private DatasetFileException corrupt(final String what)
    {
        return new DatasetFileException(path + ": corrupt dataset file: " + what);
    }

    public Path path()
    {
        return path;
    }

    public long rows()
    {
        return rows;
    }

    public long nnz()
    {
        return nnz;
    }

    /** Number of features: one more than the largest 0-based index (the largest LIBSVM index). */
    public long dimension()
    {
        return dimension;
    }

    public long positives()
    {
        return positives;
    }

    public SourceInfo source()
    {
        return source;
    }

    /** First entry of row {@code row}; {@code rowStart(row + 1)} is its end. */
    public long rowStart(final long row)
    {
        return UnsafeApi.getLong(rowOffsetsAddress + (row << 3));
    }

    /** The place of row {@code row} among the source's rows (the file stores them shuffled). */
    public int sourceRow(final long row)
    {
        return UnsafeApi.getInt(sourceRowsAddress + (row << 2));
    }

    /** The rows in the source's order: element {@code i} is the row that holds the source's row {@code i}. */
    public int[] rowsInSourceOrder()
    {
        final int[] rows = new int[(int)this.rows];
        for (int r = 0; r < rows.length; r++)
        {
            rows[sourceRow(r)] = r;
        }
        Reference.reachabilityFence(this); // the mapping outlives the walk (see touchPages)
        return rows;
    }

    /** How many of row {@code row}'s entries, from its first, are hot; the others follow them. */
    public int hotCount(final long row)
    {
        return UnsafeApi.getInt(hotCountsAddress + (row << 2));
    }

    /** The number of hot features ({@link DatasetLayout#isHot}). */
    public long hotFeatureCount()
    {
        return hotFeatureCount;
    }

    /** The hot feature in slot {@code i}: the {@code i}-th hot feature, in ascending order. */
    public int hotFeature(final long i)
    {
        return UnsafeApi.getInt(hotFeaturesAddress + (i << 2));
    }

    /** +1 or -1. */
    public int label(final long row)
    {
        return UnsafeApi.getByte(labelsAddress + row);
    }

    /** 0-based feature index of entry {@code entry}. */
    public int index(final long entry)
    {
        return featureAt(entryAddress(entry));
    }

    /**
     * The index field of entry {@code entry} as the file holds it: the feature of an entry past its row's
     * {@link #hotCount}, {@link DatasetLayout#hotEntryIndex} of its slot for a hot entry.
     */
    public int entryIndex(final long entry)
    {
        return entryIndexAt(entryAddress(entry));
    }

    /** Value of entry {@code entry}. */
    public float value(final long entry)
    {
        return valueAt(entryAddress(entry));
    }

    /** Address of entry {@code entry}'s index; its value follows at {@link DatasetLayout#ENTRY_VALUE_OFFSET}. */
    public long entryAddress(final long entry)
    {
        return entriesAddress + entry * ENTRY_LENGTH;
    }

    /**
     * The index field of the entry at {@code address} ({@link #entryAddress}), as {@link #entryIndex} reads it.
     * A hot loop that walks a row by address ({@code first + i * ENTRY_LENGTH}) lets the JIT of Java 17 keep
     * one base and an index in registers, where {@code entryIndex(from + i)} made it recompute the address
     * from a spilled {@code from} at every entry.
     */
    public static int entryIndexAt(final long address)
    {
        return UnsafeApi.getInt(address);
    }

    /** The value of the entry at {@code address} ({@link #entryAddress}). */
    public static float valueAt(final long address)
    {
        return UnsafeApi.getFloat(address + ENTRY_VALUE_OFFSET);
    }

    /** The feature of the entry at {@code address}, a hot entry's looked up from its slot, as {@link #index}. */
    public int featureAt(final long address)
    {
        final int raw = entryIndexAt(address);
        return raw >= 0 ? raw : hotFeature(hotSlot(raw));
    }

    /**
     * Reads one byte of every 4 KiB page of the file, so that this process's page tables map the whole file
     * now (minor faults on pages the page cache holds, or reads from disk) instead of during the first epoch,
     * where a fresh worker process would otherwise pay for them inside the timed training. Returns a sum of
     * the bytes read, which callers may ignore (it keeps the reads from being optimised away).
     */
    public long touchPages()
    {
        long sum = 0;
        for (long offset = 0; offset < fileLength; offset += 4096)
        {
            sum += UnsafeApi.getByte(baseAddress + offset);
        }
        // The loop reads raw addresses, not this object: without the fence, a caller that drops its last
        // reference to the dataset could let it be collected, and the mapping unmapped, during the walk.
        Reference.reachabilityFence(this);
        return sum;
    }

    @Override
    public void close()
    {
        unmap.run();
    }
}
