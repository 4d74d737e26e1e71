package io.hogwild.common.sync;

/**
 * Exclusive ownership of all the weights, taken by {@link io.hogwild.common.sgd.SgdKernel} around the whole
 * read-modify-write of one sample or mini-batch in the {@code --sync} modes that lock. {@link #lock()} must
 * give the caller every weight written before the previous owner's {@link #unlock()} (an acquire that pairs
 * with a release), in another thread or in another process.
 */
public interface UpdateGuard
{
    /** Waits until this worker owns the weights. */
    void lock();

    /** Gives the weights up; every write made while owning them is visible to the next owner. */
    void unlock();
}
