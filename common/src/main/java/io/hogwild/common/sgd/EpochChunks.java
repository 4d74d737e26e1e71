package io.hogwild.common.sgd;

import io.hogwild.common.data.Dataset;

/**
 * How the workers of a run share an epoch's rows. The training rows are cut into blocks of
 * {@code blockLength} consecutive training rows ({@link DataSplit}); each epoch the blocks take one shuffled
 * order, drawn from (seed, epoch), that every worker computes alike; and that order is cut into chunks of
 * {@code blocksPerChunk} blocks. Workers take chunks one at a time through the weight file (a compare-and-set on each chunk's owner
 * entry, {@code WeightFile.takeChunk}), so a
 * worker whose core is taken from it for a while (another process, the kernel's memory daemon, a slower
 * core) trains fewer chunks instead of holding every other worker at the epoch's barrier, and workers that
 * run at different speeds finish an epoch together to within a chunk.
 *
 * <p>With one worker the order is exactly that of {@link DataSplit#blockOrder} over all the training rows
 * for worker 0, so a one-worker run trains what it trained when workers had fixed shards (with a batch of
 * one; larger mini-batches are cut where the kernel's calls end, which moved with the chunks unless the
 * block length divides 4,096).
 *
 * <p>A worker holds two ints a block (where the block starts, and the epoch's order), one int a row of a
 * chunk and one bit a row of the file, not an int a row: the rows of a chunk are found from their block's
 * first row, skipping the rows that the bits say are held out for validation.
 */
public final class EpochChunks
{
    /**
     * Samples a chunk holds at least, and a piece of a longer one: a worker looks at the control words (stop,
     * heartbeat) between two pieces and publishes its progress after each chunk. Its deferred updates are stored
     * at their own intervals, across chunks ({@link SgdKernel#trainDeferring}), so that chunks stay short and
     * workers finish an epoch within a short chunk of each other.
     */
    public static final int CHUNK_SAMPLES = 4096;

    private final long seed;
    private final int blockLength;
    private final int blocksPerChunk;
    private final long trainRows;
    /** The first row of each block of training rows. */
    private final int[] blockStarts;
    /**
     * One bit a row of the file, set for the rows held out for validation: {@link #rows} tests a bit where it
     * hashed each row's source position (2-3 % of a worker's time on the RCV1-shaped data).
     */
    private final long[] heldOut;
    /** The epoch's block order. */
    private final int[] order;
    private final int count;

    /**
     * @param blocksPerChunk blocks in a chunk ({@link #blocksPerChunk(int, int)}; the weight file records it)
     */
    public EpochChunks(final Dataset data, final long seed, final double validationFraction, final int blockLength,
        final int blocksPerChunk)
    {
        if (data.rows() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("more than 2^31 rows in " + data.path());
        }
        if (blockLength < 1 || blocksPerChunk < 1)
        {
            throw new IllegalArgumentException("blocks of " + blockLength + " rows, " + blocksPerChunk + " a chunk");
        }
        this.seed = seed;
        this.blockLength = blockLength;
        this.blocksPerChunk = blocksPerChunk;
        final int rows = (int)data.rows();
        this.heldOut = new long[(int)((rows + Long.SIZE - 1L) / Long.SIZE)];
        long training = 0;
        for (int row = 0; row < rows; row++)
        {
            if (DataSplit.isValidation(data, seed, row, validationFraction))
            {
                heldOut[row >>> 6] |= 1L << row;
            }
            else
            {
                training++;
            }
        }
        this.trainRows = training;
        this.blockStarts = new int[(int)blocks(trainRows, blockLength)];
        long ordinal = 0;
        for (int row = 0; row < rows; row++)
        {
            if (!isHeldOut(row))
            {
                if (ordinal % blockLength == 0)
                {
                    blockStarts[(int)(ordinal / blockLength)] = row;
                }
                ordinal++;
            }
        }
        this.order = new int[blockStarts.length];
        this.count = (int)count(trainRows, blockLength, blocksPerChunk);
    }

    /** Chunks in an epoch of {@code trainRows} training rows. */
    public static long count(final long trainRows, final int blockLength, final int blocksPerChunk)
    {
        return (blocks(trainRows, blockLength) + blocksPerChunk - 1) / blocksPerChunk;
    }

    /** Blocks of {@code blockLength} in {@code trainRows} rows (the last may be shorter). */
    private static long blocks(final long trainRows, final int blockLength)
    {
        return (trainRows + blockLength - 1) / blockLength;
    }

    /** Blocks of {@code blockLength} rows in a chunk of at least {@code samples} samples. */
    public static int blocksPerChunk(final int samples, final int blockLength)
    {
        return Math.max(1, (samples + blockLength - 1) / blockLength);
    }

    /** Bytes of heap that a worker's chunks take, at most, for data of {@code rows} rows. */
    public static long heapBytes(final long rows, final int blockLength, final int blocksPerChunk)
    {
        return Integer.BYTES * (2 * blocks(rows, blockLength) + (long)blocksPerChunk * blockLength) +
            Long.BYTES * ((rows + Long.SIZE - 1) / Long.SIZE);
    }

    private boolean isHeldOut(final int row)
    {
        return (heldOut[row >>> 6] & (1L << row)) != 0;
    }

    /** The training rows (not held out for validation). */
    public long trainRows()
    {
        return trainRows;
    }

    /** Chunks in an epoch. */
    public int count()
    {
        return count;
    }

    /** The most rows a chunk holds: the length that {@link #rows}'s array needs. */
    public int maxRows()
    {
        return blocksPerChunk * blockLength;
    }

    /** Takes {@code epoch}'s block order (the same in every worker), which {@link #rows} then reads. */
    public void shuffle(final long epoch)
    {
        DataSplit.permutation(order, order.length, seed, 0, epoch);
    }

    /**
     * Writes into {@code rows} the rows of chunk {@code chunk} of the shuffled epoch, block after block, each
     * block's rows in file order; returns how many.
     */
    public int rows(final int chunk, final int[] rows)
    {
        if (chunk < 0 || chunk >= count)
        {
            throw new IndexOutOfBoundsException("chunk " + chunk + " of " + count);
        }
        final int last = Math.min(order.length, (chunk + 1) * blocksPerChunk);
        int n = 0;
        for (int i = chunk * blocksPerChunk; i < last; i++)
        {
            final int block = order[i];
            int remaining = (int)Math.min(blockLength, trainRows - (long)block * blockLength);
            for (int row = blockStarts[block]; remaining > 0; row++)
            {
                if (!isHeldOut(row))
                {
                    rows[n++] = row;
                    remaining--;
                }
            }
        }
        return n;
    }
}
