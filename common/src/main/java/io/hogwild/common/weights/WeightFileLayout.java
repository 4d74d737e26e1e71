package io.hogwild.common.weights;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.agrona.BitUtil.SIZE_OF_DOUBLE;
import static org.agrona.BitUtil.SIZE_OF_FLOAT;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Owns every offset of the weight file, the memory-mapped file that the coordinator and its workers
 * share. {@code docs/weight-file-format.md} is the specification; this class implements it and a test
 * pins every constant.
 *
 * <pre>
 *   0 +-----------------------------------------------+
 *     | Configuration (written once, before version)  |  cache lines 0-1
 * 128 +-----------------------------------------------+
 *     | Control (run state, command, epoch, step ...) |  cache line 2
 * 192 +-----------------------------------------------+
 *     | Lock word of --sync lock                      |  cache line 3
 * 256 +-----------------------------------------------+
 *     | Worker slot 0   (128 bytes: two cache lines)  |
 *     | Worker slot 1                                 |
 *     | ...                                           |
 *     +-----------------------------------------------+  padding to a page (4096) boundary
 *     | Weights: float32[dimension]                   |  weightsOffset
 *     +-----------------------------------------------+  padding to a page boundary
 *     | Regularisation coefficients: float32[dim]     |  regularisationOffset
 *     +-----------------------------------------------+  padding to a page boundary
 *     | Chunk owners: int64[chunk count]              |  chunkOwnersOffset
 *     +-----------------------------------------------+
 * </pre>
 *
 * All numbers are in the platform's native byte order (little-endian on x86-64 and AArch64). The
 * creator writes every field, then writes {@link #VERSION_OFFSET} last with a release store: a
 * non-zero version is also the "ready" signal that readers wait for.
 */
public final class WeightFileLayout
{
    /** "HOGWILDW" in ASCII, read as a little-endian long. */
    public static final long MAGIC = 0x57444C4957474F48L;
    /** Format version; a reader refuses any other. */
    public static final int VERSION = 3;
    /** Written to the version field when the coordinator failed before the file became ready. */
    public static final int VERSION_FAILED = -1;
    /** {@link #VALUE_TYPE_OFFSET} code for IEEE-754 float32 weights, the only type so far. */
    public static final int VALUE_TYPE_FLOAT32 = 1;
    /** Page size the weights are aligned to. */
    public static final int PAGE_LENGTH = 4096;

    // Configuration section: written once by the coordinator before the version.
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_LONG;
    public static final int VALUE_TYPE_OFFSET = VERSION_OFFSET + SIZE_OF_INT;
    public static final int DIMENSION_OFFSET = VALUE_TYPE_OFFSET + SIZE_OF_INT;
    public static final int WORKER_COUNT_OFFSET = DIMENSION_OFFSET + SIZE_OF_LONG;
    public static final int LOSS_OFFSET = WORKER_COUNT_OFFSET + SIZE_OF_INT;
    public static final int BATCH_SIZE_OFFSET = LOSS_OFFSET + SIZE_OF_INT;
    public static final int SYNC_MODE_OFFSET = BATCH_SIZE_OFFSET + SIZE_OF_INT;
    public static final int SEED_OFFSET = SYNC_MODE_OFFSET + SIZE_OF_INT;
    public static final int VALIDATION_FRACTION_OFFSET = SEED_OFFSET + SIZE_OF_LONG;
    public static final int LAMBDA_OFFSET = VALIDATION_FRACTION_OFFSET + SIZE_OF_DOUBLE;
    public static final int COORDINATOR_PID_OFFSET = LAMBDA_OFFSET + SIZE_OF_DOUBLE;
    public static final int START_TIMESTAMP_MS_OFFSET = COORDINATOR_PID_OFFSET + SIZE_OF_LONG;
    public static final int TRAIN_ROWS_OFFSET = START_TIMESTAMP_MS_OFFSET + SIZE_OF_LONG;
    public static final int WEIGHTS_OFFSET_OFFSET = TRAIN_ROWS_OFFSET + SIZE_OF_LONG;
    public static final int REGULARISATION_OFFSET_OFFSET = WEIGHTS_OFFSET_OFFSET + SIZE_OF_LONG;
    /** Consecutive training rows walked together, the blocks of the epoch's shuffled order ({@code DataSplit}). */
    public static final int SHUFFLE_BLOCK_OFFSET = REGULARISATION_OFFSET_OFFSET + SIZE_OF_LONG;
    /** Blocks in a chunk, the unit of work that workers take ({@code EpochChunks}). */
    public static final int CHUNK_BLOCKS_OFFSET = SHUFFLE_BLOCK_OFFSET + SIZE_OF_INT;
    /** Chunks in an epoch: the entries of the chunk-owner table. */
    public static final int CHUNK_COUNT_OFFSET = CHUNK_BLOCKS_OFFSET + SIZE_OF_INT;
    /**
     * CRC-32C of the configuration bytes {@code [0, CONFIGURATION_CHECKSUM_OFFSET)} with the version field
     * read as zero: a reader refuses a header that does not match it.
     */
    public static final int CONFIGURATION_CHECKSUM_OFFSET = CHUNK_COUNT_OFFSET + SIZE_OF_LONG;
    public static final int CONFIGURATION_END = CONFIGURATION_CHECKSUM_OFFSET + SIZE_OF_LONG;

    // Control section: the only fields written after the file is ready, all with ordered stores.
    public static final int CONTROL_OFFSET = 2 * CACHE_LINE_LENGTH;
    public static final int RUN_STATE_OFFSET = CONTROL_OFFSET;
    public static final int COMMAND_OFFSET = RUN_STATE_OFFSET + SIZE_OF_INT;
    public static final int EPOCH_OFFSET = COMMAND_OFFSET + SIZE_OF_INT;
    public static final int STEP_SIZE_OFFSET = EPOCH_OFFSET + SIZE_OF_LONG;
    public static final int COORDINATOR_HEARTBEAT_MS_OFFSET = STEP_SIZE_OFFSET + SIZE_OF_DOUBLE;
    public static final int SAMPLES_TOTAL_OFFSET = COORDINATOR_HEARTBEAT_MS_OFFSET + SIZE_OF_LONG;
    public static final int EPOCHS_COMPLETED_OFFSET = SAMPLES_TOTAL_OFFSET + SIZE_OF_LONG;
    /**
     * The first chunk of the released epoch that may still be untaken: the coordinator sets it to 0 before it
     * releases an epoch; a worker that has taken that chunk (in the owner table), or finds it taken, moves it
     * on by a compare-and-set.
     */
    public static final int NEXT_CHUNK_OFFSET = EPOCHS_COMPLETED_OFFSET + SIZE_OF_LONG;
    public static final int CONTROL_END = NEXT_CHUNK_OFFSET + SIZE_OF_LONG;

    /**
     * The lock word of {@code --sync lock}: 0 when free, else the owning worker's index + 1. It has a cache
     * line of its own so that spinning on it never slows the control words down.
     */
    public static final int LOCK_OFFSET = CONTROL_OFFSET + CACHE_LINE_LENGTH;
    /** Value of {@link #LOCK_OFFSET} when no worker holds the lock. */
    public static final long LOCK_FREE = 0;

    // Worker slots: one per worker, two cache lines apart so that hot fields never share a line.
    public static final int WORKER_SLOTS_OFFSET = 4 * CACHE_LINE_LENGTH;
    public static final int WORKER_SLOT_LENGTH = 2 * CACHE_LINE_LENGTH;
    public static final int SLOT_PID_OFFSET = 0;
    public static final int SLOT_HEARTBEAT_MS_OFFSET = SLOT_PID_OFFSET + SIZE_OF_LONG;
    public static final int SLOT_SAMPLES_DONE_OFFSET = SLOT_HEARTBEAT_MS_OFFSET + SIZE_OF_LONG;
    public static final int SLOT_EPOCH_REACHED_OFFSET = SLOT_SAMPLES_DONE_OFFSET + SIZE_OF_LONG;
    public static final int SLOT_STATE_OFFSET = SLOT_EPOCH_REACHED_OFFSET + SIZE_OF_LONG;
    public static final int SLOT_EPOCH_LOSS_SUM_OFFSET = SLOT_STATE_OFFSET + SIZE_OF_LONG;
    public static final int SLOT_EPOCH_SAMPLES_OFFSET = SLOT_EPOCH_LOSS_SUM_OFFSET + SIZE_OF_DOUBLE;
    public static final int SLOT_START_TIMESTAMP_MS_OFFSET = SLOT_EPOCH_SAMPLES_OFFSET + SIZE_OF_LONG;
    /** Samples of the current epoch that this worker has trained so far: where a replacement worker resumes. */
    public static final int SLOT_EPOCH_POSITION_OFFSET = SLOT_START_TIMESTAMP_MS_OFFSET + SIZE_OF_LONG;
    /** The progressive loss summed over those samples. */
    public static final int SLOT_EPOCH_LOSS_SO_FAR_OFFSET = SLOT_EPOCH_POSITION_OFFSET + SIZE_OF_LONG;
    /** Times the coordinator replaced this slot's worker (the one field of a slot the coordinator writes). */
    public static final int SLOT_RESTARTS_OFFSET = SLOT_EPOCH_LOSS_SO_FAR_OFFSET + SIZE_OF_DOUBLE;
    public static final int SLOT_END = SLOT_RESTARTS_OFFSET + SIZE_OF_LONG;

    /**
     * An entry of the chunk-owner table: {@code (epoch mod 2^20) << 44 | worker << 32 | position}, the worker
     * that took the chunk in that epoch and the samples of the epoch it had trained when it took it. A worker
     * takes a chunk by a compare-and-set of its entry from another epoch's value to its own.
     */
    public static final int OWNER_EPOCH_SHIFT = 44;
    public static final int OWNER_WORKER_SHIFT = 32;
    /** Epochs are tagged modulo 2^20: {@code --epochs} is at most 1,000,000, so no two tags of a run meet. */
    public static final long OWNER_EPOCH_MASK = (1L << 20) - 1;
    public static final long OWNER_WORKER_MASK = (1L << 12) - 1;

    /** Largest worker count a file can describe. */
    public static final int MAX_WORKERS = 4096;

    private WeightFileLayout()
    {
    }

    /** Offset of worker {@code index}'s slot. */
    public static int workerSlotOffset(final int index)
    {
        return WORKER_SLOTS_OFFSET + index * WORKER_SLOT_LENGTH;
    }

    /** End of the metadata (header and slots) for {@code workerCount} workers. */
    public static long metadataLength(final int workerCount)
    {
        return WORKER_SLOTS_OFFSET + (long)workerCount * WORKER_SLOT_LENGTH;
    }

    /** Page-aligned offset of the weights. */
    public static long weightsOffset(final int workerCount)
    {
        return align(metadataLength(workerCount), PAGE_LENGTH);
    }

    /** Page-aligned offset of the per-coordinate regularisation coefficients. */
    public static long regularisationOffset(final int workerCount, final long dimension)
    {
        return align(weightsOffset(workerCount) + dimension * SIZE_OF_FLOAT, PAGE_LENGTH);
    }

    /** Page-aligned offset of the chunk-owner table: one 8-byte entry a chunk. */
    public static long chunkOwnersOffset(final int workerCount, final long dimension)
    {
        return align(regularisationOffset(workerCount, dimension) + dimension * SIZE_OF_FLOAT, PAGE_LENGTH);
    }

    /** Length of the whole file. */
    public static long fileLength(final int workerCount, final long dimension, final long chunkCount)
    {
        return chunkOwnersOffset(workerCount, dimension) + chunkCount * SIZE_OF_LONG;
    }

    /** The owner-table entry of {@code worker} for a chunk it takes in {@code epoch} at {@code position}. */
    public static long ownerEntry(final long epoch, final int worker, final int position)
    {
        return (epoch & OWNER_EPOCH_MASK) << OWNER_EPOCH_SHIFT | (worker & OWNER_WORKER_MASK) << OWNER_WORKER_SHIFT |
            (position & 0xFFFF_FFFFL);
    }

    /** True when an owner-table entry says its chunk was taken in {@code epoch}. */
    public static boolean takenIn(final long entry, final long epoch)
    {
        return (entry >>> OWNER_EPOCH_SHIFT) == (epoch & OWNER_EPOCH_MASK);
    }

    private static long align(final long value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }
}
