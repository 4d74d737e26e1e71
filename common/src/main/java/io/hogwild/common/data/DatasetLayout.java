package io.hogwild.common.data;

/**
 * Owns every offset of the binary dataset file that {@code hogwild convert} writes and every worker maps
 * read-only. {@code docs/dataset-file-format.md} is the specification.
 *
 * <pre>
 *   0 +------------------------------------------------+
 *     | Header (128 bytes): magic, version, rows, nnz, |
 *     | dimension, positives, source length, source    |
 *     | modification time, source checksum, offsets    |
 * 128 +------------------------------------------------+
 *     | Row offsets: int64[rows + 1], entry index at   |  rowOffsetsOffset
 *     | which each row starts; the last is nnz         |
 *     +------------------------------------------------+  aligned to 64
 *     | Labels: int8[rows], +1 or -1                   |  labelsOffset
 *     +------------------------------------------------+  aligned to 64
 *     | Entries: {int32 index (0-based), float32 value}|  entriesOffset
 *     | [nnz], row after row, indices ascending        |
 *     +------------------------------------------------+
 * </pre>
 *
 * Index and value of an entry sit side by side so that a row is one sequential read. Numbers are
 * little-endian. The magic is written last: a file without it is incomplete.
 */
public final class DatasetLayout
{
    /** "HOGWDATA" in ASCII, read as a little-endian long. */
    public static final long MAGIC = 0x41544144574F4748L;
    public static final int VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int ROWS_OFFSET = 16;
    public static final int NNZ_OFFSET = 24;
    public static final int DIMENSION_OFFSET = 32;
    public static final int POSITIVES_OFFSET = 40;
    public static final int SOURCE_LENGTH_OFFSET = 48;
    public static final int SOURCE_MODIFIED_MS_OFFSET = 56;
    public static final int SOURCE_CHECKSUM_OFFSET = 64;
    public static final int ROW_OFFSETS_OFFSET_OFFSET = 72;
    public static final int LABELS_OFFSET_OFFSET = 80;
    public static final int ENTRIES_OFFSET_OFFSET = 88;
    public static final int HEADER_LENGTH = 128;

    public static final int ENTRY_LENGTH = 8;
    public static final int ENTRY_VALUE_OFFSET = 4;
    public static final int SECTION_ALIGNMENT = 64;

    private DatasetLayout()
    {
    }

    public static long rowOffsetsOffset()
    {
        return HEADER_LENGTH;
    }

    public static long labelsOffset(final long rows)
    {
        return align(rowOffsetsOffset() + (rows + 1) * Long.BYTES);
    }

    public static long entriesOffset(final long rows)
    {
        return align(labelsOffset(rows) + rows);
    }

    public static long fileLength(final long rows, final long nnz)
    {
        return entriesOffset(rows) + nnz * ENTRY_LENGTH;
    }

    private static long align(final long value)
    {
        return (value + SECTION_ALIGNMENT - 1) & -SECTION_ALIGNMENT;
    }
}
