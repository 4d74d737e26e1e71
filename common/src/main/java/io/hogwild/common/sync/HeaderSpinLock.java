package io.hogwild.common.sync;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The lock of {@code --sync lock}: a test-and-test-and-set spin lock on one 8-byte word of the mapped
 * weight file ({@code WeightFileLayout.LOCK_OFFSET}), so that worker processes and worker threads take the
 * same lock. The word holds 0 when free and the owner's worker index + 1 when held, which tells
 * {@code inspect} and the coordinator who holds it.
 *
 * <p>Memory ordering: {@link #lock()} takes the word with a compare-and-set, which has volatile (acquire
 * and release) semantics; {@link #unlock()} clears it with a release store. So the plain weight writes of
 * one critical section happen before the plain reads of the next, whichever process runs it: on x86-64
 * the CAS is a {@code lock cmpxchg} and the release a plain store under TSO, on AArch64 they are
 * acquire/release instructions, and the JIT moves no plain access across either. The mapping is one set
 * of physical pages shared by every process, so the hardware's coherence does the rest.
 *
 * <p>Waiting spins, then yields, then parks for up to {@value #MAX_PARK_NS} ns, and asks its
 * {@link WaitCheck} every {@value #CHECK_EVERY} idle rounds.
 */
public final class HeaderSpinLock implements UpdateGuard
{
    /** Idle rounds between two questions to the wait check. */
    static final int CHECK_EVERY = 1 << 12;
    static final long MAX_PARK_NS = 50_000;

    /** Value of the word when no worker holds the lock. */
    public static final long FREE = 0;

    private final UnsafeBuffer header;
    private final int offset;
    private final long owner;
    private final WaitCheck check;
    private final IdleStrategy idle = new BackoffIdleStrategy(64, 64, 1_000, MAX_PARK_NS);

    /**
     * @param header the mapping that holds the lock word
     * @param offset the lock word's offset in {@code header}, 8-byte aligned
     * @param index  the taking worker's index
     * @param check  asked while waiting; false abandons the wait
     */
    public HeaderSpinLock(final UnsafeBuffer header, final int offset, final int index, final WaitCheck check)
    {
        this.header = header;
        this.offset = offset;
        this.owner = index + 1L;
        this.check = check;
    }

    @Override
    public void lock()
    {
        if (!header.compareAndSetLong(offset, FREE, owner))
        {
            lockContended();
        }
    }

    private void lockContended()
    {
        idle.reset();
        int rounds = 0;
        while (true)
        {
            // Read before the CAS so that waiters share the line instead of bouncing it with writes.
            if (header.getLongVolatile(offset) == FREE &&
                header.compareAndSetLong(offset, FREE, owner))
            {
                return;
            }
            if (++rounds % CHECK_EVERY == 0 && !check.keepWaiting())
            {
                throw new WaitAbandonedException("worker " + (owner - 1) + " gave up waiting for the weight lock, " +
                    "held by worker " + (header.getLongVolatile(offset) - 1));
            }
            idle.idle();
        }
    }

    @Override
    public void unlock()
    {
        final long holder = header.getLong(offset);
        if (holder != owner)
        {
            throw new IllegalStateException("worker " + (owner - 1) + " releases the weight lock held by " +
                (holder == FREE ? "no one" : "worker " + (holder - 1)));
        }
        header.putLongRelease(offset, FREE);
    }
}
