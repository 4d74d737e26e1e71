package io.hogwild.common.sgd;

/**
 * How workers synchronise their writes to the shared weights. Codes are part of the weight file format.
 * {@link SgdKernel} applies the mode; {@code docs/design.md} compares them.
 */
public enum SyncMode
{
    /**
     * Hogwild!: plain racy reads and writes of the weights, no lock and no compare-and-set. Two workers
     * that update the same coordinate at once may lose one of the two updates; with sparse data such
     * collisions are rare and SGD tolerates them (Niu et al. 2011). Each worker keeps its updates private
     * for a few hundred to some thousands of samples and then adds them to the shared weights
     * ({@link Deferral}, {@link SgdKernel}): every feature's when the dimension is small (one worker too),
     * else the hot features' with two workers or more, so that the cores do not pull the same cache lines
     * back and forth at every sample.
     */
    LOCKFREE(0, "lockfree"),
    /**
     * {@link #LOCKFREE} as the Hogwild! paper runs it: every update, hot features included, is stored to
     * the shared weights at once. For measuring what the deferred stores of {@link #LOCKFREE} change.
     */
    LOCKFREE_EAGER(4, "lockfree-eager"),
    /**
     * One compare-and-set spin lock in the weight file's header ({@link io.hogwild.common.sync.HeaderSpinLock}),
     * held over the whole read-modify-write of one sample or mini-batch: the margins are read, the
     * gradient taken and the weights written by one worker at a time. No update is lost and no read is
     * stale; workers only overlap outside the critical section.
     */
    LOCK(1, "lock"),
    /**
     * No lock: every coordinate's read-modify-write is a compare-and-set loop on the float's bits, so no
     * update is lost; the margins are still read without a lock, as in Hogwild!.
     */
    ATOMIC(2, "atomic"),
    /**
     * An exclusive {@link java.nio.channels.FileChannel} lock on the whole weight region of the file,
     * with a JVM-wide mutex in front of it, held over the same read-modify-write as {@link #LOCK}
     * ({@link io.hogwild.common.sync.WeightRegionFileLock}).
     */
    FILELOCK(3, "filelock");

    private final int code;
    private final String cliName;

    SyncMode(final int code, final String cliName)
    {
        this.code = code;
        this.cliName = cliName;
    }

    public int code()
    {
        return code;
    }

    public String cliName()
    {
        return cliName;
    }

    /** True for the modes that take no lock and no compare-and-set, and so may lose an update. */
    public boolean mayLoseUpdates()
    {
        return this == LOCKFREE || this == LOCKFREE_EAGER;
    }

    public static SyncMode fromCode(final int code)
    {
        for (final SyncMode mode : values())
        {
            if (mode.code == code)
            {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown sync mode code " + code);
    }

    public static SyncMode fromCliName(final String name)
    {
        for (final SyncMode mode : values())
        {
            if (mode.cliName.equalsIgnoreCase(name))
            {
                return mode;
            }
        }
        return null;
    }
}
