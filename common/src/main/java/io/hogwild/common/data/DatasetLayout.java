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
 *     | Hot counts: int32[rows], how many of a row's   |  hotCountsOffset
 *     | entries come first because they are hot        |
 *     +------------------------------------------------+  aligned to 64
 *     | Source rows: int32[rows], each row's place     |  sourceRowsOffset
 *     | among the source's rows (a permutation)        |
 *     +------------------------------------------------+  aligned to 64
 *     | Hot features: int32[hot], ascending            |  hotFeaturesOffset
 *     +------------------------------------------------+  aligned to 64
 *     | Entries: {int32 index, float32 value}[nnz],    |  entriesOffset
 *     | row after row: the row's hot entries, their    |
 *     | index -1 - slot (slot: the feature's place in  |
 *     | the hot features), then its other entries,     |
 *     | index = 0-based feature; each part ascending   |
 *     +------------------------------------------------+
 * </pre>
 *
 * Index and value of an entry sit side by side so that a row is one sequential read. The rows are stored
 * in a shuffled order ({@link #shuffledRows}), the same for every conversion of a source, and the source
 * rows section says where each came from: so a block of consecutive rows in the file is a random sample of
 * the data whatever the source's order (a file sorted by label, by date), and training can walk long blocks,
 * which the hardware reads as one stream, without the order's bias. A feature is hot
 * when it occurs in at least {@code 1 / }{@value #HOT_ROWS_PER_FEATURE} of the rows: there are at most
 * {@value #HOT_ROWS_PER_FEATURE} times as many hot features as non-zeros in an average row, and they are
 * the coordinates that every worker writes all the time. Putting them first in each row lets the kernel
 * treat them apart with a loop bound instead of a per-entry test, and their slots let it keep its own
 * copies of them in a small dense array, without a lookup. Numbers are little-endian. The magic is written
 * last: a file without it is incomplete.
 */
public final class DatasetLayout
{
    /** "HOGWDATA" in ASCII, read as a little-endian long. */
    public static final long MAGIC = 0x41544144574F4748L;
    public static final int VERSION = 3;
    /** A feature in at least {@code rows / HOT_ROWS_PER_FEATURE} rows is hot. */
    public static final int HOT_ROWS_PER_FEATURE = 128;

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
    public static final int HOT_FEATURES_OFFSET = 96;
    public static final int HOT_COUNTS_OFFSET_OFFSET = 104;
    public static final int HOT_FEATURES_OFFSET_OFFSET = 112;
    public static final int SOURCE_ROWS_OFFSET_OFFSET = 120;
    public static final int HEADER_LENGTH = 128;

    /** Seeds {@link #shuffledRows}; part of the format (a file's row order follows from it). */
    public static final long ROW_SHUFFLE_SEED = 0x5EED_0F_0DE5L;

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

    public static long hotCountsOffset(final long rows)
    {
        return align(labelsOffset(rows) + rows);
    }

    public static long sourceRowsOffset(final long rows)
    {
        return align(hotCountsOffset(rows) + rows * Integer.BYTES);
    }

    public static long hotFeaturesOffset(final long rows)
    {
        return align(sourceRowsOffset(rows) + rows * Integer.BYTES);
    }

    /** @param hot the number of hot features */
    public static long entriesOffset(final long rows, final long hot)
    {
        return align(hotFeaturesOffset(rows) + hot * Integer.BYTES);
    }

    public static long fileLength(final long rows, final long nnz, final long hot)
    {
        return entriesOffset(rows, hot) + nnz * ENTRY_LENGTH;
    }

    /**
     * The order in which a file stores the rows of a source of {@code rows} rows: element {@code i} is the
     * source row (0-based, in the source's order) that the file's row {@code i} holds. A shuffle seeded by
     * the row count alone, so that converting a source again, on any number of threads, writes the same file.
     */
    public static int[] shuffledRows(final int rows)
    {
        final int[] order = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            order[i] = i;
        }
        final java.util.SplittableRandom random = new java.util.SplittableRandom(ROW_SHUFFLE_SEED ^ rows);
        for (int i = rows - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** The index field of a hot entry whose feature has slot {@code slot}. */
    public static int hotEntryIndex(final int slot)
    {
        return -1 - slot;
    }

    /** The slot of a hot entry whose index field is {@code index} (negative). */
    public static int hotSlot(final int index)
    {
        return -1 - index;
    }

    /** True when a feature found in {@code count} of {@code rows} rows is hot. */
    public static boolean isHot(final long count, final long rows)
    {
        return count > 0 && count * HOT_ROWS_PER_FEATURE >= rows;
    }

    private static long align(final long value)
    {
        return (value + SECTION_ALIGNMENT - 1) & -SECTION_ALIGNMENT;
    }
}
