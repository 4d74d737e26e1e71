package io.hogwild.common.sgd;

import static io.hogwild.common.data.Dataset.entryIndexAt;
import static io.hogwild.common.data.Dataset.valueAt;
import static io.hogwild.common.data.DatasetLayout.ENTRY_LENGTH;
import static io.hogwild.common.data.DatasetLayout.hotEntryIndex;
import static io.hogwild.common.data.DatasetLayout.hotSlot;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.sync.UpdateGuard;
import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The SGD step on sparse rows, shared by every worker whether it runs as a process or a thread.
 *
 * <p>For a sample {@code (x, y)} with margin {@code m = y * (w . x)} and loss derivative {@code l'(m)}, each
 * coordinate {@code u} the sample holds moves by
 * {@code w_u -= step * (l'(m) * y * x_u + c_u * w_u)}, where {@code c_u} is the per-coordinate
 * regularisation coefficient of {@link io.hogwild.common.weights.WeightFile#regularisation()}; the shrink
 * {@code step * c_u} is capped at 1 so that a rare feature's weight never changes sign through the
 * regulariser alone. So an update costs the sample's non-zeros and nothing else. With a batch of
 * {@code B > 1}, the margins of the {@code B} samples are all taken before any of them is applied, and
 * each applies with {@code step / B}.
 *
 * <p><b>One walk where the loss is flat.</b> The shrink does not depend on the margin, so with a batch of one
 * (the default), wherever no other worker can write a weight between a walk's load and store (under a lock,
 * into private copies, or alone), a row is walked once for both: each weight is read for the margin and
 * shrunk in the same visit. A second walk subtracts {@code step * l'(m) * y * x_u}
 * only when {@code l'(m) != 0}; the hinge loss is flat past the margin, so most samples of a model that has
 * learnt something cost one walk. The weights are those of the two-walk order to the bit
 * ({@code w - shrink * w}, then {@code - step * l'(m) * y * x_u}, in float either way). Eager lock-free
 * and the kernels of {@link Deferral#HOT}, whose cold entries are shared, keep the two walks of Hogwild!'s
 * paper (the constructor says why).
 *
 * <p>How the shared weights are read and written depends on the {@link SyncMode}:
 * <ul>
 *   <li>{@link SyncMode#LOCKFREE}: plain loads and stores and no lock, the scheme of Hogwild!. Another
 *       worker may write {@code w_u} between this worker's load and store of it, and one of the two
 *       updates is then lost; a margin may mix weights from before and after another worker's update.
 *       With sparse rows both are rare, and SGD converges all the same. The kernel can also defer its
 *       updates of hot features: see below. {@link SyncMode#LOCKFREE_EAGER} is the same without
 *       deferral.</li>
 *   <li>{@link SyncMode#ATOMIC}: each coordinate's update is a compare-and-set loop on the float's bits:
 *       the CAS succeeds only if no other write came between the load and the store, so no update is
 *       lost (a value that went A to B to A is still a correct base: the updates in between cancelled).
 *       Margins are still read without a lock.</li>
 *   <li>{@link SyncMode#LOCK} and {@link SyncMode#FILELOCK}: an {@link UpdateGuard} is held over the
 *       margins and the updates of one sample or mini-batch together, so the gradient is taken on the
 *       weights it is applied to and nothing is lost.</li>
 * </ul>
 *
 * <p><b>Hot features.</b> The dataset's hot features ({@link Dataset#hotFeatureCount}, those in at least
 * 1/128 of the rows) come first in every row, their entries naming a slot in the hot features rather than
 * the feature ({@link io.hogwild.common.data.DatasetLayout}). Where the weights are shared, a walk takes a hot
 * entry's feature from a small table that stays in the core's first-level cache ({@link Dataset#featureAt});
 * {@link #dot} walks a row's hot entries and its other entries in two loops instead.
 *
 * <p><b>Deferred updates</b> (lock-free only, {@link Deferral}). Stored to the shared weights at every
 * sample, a sample's updates pull cache lines away from the other workers' cores, whose next reads of
 * those lines then wait for them; that is what stops eager lock-free workers from scaling
 * (docs/performance.md). A deferring kernel keeps its updates private between stores instead, in a copy of
 * 8-byte records (the weight and its shrink, below; the value each had at the last store, its base, apart,
 * read by the stores only: the copy's change is {@code copy - base}). An entry's record is its index plus the
 * number of hot slots, so the hot slots come first, in reverse, and each feature after them: one addition
 * finds a hot entry's record and a cold one's alike.
 * <ul>
 *   <li>{@link Deferral#HOT}: the copy holds the hot features, which most samples touch (8.8 KB on the
 *       RCV1-shaped data, in the first-level cache). The kernel reads and updates the copy, and every few
 *       hundred samples ({@link Deferral#hotStoreSamples}: 1,792 / (workers - 1), at least 256; 2,048 alone) adds the changes to
 *       the shared weights and takes the shared values (with the other workers' changes) as its copy again.
 *       The other features are read and written as before.</li>
 *   <li>{@link Deferral#ALL}: the copy holds every feature as well, stored the same way but less often
 *       ({@link Deferral#coldStoreSamples}): the shared weights' lines are then read and written only by the
 *       stores, one sequential pass over the dimension each, which is what bounds this to data of a small
 *       dimension ({@link Deferral#of}). A walk then reads a whole row in one loop rather than a loop for its
 *       hot entries and one for the others (the kernel alone 1.18-1.21x, one worker process 1.11-1.28x in
 *       whole runs, the same model to the bit). The cold copy is taken at the first call.</li>
 * </ul>
 * The records hold each feature's shrink {@code min(step * c_u, 1)} at the step of a whole batch
 * ({@code step / B}; the step itself with a batch of one), computed for every record when a call brings a new
 * step (once an epoch), rather than the coefficient from which the walks computed it at every entry: a
 * multiplication, a comparison and a branch less an entry, the same floats (one worker process 1.11-1.16x in
 * five alternating rounds, the same model to the bit). A call's last, shorter batch (a longer step) works its
 * shrinks out from the coefficients.
 *
 * <p>Stores also come at the end of every {@link #train} call, so the shared weights hold all of a call's
 * updates when it returns; a worker trains its chunks with {@link #trainDeferring} instead, which stores at the
 * intervals only, counted across calls, and {@link #store}s at the end of its epoch's work. A kernel's own margins see all of its own updates: one deferring worker alone
 * computes what the plain kernel computes, up to rounding. The other workers see them up to about two
 * intervals late (a change waits for its store, then for the reader's next store), a bounded delay of the
 * kind Hogwild!'s analysis allows; a store can still overwrite another worker's (a lost update), but once
 * an interval, not once a sample. Why the hot interval is short, and shorter with more workers down to a
 * floor: the features in most rows are the ones every worker moves the same way, and several workers'
 * changes to them, each made on an old copy for long, add up to too much (stored as rarely as the others,
 * 4 and 8 workers on the RCV1-shaped data lost 1.5 points of accuracy). A cold feature, in fewer than
 * 1/128 of the rows, changes in few of the interval's samples.
 *
 * <p>The copies are off the Java heap, like the shared weights: {@link UnsafeBuffer}'s accessors are shared
 * code, and a JVM that used them on a heap array too compiled every access for both kinds (one thread ran
 * at 0.52-0.94x of the plain kernel, docs/performance.md). The hot loop allocates nothing: the batch buffers and the copies
 * are made once per kernel.
 *
 * <p>Every walk reads its entries by address, from the row's first entry ({@link Dataset#entryAddress}) with an
 * {@code int} counter, rather than by entry number: Java 17's JIT then keeps one base address and the
 * counter in registers, where {@code entryIndex(from + i)} made it reload {@code from} from the stack and
 * rebuild the address at every entry (one worker 1.03-1.08x in whole runs, the kernel alone 1.09-1.3x;
 * Java 25's JIT compiled both forms alike). The private copy's records are read by address too
 * ({@link #recordZero} plus 8 times the entry's index, in {@code long}): through {@link UnsafeBuffer}'s
 * {@code int} offsets, the record's offset and its shrink's ({@code record + 4}) were two {@code int} sums
 * that the JIT sign-extended apart, 17 instructions an entry where the addresses take 12 (the kernel alone
 * 1.09-1.14x, one worker process 1.09-1.16x in whole runs, the same model to the bit).
 */
public final class SgdKernel
{
    /**
     * A record of the private copy, 8 bytes: this kernel's copy of the weight, then the feature's shrink at the
     * current step ({@link #RECORD_SHRINK}), so that an entry's walk reads one record, not a weight and a
     * coefficient.
     */
    private static final int RECORD_SHIFT = 3;
    private static final int RECORD_SHRINK = 4;

    private final Dataset data;
    private final UnsafeBuffer weights;
    private final UnsafeBuffer regularisation;
    private final Loss loss;
    private final int batchSize;
    private final int dimension;
    private final double[] batchGradient;
    private final boolean atomicUpdates;
    private final UpdateGuard guard;
    /** The feature of each hot slot. */
    private final int[] hotFeatures;
    /**
     * The number of hot features, {@code H}: an entry's record in {@link #copy} is its index plus {@code H}, which
     * puts hot slot {@code s} (index {@code -1 - s}) at record {@code H - 1 - s} and feature {@code u} at
     * {@code H + u}.
     */
    private final int hotRecords;
    /**
     * The private copy of a deferring kernel, one 8-byte record ({@link #RECORD_SHIFT}) for each of its entries'
     * indices plus {@link #hotRecords}: the hot slots first (8.8 KB on the RCV1-shaped data, in the first-level
     * cache), then with {@link Deferral#ALL} every feature (hot features' records there but unused), so that a
     * walk takes each entry's record by one addition, hot or not, and walks a row in one loop, not one for its
     * hot entries and one for the others. Null when this kernel does not defer. The walks read these records
     * only: 387 KB on the RCV1-shaped data, which fits a 512 KB second-level cache where records of weight and
     * base plus the coefficients (567 KB) did not.
     */
    private final UnsafeBuffer copy;
    /**
     * The address where the record of index 0 (feature 0) is, or with {@link Deferral#HOT} would be, in
     * {@link #copy}, which the walks read by address: an entry's record is {@code recordZero + 8 * index}, a hot
     * one's before it. ({@link #copy} keeps the memory while this kernel is reachable: {@link #trainDeferring},
     * {@link #store}, {@link #refresh} and {@link #dot} end with a reachability fence.)
     */
    private final long recordZero;
    /**
     * The shared value each record's copy took at its last store (its base: the copy's change is
     * {@code copy - base}), 4 bytes a record, read by the stores alone; null without {@link #copy}.
     */
    private final UnsafeBuffer copyBase;
    /** Whether {@link #copy} holds every feature ({@link Deferral#ALL}) or the hot ones only. */
    private final boolean copiesCold;
    private final int hotStoreInterval;
    private final int coldStoreInterval;
    /** One sample at a time where no other worker races the walks' stores: see the constructor. */
    private final boolean fused;
    /** Whether the copies hold the shared weights yet: taken by the first call, or by {@link #refresh}. */
    private boolean copiesTaken;
    private int samplesSinceStore;
    /** Hot stores made so far (tests check the interval with it). */
    private long hotStores;
    private int samplesSinceColdStore;
    /** The step of a whole batch whose shrinks the deferred records hold (NaN before the first call). */
    private float shrinkStep = Float.NaN;

    /**
     * @param data           the rows
     * @param weights        float32 weights, 4 bytes a coordinate
     * @param regularisation float32 coefficients {@code c_u}, 4 bytes a coordinate
     */
    public SgdKernel(final Dataset data, final UnsafeBuffer weights, final UnsafeBuffer regularisation,
        final Loss loss, final int batchSize)
    {
        this(data, weights, regularisation, loss, batchSize, SyncMode.LOCKFREE, null, Deferral.NONE, 0, 0);
    }

    /**
     * @param sync  how the weights are shared
     * @param guard the lock of {@link SyncMode#LOCK} or {@link SyncMode#FILELOCK}; null for the other modes
     * @param deferral which updates to keep private between stores (see above; other than
     *                 {@link Deferral#NONE} only with {@link SyncMode#LOCKFREE})
     * @param hotStoreSamples unless {@link Deferral#NONE}, samples between two stores of the hot updates
     *                        ({@link Deferral#hotStoreSamples}); ignored otherwise
     * @param coldStoreSamples with {@link Deferral#ALL}, samples between two stores of the cold updates
     *                         ({@link Deferral#coldStoreSamples}); ignored otherwise
     */
    public SgdKernel(final Dataset data, final UnsafeBuffer weights, final UnsafeBuffer regularisation,
        final Loss loss, final int batchSize, final SyncMode sync, final UpdateGuard guard,
        final Deferral deferral, final int hotStoreSamples, final int coldStoreSamples)
    {
        final boolean deferHotUpdates = deferral != Deferral.NONE;
        if (deferHotUpdates && sync != SyncMode.LOCKFREE)
        {
            throw new IllegalArgumentException("only --sync lockfree defers updates, not " + sync.cliName());
        }
        if (deferHotUpdates && hotStoreSamples < 1)
        {
            throw new IllegalArgumentException("a kernel deferring hot updates stores them every 1 or more samples, " +
                "not " + hotStoreSamples);
        }
        if ((guard != null) != (sync == SyncMode.LOCK || sync == SyncMode.FILELOCK))
        {
            throw new IllegalArgumentException("--sync " + sync.cliName() + (guard == null ? " needs" : " takes no") +
                " lock");
        }
        if (data.dimension() > weights.capacity() / Float.BYTES)
        {
            throw new IllegalArgumentException("the data has " + data.dimension() +
                " features, more than the weights' " + weights.capacity() / Float.BYTES);
        }
        this.data = data;
        this.weights = weights;
        this.regularisation = regularisation;
        this.loss = loss;
        this.batchSize = batchSize;
        this.dimension = (int)data.dimension();
        this.batchGradient = new double[batchSize];
        this.atomicUpdates = sync == SyncMode.ATOMIC;
        this.guard = guard;
        this.hotFeatures = new int[(int)data.hotFeatureCount()];
        for (int s = 0; s < hotFeatures.length; s++)
        {
            hotFeatures[s] = data.hotFeature(s);
        }
        if (deferral == Deferral.ALL && dimension > Deferral.MAX_COPY_FEATURES)
        {
            throw new IllegalArgumentException(dimension + " features: more than the " + Deferral.MAX_COPY_FEATURES +
                " a kernel deferring all updates copies");
        }
        this.hotRecords = hotFeatures.length;
        this.copiesCold = deferral == Deferral.ALL;
        final long records = copyRecords(deferral, dimension, hotRecords);
        this.copy = deferHotUpdates ? offHeap((int)(records << RECORD_SHIFT)) : null;
        this.copyBase = deferHotUpdates ? offHeap((int)(records * Float.BYTES)) : null;
        this.recordZero = deferHotUpdates ? copy.addressOffset() + ((long)hotRecords << RECORD_SHIFT) : 0;
        if (copiesCold && coldStoreSamples < 1)
        {
            throw new IllegalArgumentException("a kernel deferring all updates stores them every 1 or more samples, " +
                "not " + coldStoreSamples);
        }
        this.hotStoreInterval = hotStoreSamples;
        this.coldStoreInterval = coldStoreSamples;
        // Fused only where no other worker can write a weight between a walk's load and store: under the lock,
        // into private copies (every update deferred), or alone (lock-free without deferral is a run of one
        // worker). Where the walks store to shared weights that others write too (eager Hogwild!, the cold
        // entries of Deferral.HOT), a sample inside the margin would store each weight twice, two windows for
        // another worker's update to be lost in instead of one: eager's lost-update probe rose from 0.6-1.0 %
        // to 3.0-4.0 % with 2 workers. Those keep the paper's one read-modify-write a coordinate.
        this.fused = batchSize == 1 &&
            (guard != null || copiesCold || (sync == SyncMode.LOCKFREE && deferral == Deferral.NONE));
    }

    /**
     * The memory off the Java heap that a kernel deferring {@code deferral} on data of {@code dimension} features,
     * {@code hotFeatures} of them hot, allocates for its copies (direct buffers): a worker JVM must be allowed
     * this much direct memory, which by default is only as much as its small heap.
     */
    public static long offHeapBytes(final Deferral deferral, final long dimension, final long hotFeatures)
    {
        return copyRecords(deferral, dimension, hotFeatures) * ((1L << RECORD_SHIFT) + Float.BYTES);
    }

    /** The records of the private copy ({@link #copy}) of a kernel deferring {@code deferral}. */
    private static long copyRecords(final Deferral deferral, final long dimension, final long hotFeatures)
    {
        return deferral == Deferral.NONE ? 0 : deferral == Deferral.HOT ? hotFeatures : hotFeatures + dimension;
    }

    /** Zeroed memory off the Java heap (see the class comment for why not a byte array). */
    private static UnsafeBuffer offHeap(final int bytes)
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(bytes, 1)));
    }

    /**
     * Frees the private copies' memory now, instead of when the collector finds this kernel unreachable (a
     * worker's small heap may never collect): for a kernel that trains no more, as a worker's warm-up's.
     * Training after it would read freed memory.
     */
    public void free()
    {
        if (copy != null)
        {
            BufferUtil.free(copy);
            BufferUtil.free(copyBase);
        }
    }

    /** Which updates this kernel keeps private between stores. */
    public Deferral deferral()
    {
        return copiesCold ? Deferral.ALL : copy != null ? Deferral.HOT : Deferral.NONE;
    }

    /**
     * Trains on the rows {@code order[from, to)} in that order. When it returns, the shared weights hold
     * all of the call's updates, deferred ones included.
     *
     * @return the sum of the samples' losses, each taken before its own update (progressive loss)
     */
    public double train(final int[] order, final int from, final int to, final double step)
    {
        if (copiesTaken)
        {
            storeHot(); // takes the shared hot weights as they are now
        }
        final double lossSum = trainDeferring(order, from, to, step);
        store();
        return lossSum;
    }

    /**
     * Trains on the rows {@code order[from, to)} as {@link #train} does, but stores the deferred updates only when
     * their intervals come, counted across calls: when it returns, the shared weights may lack up to an
     * interval's worth of them until a later call or {@link #store}. A worker trains its chunks so, then stores
     * at the end of its epoch's work; its chunks are then free to be shorter than the cold interval.
     *
     * @return the sum of the samples' losses, each taken before its own update (progressive loss)
     */
    public double trainDeferring(final int[] order, final int from, final int to, final double step)
    {
        final UnsafeBuffer copy = this.copy;
        if (copy != null && !copiesTaken)
        {
            refresh(); // nothing to store yet: takes the shared weights as they are now
        }
        // The step of a whole batch: the step itself with a batch of one.
        final float batchStepF = (float)(step / batchSize);
        if (copy != null && Float.floatToRawIntBits(batchStepF) != Float.floatToRawIntBits(shrinkStep))
        {
            takeShrinks(batchStepF);
        }
        final boolean fused = this.fused;
        double lossSum = 0;
        for (int first = from; first < to; first += batchSize)
        {
            final int end = Math.min(to, first + batchSize);
            if (guard == null)
            {
                lossSum += fused ? sample(order[first], step) : batch(order, first, end, step);
            }
            else
            {
                guard.lock();
                try
                {
                    lossSum += fused ? sample(order[first], step) : batch(order, first, end, step);
                }
                finally
                {
                    guard.unlock();
                }
            }
            if (copy != null && (samplesSinceStore += end - first) >= hotStoreInterval)
            {
                storeHot();
            }
            if (copiesCold && (samplesSinceColdStore += end - first) >= coldStoreInterval)
            {
                storeCold();
            }
        }
        Reference.reachabilityFence(this); // the walks read the copy by address (see recordZero)
        return lossSum;
    }

    /**
     * Stores every deferred update not stored yet, so that the shared weights hold all of this kernel's updates; a
     * store just made needs no second pass. Nothing to do for a kernel that does not defer.
     */
    public void store()
    {
        if (copy != null && samplesSinceStore > 0)
        {
            storeHot();
        }
        if (copiesCold && samplesSinceColdStore > 0)
        {
            storeCold();
        }
        Reference.reachabilityFence(this); // the stores write the copy by address (see recordZero)
    }

    /**
     * Stores every deferred update not stored yet, then takes the shared weights, with the other workers' changes,
     * as the copies again, whether or not anything was pending: a worker does this when it starts an epoch, since
     * the others' last stores of the epoch before may have come after its own. Nothing to do for a kernel that
     * does not defer.
     */
    public void refresh()
    {
        if (copy != null)
        {
            storeHot();
            if (copiesCold)
            {
                storeCold(); // every cold store takes the cold copy again, too
            }
            copiesTaken = true;
        }
        Reference.reachabilityFence(this); // the stores write the copy by address (see recordZero)
    }

    /**
     * Writes each record's shrink at {@code stepF} ({@link #shrink}, the same float the walks computed from the
     * coefficient at every entry before): once a step, not once an entry.
     */
    private void takeShrinks(final float stepF)
    {
        for (int slot = 0; slot < hotRecords; slot++)
        {
            takeShrink(hotEntryIndex(slot), hotFeatures[slot], stepF);
        }
        for (int u = 0; copiesCold && u < dimension; u++)
        {
            takeShrink(u, u, stepF);
        }
        shrinkStep = stepF;
    }

    /** Writes into the record of index {@code index} the shrink at {@code stepF} of feature {@code feature}. */
    private void takeShrink(final int index, final int feature, final float stepF)
    {
        UnsafeApi.putFloat(record(recordZero, index) + RECORD_SHRINK,
            shrink(stepF, regularisation.getFloat(feature << 2)));
    }

    /** The address of the record of index {@code index} in a copy whose index 0 is at {@code recordZero}. */
    private static long record(final long recordZero, final int index)
    {
        return recordZero + ((long)index << RECORD_SHIFT);
    }

    /**
     * Adds every deferred hot change ({@code copy - base}) to the shared weight it belongs to, and takes the
     * shared hot weights (with the other workers' changes) as this kernel's copy and base again. Keeping the
     * base rather than a running change makes an update one store into the copy, not two.
     */
    private void storeHot()
    {
        final int[] hotFeatures = this.hotFeatures;
        final int hotRecords = this.hotRecords;
        for (int slot = hotRecords - 1; slot >= 0; slot--)
        {
            storeRecord(hotEntryIndex(slot), hotFeatures[slot] << 2); // in the records' order
        }
        samplesSinceStore = 0;
        hotStores++;
    }

    /**
     * The same for the cold copy: adds every cold change to the shared weights and takes them (with the other
     * workers' changes) as this kernel's copy again, in one sequential pass over the dimension.
     */
    private void storeCold()
    {
        for (int u = 0, dimension = this.dimension; u < dimension; u++)
        {
            storeRecord(u, u << 2);
        }
        samplesSinceColdStore = 0;
    }

    /**
     * Stores the change of the record of index {@code index} (its record is {@code index + H}) into the shared
     * weight at {@code address} and takes that weight again.
     */
    private void storeRecord(final int index, final int address)
    {
        final UnsafeBuffer weights = this.weights;
        final long record = record(recordZero, index);
        final int base = (index + hotRecords) << 2;
        final float copied = UnsafeApi.getFloat(record);
        final float stored = copyBase.getFloat(base);
        float w = weights.getFloat(address);
        if (copied != stored)
        {
            w += copied - stored;
            weights.putFloat(address, w);
        }
        UnsafeApi.putFloat(record, w);
        copyBase.putFloat(base, w);
    }

    /** One mini-batch {@code order[first, end)}: every margin first, then every update; returns the loss sum. */
    private double batch(final int[] order, final int first, final int end, final double step)
    {
        double lossSum = 0;
        for (int i = first; i < end; i++)
        {
            final int row = order[i];
            final double margin = data.label(row) * dot(row);
            lossSum += loss.value(margin);
            batchGradient[i - first] = loss.derivative(margin) * data.label(row);
        }
        final double batchStep = step / (end - first);
        final boolean wholeBatch = end - first == batchSize;
        for (int i = first; i < end; i++)
        {
            final int row = order[i];
            final float stepGradient = (float)(batchStep * batchGradient[i - first]);
            final float stepF = (float)batchStep;
            final long start = data.rowStart(row);
            final long rowEnd = data.rowStart(row + 1);
            if (atomicUpdates)
            {
                updateAtomic(start, rowEnd, stepGradient, stepF);
            }
            else if (copy != null)
            {
                final long copyEnd = copiesCold ? rowEnd : start + data.hotCount(row);
                updateCopy(start, copyEnd, stepGradient, stepF, wholeBatch);
                updateShared(copyEnd, rowEnd, stepGradient, stepF);
            }
            else
            {
                updateShared(start, rowEnd, stepGradient, stepF);
            }
        }
        return lossSum;
    }

    /**
     * One sample (a batch of one) in one walk of its row when its loss is flat there: each coordinate's weight
     * is read for the margin and shrunk by the regulariser in the same visit, since the shrink does not depend on
     * the margin; only when the loss has a slope at the margin does a second walk subtract the gradient step. The
     * weights come out as {@link #batch} leaves them, to the bit: {@code w - shrink * w - stepGradient * x_u}
     * is evaluated in that order either way. A hinge loss is flat past the margin, so most samples of a trained
     * model cost one walk, not two.
     */
    private double sample(final int row, final double step)
    {
        final Dataset data = this.data;
        final long start = data.rowStart(row);
        final long end = data.rowStart(row + 1);
        // Fused, a deferring kernel defers every update (see the constructor): the whole row is in its copy.
        final boolean copied = copy != null;
        final double dot = copied ? shrinkCopy(start, end) : shrinkShared(start, end, (float)step);
        final int label = data.label(row);
        final double margin = label * dot;
        final double slope = loss.derivative(margin) * label;
        if (slope != 0.0)
        {
            final float stepGradient = (float)(step * slope);
            if (copied)
            {
                stepCopy(start, end, stepGradient);
            }
            else
            {
                stepShared(start, end, stepGradient);
            }
        }
        return loss.value(margin);
    }

    /** {@code min(step * c_u, 1)}: the regulariser's shrink, capped so that it never flips a weight's sign. */
    private static float shrink(final float stepF, final float coefficient)
    {
        final float shrink = stepF * coefficient;
        return shrink < 1.0f ? shrink : 1.0f;
    }

    /** Returns the sum of the entries' products and shrinks their shared weights. */
    private double shrinkShared(final long from, final long end, final float stepF)
    {
        final Dataset data = this.data;
        final UnsafeBuffer weights = this.weights;
        final UnsafeBuffer regularisation = this.regularisation;
        double dot = 0.0;
        final long fromAddress = data.entryAddress(from);
        for (int i = 0, n = (int)(end - from); i < n; i++)
        {
            final long entry = fromAddress + (long)i * ENTRY_LENGTH;
            final int offset = data.featureAt(entry) << 2;
            final float w = weights.getFloat(offset);
            dot += w * valueAt(entry);
            weights.putFloat(offset, w - shrink(stepF, regularisation.getFloat(offset)) * w);
        }
        return dot;
    }

    /** The same in this kernel's copy, hot entries and cold alike, with the shrinks its records hold. */
    private double shrinkCopy(final long from, final long end)
    {
        final Dataset data = this.data;
        final long recordZero = this.recordZero;
        double dot = 0.0;
        final long fromAddress = data.entryAddress(from);
        for (int i = 0, n = (int)(end - from); i < n; i++)
        {
            final long entry = fromAddress + (long)i * ENTRY_LENGTH;
            final long record = record(recordZero, entryIndexAt(entry));
            final float w = UnsafeApi.getFloat(record);
            dot += w * valueAt(entry);
            final float updated = w - UnsafeApi.getFloat(record + RECORD_SHRINK) * w;
            UnsafeApi.putFloat(record, updated);
        }
        return dot;
    }

    /** Subtracts {@code stepGradient * x_u} from the entries' shared weights. */
    private void stepShared(final long from, final long end, final float stepGradient)
    {
        final Dataset data = this.data;
        final UnsafeBuffer weights = this.weights;
        final long fromAddress = data.entryAddress(from);
        for (int i = 0, n = (int)(end - from); i < n; i++)
        {
            final long entry = fromAddress + (long)i * ENTRY_LENGTH;
            final int offset = data.featureAt(entry) << 2;
            weights.putFloat(offset, weights.getFloat(offset) - stepGradient * valueAt(entry));
        }
    }

    /** The same in this kernel's copy. */
    private void stepCopy(final long from, final long end, final float stepGradient)
    {
        final Dataset data = this.data;
        final long recordZero = this.recordZero;
        final long fromAddress = data.entryAddress(from);
        for (int i = 0, n = (int)(end - from); i < n; i++)
        {
            final long entry = fromAddress + (long)i * ENTRY_LENGTH;
            final long record = record(recordZero, entryIndexAt(entry));
            final float w = UnsafeApi.getFloat(record);
            final float updated = w - stepGradient * valueAt(entry);
            UnsafeApi.putFloat(record, updated);
        }
    }

    /** {@code w . x} of row {@code row}, as this kernel sees the weights (its deferred updates included). */
    public double dot(final long row)
    {
        final Dataset data = this.data;
        final UnsafeBuffer weights = this.weights;
        final long start = data.rowStart(row);
        final long hotEnd = start + data.hotCount(row);
        final long end = data.rowStart(row + 1);
        double sum = 0;
        final long startAddress = data.entryAddress(start);
        final long sharedFrom;
        if (copy != null)
        {
            final long recordZero = this.recordZero;
            sharedFrom = copiesCold ? end : hotEnd;
            for (int i = 0, n = (int)(sharedFrom - start); i < n; i++)
            {
                final long entry = startAddress + (long)i * ENTRY_LENGTH;
                sum += UnsafeApi.getFloat(record(recordZero, entryIndexAt(entry))) * valueAt(entry);
            }
        }
        else
        {
            final int[] hotFeatures = this.hotFeatures;
            sharedFrom = hotEnd;
            for (int i = 0, n = (int)(hotEnd - start); i < n; i++)
            {
                final long entry = startAddress + (long)i * ENTRY_LENGTH;
                sum += weights.getFloat(hotFeatures[hotSlot(entryIndexAt(entry))] << 2) * valueAt(entry);
            }
        }
        final long sharedAddress = data.entryAddress(sharedFrom);
        for (int i = 0, n = (int)(end - sharedFrom); i < n; i++)
        {
            final long entry = sharedAddress + (long)i * ENTRY_LENGTH;
            sum += weights.getFloat(entryIndexAt(entry) << 2) * valueAt(entry);
        }
        Reference.reachabilityFence(this);
        return sum;
    }

    /**
     * The entries {@code [from, end)}, into this kernel's copy, with the records' shrinks for a whole batch
     * ({@code wholeBatch}) or, for a call's last, shorter batch (a longer step), shrinks worked out from the
     * coefficients. (The JIT compiles the loop once for each value of the flag.)
     */
    private void updateCopy(final long from, final long end, final float stepGradient, final float stepF,
        final boolean wholeBatch)
    {
        final Dataset data = this.data;
        final long recordZero = this.recordZero;
        final long fromAddress = data.entryAddress(from);
        for (int i = 0, n = (int)(end - from); i < n; i++)
        {
            final long entry = fromAddress + (long)i * ENTRY_LENGTH;
            final long record = record(recordZero, entryIndexAt(entry));
            final float w = UnsafeApi.getFloat(record);
            final float shrink = wholeBatch ? UnsafeApi.getFloat(record + RECORD_SHRINK) :
                shrink(stepF, regularisation.getFloat(data.featureAt(entry) << 2));
            final float updated = w - shrink * w - stepGradient * valueAt(entry);
            UnsafeApi.putFloat(record, updated);
        }
    }

    /**
     * The entries {@code [from, end)}: plain loads and stores of the shared weights. ({@link Dataset#featureAt}
     * takes a hot entry's feature from its slot: one branch that changes once a row.)
     */
    private void updateShared(final long from, final long end, final float stepGradient, final float stepF)
    {
        final Dataset data = this.data;
        final UnsafeBuffer weights = this.weights;
        final UnsafeBuffer regularisation = this.regularisation;
        final long fromAddress = data.entryAddress(from);
        for (int i = 0, n = (int)(end - from); i < n; i++)
        {
            final long entry = fromAddress + (long)i * ENTRY_LENGTH;
            final int offset = data.featureAt(entry) << 2;
            final float w = weights.getFloat(offset);
            final float shrink = shrink(stepF, regularisation.getFloat(offset));
            weights.putFloat(offset, w - shrink * w - stepGradient * valueAt(entry));
        }
    }

    /** Every entry of {@code [from, end)} by a compare-and-set loop. */
    private void updateAtomic(final long from, final long end, final float stepGradient, final float stepF)
    {
        final Dataset data = this.data;
        final UnsafeBuffer weights = this.weights;
        final UnsafeBuffer regularisation = this.regularisation;
        final long fromAddress = data.entryAddress(from);
        for (int i = 0, n = (int)(end - from); i < n; i++)
        {
            final long entry = fromAddress + (long)i * ENTRY_LENGTH;
            final int offset = data.featureAt(entry) << 2;
            final float shrink = shrink(stepF, regularisation.getFloat(offset));
            final float delta = stepGradient * valueAt(entry);
            int bits;
            float w;
            do
            {
                bits = weights.getIntVolatile(offset);
                w = Float.intBitsToFloat(bits);
            }
            while (!weights.compareAndSetInt(offset, bits, Float.floatToRawIntBits(w - shrink * w - delta)));
        }
    }

    /**
     * Stores of the deferred hot updates made so far, those that take the copy (at the start of each {@link #train}
     * call, at the first {@link #trainDeferring} call, and at each {@link #refresh}) included.
     */
    long hotStoreCount()
    {
        return hotStores;
    }

    public int dimension()
    {
        return dimension;
    }
}
