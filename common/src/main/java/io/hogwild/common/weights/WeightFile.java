package io.hogwild.common.weights;

import static io.hogwild.common.weights.WeightFileLayout.*;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.hogwild.common.sgd.EpochChunks;
import io.hogwild.common.sgd.Loss;
import io.hogwild.common.sgd.SyncMode;
import io.hogwild.common.sync.HeaderSpinLock;
import io.hogwild.common.sync.WaitCheck;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The memory-mapped weight file: the configuration of a run, its control words, one slot per worker and
 * the weights themselves, at the offsets of {@link WeightFileLayout}.
 *
 * <p>Control fields (run state, command, epoch, heartbeats, counters) are written with release stores and
 * read with acquire loads, so that whatever a process wrote before a control store is visible to a
 * process that observes it. The weights are the exception: {@link #weights()} is read and written with
 * plain loads and stores by every worker at once. That is the deliberate data race of Hogwild!; the
 * epoch barrier (a release of {@code epochReached} by each worker, acquired by the coordinator) orders
 * every weight write of an epoch before the coordinator's evaluation of it.
 */
public final class WeightFile implements AutoCloseable
{
    /** What the coordinator fixes for a run when it creates the file. */
    public record Config(
        long dimension,
        int workerCount,
        Loss loss,
        int batchSize,
        SyncMode syncMode,
        long seed,
        double validationFraction,
        double lambda,
        long coordinatorPid,
        long startTimestampMs,
        long trainRows,
        int shuffleBlock,
        int chunkBlocks)
    {
    }

    private final Path path;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final UnsafeBuffer weights;
    private final UnsafeBuffer regularisation;
    private final int workerCount;
    private final long dimension;

    private WeightFile(final Path path, final MappedByteBuffer mapped)
    {
        this.path = path;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
        this.workerCount = buffer.getInt(WORKER_COUNT_OFFSET);
        this.dimension = buffer.getLong(DIMENSION_OFFSET);
        final long weightsOffset = buffer.getLong(WEIGHTS_OFFSET_OFFSET);
        final long regularisationOffset = buffer.getLong(REGULARISATION_OFFSET_OFFSET);
        this.weights = new UnsafeBuffer(buffer, (int)weightsOffset, (int)(dimension * Float.BYTES));
        this.regularisation = new UnsafeBuffer(buffer, (int)regularisationOffset, (int)(dimension * Float.BYTES));
    }

    /**
     * Creates the file, fills the configuration, zero weights and the regularisation coefficients, and
     * then writes the version last: the file is ready when {@link #create} returns.
     *
     * @param regularisationCoefficients one coefficient per coordinate (see {@link #regularisation()})
     */
    public static WeightFile create(final Path path, final Config config, final float[] regularisationCoefficients)
    {
        if (config.workerCount() < 1 || config.workerCount() > MAX_WORKERS)
        {
            throw new WeightFileException(path + ": worker count must be in [1, " + MAX_WORKERS + "], was " +
                config.workerCount());
        }
        if (regularisationCoefficients.length != config.dimension())
        {
            throw new IllegalArgumentException("one regularisation coefficient per coordinate is needed");
        }
        final long chunkCount = EpochChunks.count(config.trainRows(), config.shuffleBlock(), config.chunkBlocks());
        final long length = fileLength(config.workerCount(), config.dimension(), chunkCount);
        if (length > Integer.MAX_VALUE)
        {
            throw new WeightFileException(path + ": dimension " + config.dimension() +
                " needs a weight file over 2 GiB, which this version cannot map");
        }
        final MappedByteBuffer mapped;
        try
        {
            Files.deleteIfExists(path);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                // Sparse extension: the new file reads as zeros, so the weights start at 0 for free.
                channel.write(java.nio.ByteBuffer.wrap(new byte[1]), length - 1);
                mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            }
        }
        catch (final IOException ex)
        {
            throw new WeightFileException(path + ": cannot create the weight file: " + ex.getMessage(), ex);
        }

        final UnsafeBuffer header = new UnsafeBuffer(mapped);
        header.putLong(MAGIC_OFFSET, MAGIC);
        header.putInt(VALUE_TYPE_OFFSET, VALUE_TYPE_FLOAT32);
        header.putLong(DIMENSION_OFFSET, config.dimension());
        header.putInt(WORKER_COUNT_OFFSET, config.workerCount());
        header.putInt(LOSS_OFFSET, config.loss().code());
        header.putInt(BATCH_SIZE_OFFSET, config.batchSize());
        header.putInt(SYNC_MODE_OFFSET, config.syncMode().code());
        header.putLong(SEED_OFFSET, config.seed());
        header.putDouble(VALIDATION_FRACTION_OFFSET, config.validationFraction());
        header.putDouble(LAMBDA_OFFSET, config.lambda());
        header.putLong(COORDINATOR_PID_OFFSET, config.coordinatorPid());
        header.putLong(START_TIMESTAMP_MS_OFFSET, config.startTimestampMs());
        header.putLong(TRAIN_ROWS_OFFSET, config.trainRows());
        header.putLong(WEIGHTS_OFFSET_OFFSET, WeightFileLayout.weightsOffset(config.workerCount()));
        header.putLong(REGULARISATION_OFFSET_OFFSET, regularisationOffset(config.workerCount(), config.dimension()));
        header.putInt(SHUFFLE_BLOCK_OFFSET, config.shuffleBlock());
        header.putInt(CHUNK_BLOCKS_OFFSET, config.chunkBlocks());
        header.putLong(CHUNK_COUNT_OFFSET, chunkCount);
        header.putInt(RUN_STATE_OFFSET, RunState.INITIALISING.code());
        header.putInt(COMMAND_OFFSET, Command.RUN.code());
        header.putLong(COORDINATOR_HEARTBEAT_MS_OFFSET, config.startTimestampMs());

        header.putLong(CONFIGURATION_CHECKSUM_OFFSET, configurationChecksum(header));
        final WeightFile file = new WeightFile(path, mapped);
        for (int u = 0; u < regularisationCoefficients.length; u++)
        {
            file.regularisation.putFloat(u * Float.BYTES, regularisationCoefficients[u]);
        }
        // The version is written last, with a release store: it is the ready signal.
        header.putIntRelease(VERSION_OFFSET, VERSION);
        return file;
    }

    /**
     * Maps an existing weight file and checks its magic, version and length.
     *
     * @param writable true for a worker, false for a reader such as {@code inspect} or {@code predict}
     */
    public static WeightFile open(final Path path, final boolean writable)
    {
        final MappedByteBuffer mapped;
        try (FileChannel channel = writable ?
            FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE) :
            FileChannel.open(path, StandardOpenOption.READ))
        {
            final long size = channel.size();
            if (size < CONTROL_END)
            {
                throw new WeightFileException(path + ": not a hogwild weight file (" + size +
                    " bytes, shorter than its header)");
            }
            if (size > Integer.MAX_VALUE)
            {
                throw new WeightFileException(path + ": " + size + " bytes, larger than this version maps");
            }
            mapped = channel.map(writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, size);
        }
        catch (final NoSuchFileException ex)
        {
            throw new WeightFileException(path + ": no such weight file", ex);
        }
        catch (final IOException ex)
        {
            throw new WeightFileException(path + ": cannot map the weight file: " + ex.getMessage(), ex);
        }

        final UnsafeBuffer header = new UnsafeBuffer(mapped);
        // The version first, with an acquire load: once it is set, every other field is (a file still
        // being created reads as "not ready", not as "wrong magic").
        final int version = header.getIntAcquire(VERSION_OFFSET);
        if (header.getLong(MAGIC_OFFSET) != MAGIC)
        {
            IoUtil.unmap(mapped);
            throw new WeightFileException(path + ": " + (version == 0 ?
                "not a hogwild weight file, or one whose coordinator has not finished writing it (no magic)" :
                "not a hogwild weight file (wrong magic)"));
        }
        if (version != VERSION)
        {
            IoUtil.unmap(mapped);
            throw new WeightFileException(path + ": weight file format version " + version +
                (version == 0 ? " (the file is not ready: its coordinator has not finished writing it)" :
                version == VERSION_FAILED ? " (its coordinator failed while creating it)" :
                ", this program reads version " + VERSION));
        }
        if (header.getLong(CONFIGURATION_CHECKSUM_OFFSET) != configurationChecksum(header))
        {
            IoUtil.unmap(mapped);
            throw new WeightFileException(path + ": corrupt weight file (the configuration checksum does not match " +
                "its header)");
        }
        final int workers = header.getInt(WORKER_COUNT_OFFSET);
        final long dim = header.getLong(DIMENSION_OFFSET);
        if (workers < 1 || workers > MAX_WORKERS || dim < 0 || dim > Integer.MAX_VALUE / Float.BYTES ||
            header.getLong(CHUNK_COUNT_OFFSET) < 0 || header.getLong(CHUNK_COUNT_OFFSET) > Integer.MAX_VALUE ||
            mapped.capacity() < fileLength(workers, dim, header.getLong(CHUNK_COUNT_OFFSET)) ||
            header.getLong(WEIGHTS_OFFSET_OFFSET) != WeightFileLayout.weightsOffset(workers) ||
            header.getLong(REGULARISATION_OFFSET_OFFSET) != regularisationOffset(workers, dim))
        {
            IoUtil.unmap(mapped);
            throw new WeightFileException(path + ": truncated or corrupt weight file (" + mapped.capacity() +
                " bytes for " + workers + " workers and dimension " + dim + ")");
        }
        return new WeightFile(path, mapped);
    }

    /** CRC-32C of the configuration before the checksum field, the version field counted as zero. */
    static long configurationChecksum(final UnsafeBuffer header)
    {
        final byte[] bytes = new byte[CONFIGURATION_CHECKSUM_OFFSET];
        header.getBytes(0, bytes);
        java.util.Arrays.fill(bytes, VERSION_OFFSET, VERSION_OFFSET + Integer.BYTES, (byte)0);
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    public Path path()
    {
        return path;
    }

    // ---------------------------------------------------------------- configuration

    public int version()
    {
        return buffer.getIntAcquire(VERSION_OFFSET);
    }

    public long dimension()
    {
        return dimension;
    }

    public int workerCount()
    {
        return workerCount;
    }

    public Loss loss()
    {
        return Loss.fromCode(buffer.getInt(LOSS_OFFSET));
    }

    public int batchSize()
    {
        return buffer.getInt(BATCH_SIZE_OFFSET);
    }

    public SyncMode syncMode()
    {
        return SyncMode.fromCode(buffer.getInt(SYNC_MODE_OFFSET));
    }

    public long seed()
    {
        return buffer.getLong(SEED_OFFSET);
    }

    public double validationFraction()
    {
        return buffer.getDouble(VALIDATION_FRACTION_OFFSET);
    }

    public double lambda()
    {
        return buffer.getDouble(LAMBDA_OFFSET);
    }

    public long coordinatorPid()
    {
        return buffer.getLong(COORDINATOR_PID_OFFSET);
    }

    public long startTimestampMs()
    {
        return buffer.getLong(START_TIMESTAMP_MS_OFFSET);
    }

    /** Consecutive training rows walked together (see {@code DataSplit}). */
    public int shuffleBlock()
    {
        return buffer.getInt(SHUFFLE_BLOCK_OFFSET);
    }

    public long trainRows()
    {
        return buffer.getLong(TRAIN_ROWS_OFFSET);
    }

    // ---------------------------------------------------------------- control

    public RunState runState()
    {
        return RunState.fromCode(buffer.getIntAcquire(RUN_STATE_OFFSET));
    }

    public void runState(final RunState state)
    {
        buffer.putIntRelease(RUN_STATE_OFFSET, state.code());
    }

    public Command command()
    {
        return Command.fromCode(buffer.getIntAcquire(COMMAND_OFFSET));
    }

    public void command(final Command command)
    {
        buffer.putIntRelease(COMMAND_OFFSET, command.code());
    }

    /** The last epoch the coordinator released (0 before the first). */
    public long epoch()
    {
        return buffer.getLongAcquire(EPOCH_OFFSET);
    }

    /** The step size of the released epoch; read it after {@link #epoch()} has shown the release. */
    public double stepSize()
    {
        return buffer.getDouble(STEP_SIZE_OFFSET);
    }

    /**
     * Releases {@code epoch} to the workers with its step size, its chunks all untaken (both written before
     * the release). Every worker has arrived at the barrier of the epoch before: none is taking a chunk.
     */
    public void releaseEpoch(final long epoch, final double stepSize)
    {
        buffer.putDouble(STEP_SIZE_OFFSET, stepSize);
        buffer.putLong(NEXT_CHUNK_OFFSET, 0);
        buffer.putLongRelease(EPOCH_OFFSET, epoch);
    }

    /** Blocks in a chunk of an epoch ({@code EpochChunks}). */
    public int chunkBlocks()
    {
        return buffer.getInt(CHUNK_BLOCKS_OFFSET);
    }

    /** Chunks in an epoch ({@code EpochChunks}). */
    public int chunkCount()
    {
        return (int)buffer.getLong(CHUNK_COUNT_OFFSET);
    }

    /**
     * Takes a chunk of {@code epoch} for worker {@code index}, which has trained {@code position} samples of
     * it: the first chunk from the {@code next_chunk} hint on whose owner entry it wins a compare-and-set from
     * another epoch's value to its own. Returns the chunk, or -1 when every chunk of the epoch is taken. The
     * entry is the record: a worker killed at any instant after the compare-and-set leaves its chunk to its
     * replacement ({@link #workerUnfinishedChunk}), and before it, takes nothing. The hint is moved on by the
     * taker or by whoever finds the chunk taken, so a taker that died before moving it holds no one up.
     */
    public int takeChunk(final int index, final long epoch, final int position)
    {
        final long mine = ownerEntry(epoch, checkIndex(index), position);
        final long chunks = chunkCount();
        final long owners = chunkOwnersOffset(workerCount, dimension);
        while (true)
        {
            final long next = buffer.getLongVolatile(NEXT_CHUNK_OFFSET);
            if (next >= chunks)
            {
                return -1;
            }
            final int entry = (int)(owners + next * Long.BYTES);
            final long owner = buffer.getLongVolatile(entry);
            final boolean won = !takenIn(owner, epoch) && buffer.compareAndSetLong(entry, owner, mine);
            buffer.compareAndSetLong(NEXT_CHUNK_OFFSET, next, next + 1);
            if (won)
            {
                return (int)next;
            }
        }
    }

    /** Chunks of the current epoch taken so far, by the {@code next_chunk} hint (at most the chunk count). */
    public long chunksTaken()
    {
        return buffer.getLongVolatile(NEXT_CHUNK_OFFSET);
    }

    /**
     * The chunk of {@code epoch} that worker {@code index} took at its current {@code position} and has not
     * counted yet (its progress store would have moved the position past it); -1 when there is none.
     */
    public int workerUnfinishedChunk(final int index, final long epoch, final int position)
    {
        final long mine = ownerEntry(epoch, checkIndex(index), position);
        final long owners = chunkOwnersOffset(workerCount, dimension);
        final int chunks = chunkCount();
        for (int c = 0; c < chunks; c++)
        {
            if (buffer.getLongVolatile((int)(owners + (long)c * Long.BYTES)) == mine)
            {
                return c;
            }
        }
        return -1;
    }

    public long coordinatorHeartbeatMs()
    {
        return buffer.getLongAcquire(COORDINATOR_HEARTBEAT_MS_OFFSET);
    }

    public void coordinatorHeartbeat(final long nowMs)
    {
        buffer.putLongRelease(COORDINATOR_HEARTBEAT_MS_OFFSET, nowMs);
    }

    public long samplesTotal()
    {
        return buffer.getLongAcquire(SAMPLES_TOTAL_OFFSET);
    }

    public long epochsCompleted()
    {
        return buffer.getLongAcquire(EPOCHS_COMPLETED_OFFSET);
    }

    /** Records a finished epoch and the samples trained so far, once the barrier has been passed. */
    public void epochCompleted(final long epoch, final long samplesTotal)
    {
        buffer.putLongRelease(SAMPLES_TOTAL_OFFSET, samplesTotal);
        buffer.putLongRelease(EPOCHS_COMPLETED_OFFSET, epoch);
    }

    // ---------------------------------------------------------------- lock word

    /** Byte offset of the weights in the file (page-aligned). */
    public long weightsOffset()
    {
        return buffer.getLong(WEIGHTS_OFFSET_OFFSET);
    }

    /** The lock of {@code --sync lock} for worker {@code index}. */
    public HeaderSpinLock weightLock(final int index, final WaitCheck check)
    {
        return new HeaderSpinLock(buffer, LOCK_OFFSET, checkIndex(index), check);
    }

    /** The worker that holds the lock of {@code --sync lock}, or -1 when it is free. */
    public int lockOwner()
    {
        return (int)(buffer.getLongVolatile(LOCK_OFFSET) - 1);
    }

    /**
     * Frees the lock of {@code --sync lock} if worker {@code index} holds it: for a coordinator that saw that
     * worker die. Returns whether it held the lock.
     */
    public boolean releaseLockOf(final int index)
    {
        return buffer.compareAndSetLong(LOCK_OFFSET, checkIndex(index) + 1L, HeaderSpinLock.FREE);
    }

    // ---------------------------------------------------------------- worker slots

    /** Worker {@code index} attaches: its PID, start time and first heartbeat, then its state. */
    public void attachWorker(final int index, final long pid, final long nowMs)
    {
        final int slot = workerSlotOffset(checkIndex(index));
        buffer.putLong(slot + SLOT_PID_OFFSET, pid);
        buffer.putLong(slot + SLOT_START_TIMESTAMP_MS_OFFSET, nowMs);
        buffer.putLongRelease(slot + SLOT_HEARTBEAT_MS_OFFSET, nowMs);
        buffer.putIntRelease(slot + SLOT_STATE_OFFSET, WorkerState.WAITING.code());
    }

    public long workerPid(final int index)
    {
        return buffer.getLongAcquire(workerSlotOffset(checkIndex(index)) + SLOT_PID_OFFSET);
    }

    public long workerStartTimestampMs(final int index)
    {
        return buffer.getLongAcquire(workerSlotOffset(checkIndex(index)) + SLOT_START_TIMESTAMP_MS_OFFSET);
    }

    public long workerHeartbeatMs(final int index)
    {
        return buffer.getLongAcquire(workerSlotOffset(checkIndex(index)) + SLOT_HEARTBEAT_MS_OFFSET);
    }

    public void workerHeartbeat(final int index, final long nowMs)
    {
        buffer.putLongRelease(workerSlotOffset(checkIndex(index)) + SLOT_HEARTBEAT_MS_OFFSET, nowMs);
    }

    /** Samples the worker has trained since the run started (its progress counter). */
    public long workerSamplesDone(final int index)
    {
        return buffer.getLongAcquire(workerSlotOffset(checkIndex(index)) + SLOT_SAMPLES_DONE_OFFSET);
    }

    public void workerSamplesDone(final int index, final long samples)
    {
        buffer.putLongRelease(workerSlotOffset(checkIndex(index)) + SLOT_SAMPLES_DONE_OFFSET, samples);
    }

    public WorkerState workerState(final int index)
    {
        return WorkerState.fromCode(buffer.getIntAcquire(workerSlotOffset(checkIndex(index)) + SLOT_STATE_OFFSET));
    }

    public void workerState(final int index, final WorkerState state)
    {
        buffer.putIntRelease(workerSlotOffset(checkIndex(index)) + SLOT_STATE_OFFSET, state.code());
    }

    /** The last epoch the worker finished; acquiring it makes that epoch's weight writes visible. */
    public long workerEpochReached(final int index)
    {
        return buffer.getLongAcquire(workerSlotOffset(checkIndex(index)) + SLOT_EPOCH_REACHED_OFFSET);
    }

    /** Sum of the progressive losses of the worker's last finished epoch. */
    public double workerEpochLossSum(final int index)
    {
        return buffer.getDouble(workerSlotOffset(checkIndex(index)) + SLOT_EPOCH_LOSS_SUM_OFFSET);
    }

    /** Samples trained in the worker's last finished epoch. */
    public long workerEpochSamples(final int index)
    {
        return buffer.getLong(workerSlotOffset(checkIndex(index)) + SLOT_EPOCH_SAMPLES_OFFSET);
    }

    /**
     * The worker arrives at the barrier after {@code epoch}: its figures first, then the epoch with a
     * release store, so that the coordinator that sees the epoch also sees the figures and the weights.
     */
    public void workerEpochDone(final int index, final long epoch, final double lossSum, final long samples)
    {
        final int slot = workerSlotOffset(checkIndex(index));
        buffer.putDouble(slot + SLOT_EPOCH_LOSS_SUM_OFFSET, lossSum);
        buffer.putLong(slot + SLOT_EPOCH_SAMPLES_OFFSET, samples);
        buffer.putLongRelease(slot + SLOT_EPOCH_REACHED_OFFSET, epoch);
    }

    /**
     * Worker {@code index} has trained {@code position} samples of epoch {@code epoch} (its chunks so far),
     * with progressive losses summing to {@code lossSoFar}: where a replacement resumes. Epoch and
     * position go into one 8-byte word with one release store, so a worker killed at any instant leaves a
     * position that belongs to the epoch it names.
     */
    public void workerEpochProgress(final int index, final long epoch, final int position, final double lossSoFar)
    {
        final int slot = workerSlotOffset(checkIndex(index));
        buffer.putDouble(slot + SLOT_EPOCH_LOSS_SO_FAR_OFFSET, lossSoFar);
        buffer.putLongRelease(slot + SLOT_EPOCH_POSITION_OFFSET, (epoch << 32) | position);
    }

    /** Samples of epoch {@code epoch} that worker {@code index} has trained: 0 unless its progress names it. */
    public int workerEpochPosition(final int index, final long epoch)
    {
        final long word = buffer.getLongAcquire(workerSlotOffset(checkIndex(index)) + SLOT_EPOCH_POSITION_OFFSET);
        return (word >>> 32) == epoch ? (int)word : 0;
    }

    /**
     * The progressive loss summed over {@link #workerEpochPosition}'s samples of {@code epoch} (0 when the
     * position is not of that epoch). Written just before the position, so after a kill between the two it
     * may cover up to one slice more: a diagnostic figure, not a weight.
     */
    public double workerEpochLossSoFar(final int index, final long epoch)
    {
        return workerEpochPosition(index, epoch) == 0 ? 0 :
            buffer.getDouble(workerSlotOffset(checkIndex(index)) + SLOT_EPOCH_LOSS_SO_FAR_OFFSET);
    }

    /**
     * True when {@code path} is a weight file whose creator had not finished it (version 0) or failed while
     * creating it (version -1): not corrupt, just never ready.
     */
    public static boolean isUnfinishedCreation(final Path path)
    {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(path))
        {
            final java.nio.ByteBuffer head = java.nio.ByteBuffer.wrap(in.readNBytes(VERSION_OFFSET + Integer.BYTES))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            if (head.capacity() < VERSION_OFFSET + Integer.BYTES)
            {
                return false;
            }
            final int version = head.getInt(VERSION_OFFSET);
            return head.getLong(MAGIC_OFFSET) == MAGIC && (version == 0 || version == VERSION_FAILED);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** Times the coordinator replaced worker {@code index}. */
    public long workerRestarts(final int index)
    {
        return buffer.getLongAcquire(workerSlotOffset(checkIndex(index)) + SLOT_RESTARTS_OFFSET);
    }

    /** Records a replacement of worker {@code index}: written by the coordinator before it starts one. */
    public void workerRestarts(final int index, final long restarts)
    {
        buffer.putLongRelease(workerSlotOffset(checkIndex(index)) + SLOT_RESTARTS_OFFSET, restarts);
    }

    // ---------------------------------------------------------------- weights

    /**
     * The weights, float32 at byte offset {@code 4 * u} for coordinate {@code u}. Workers read and write
     * them with plain {@code getFloat}/{@code putFloat}: the intended race of Hogwild!.
     */
    public UnsafeBuffer weights()
    {
        return weights;
    }

    /**
     * Per-coordinate regularisation coefficients {@code c_u = lambda * n / d_u}, float32 at {@code 4 * u},
     * where {@code n} is the number of training rows and {@code d_u} the number of them that hold feature
     * {@code u}. A sample that holds {@code u} shrinks {@code w_u} by {@code step * c_u * w_u}; over an epoch
     * that sums to the full L2 step {@code step * lambda * n * w_u} while each update costs only the
     * sample's non-zeros (the Hogwild! paper's scaling). Written once at creation, read-only afterwards.
     */
    public UnsafeBuffer regularisation()
    {
        return regularisation;
    }

    /** Copies the weights out (for writing a model); call it while no worker writes them. */
    public float[] copyWeights()
    {
        return copyWeights(new float[(int)dimension]);
    }

    /** Copies the weights into {@code into} (of length {@link #dimension()}) and returns it. */
    public float[] copyWeights(final float[] into)
    {
        for (int u = 0; u < into.length; u++)
        {
            into[u] = weights.getFloat(u * Float.BYTES);
        }
        return into;
    }

    /** Overwrites the weights with {@code values} (of length {@link #dimension()}); call it while no worker runs. */
    public void putWeights(final float[] values)
    {
        for (int u = 0; u < values.length; u++)
        {
            weights.putFloat(u * Float.BYTES, values[u]);
        }
    }

    /** Flushes the mapping to the file (the page cache already shares it between processes). */
    public void force()
    {
        mapped.force();
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }

    private int checkIndex(final int index)
    {
        if (index < 0 || index >= workerCount)
        {
            throw new IndexOutOfBoundsException("worker index " + index + " outside [0, " + workerCount + ")");
        }
        return index;
    }
}
