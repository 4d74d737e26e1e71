package io.hogwild.worker;

import java.nio.ByteBuffer;
import java.util.function.Function;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.sgd.Deferral;
import io.hogwild.common.sgd.EpochChunks;
import io.hogwild.common.sgd.SgdKernel;
import io.hogwild.common.sgd.SyncMode;
import io.hogwild.common.sync.UpdateGuard;
import io.hogwild.common.sync.WaitAbandonedException;
import io.hogwild.common.sync.WaitCheck;
import io.hogwild.common.sync.WeightRegionFileLock;
import io.hogwild.common.util.StalenessWatch;
import io.hogwild.common.weights.Command;
import io.hogwild.common.weights.RunState;
import io.hogwild.common.weights.WeightFile;
import io.hogwild.common.weights.WorkerState;
import org.agrona.BufferUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One worker: the unit of work that a forked JVM's {@link WorkerMain} runs, and that a thread can run
 * alike. It warms up ({@link #warmUp}), attaches to its slot of the weight file, then, epoch after epoch, waits
 * until the coordinator releases the next epoch, takes the epoch's chunks ({@link EpochChunks}) one at a time from
 * the weight file's chunk-owner table that all workers share, trains each with the shared {@link SgdKernel}, and when none is left
 * arrives at the barrier by publishing the epoch in its slot. After each chunk it publishes its progress;
 * after each chunk and each piece of a long one (4,096 samples, fewer of dense rows) it beats its heartbeat
 * and obeys the stop command.
 *
 * <p>Everything it learns from the coordinator comes through the weight file: no socket, pipe or message.
 */
public final class Worker
{
    /** How often the worker beats its heartbeat. */
    public static final long HEARTBEAT_INTERVAL_MS = 100;
    /** How often a waiting worker checks that its coordinator still lives. */
    public static final long COORDINATOR_CHECK_INTERVAL_MS = 500;
    /** A coordinator whose heartbeat has not moved for this long (by this worker's clock) is taken for dead. */
    public static final long COORDINATOR_TIMEOUT_MS = 5_000;
    /**
     * The most non-zeros a worker trains on weights of its own before its first epoch ({@link #warmUp}), about
     * 65,000 rows of the RCV1-shaped data: without it, the JIT compiled the kernel inside the first epoch.
     */
    static final long WARM_UP_NON_ZEROS = 5_000_000;
    /**
     * Non-zeros of a warm-up's call of the kernel (at least one row), between two looks at the control words: a
     * few dozen rows, so that the call is made often enough for the JIT to compile it whole.
     */
    private static final long WARM_UP_PIECE_NON_ZEROS = 4_096;
    /** Pieces of the warm-up between two changes of its step (see {@link #warmUp}). */
    private static final int WARM_UP_PIECES_A_STEP = 32;
    /**
     * The most memory off the heap that the warm-up takes (its weights and its kernel's copies, freed after
     * it): a model wider than about 4 M features starts without a warm-up.
     */
    static final long WARM_UP_MAX_DIRECT_BYTES = 64L << 20;
    /**
     * Non-zeros of a piece of a chunk, at most (at least one row): the worker beats its heartbeat and obeys the stop
     * command between pieces, so a piece must stay far under the coordinator's stale-heartbeat limit on dense rows
     * too (about 10 ms here). The deferred stores come at their own intervals, so pieces cost no stores.
     */
    static final long PIECE_NON_ZEROS = 1L << 22;
    /** The warm-up's step where the file holds none yet: its weights are dropped, only the code paths matter. */
    private static final double WARM_UP_STEP = 0.1;

    /** Why {@link #run} returned. */
    public enum Outcome
    {
        /** The coordinator commanded a stop. */
        STOPPED,
        /** The coordinator's process is gone or its heartbeat is stale: the run is abandoned. */
        COORDINATOR_GONE
    }

    private final WeightFile file;
    private final int index;
    private final SgdKernel kernel;
    /** A kernel like {@link #kernel} on other weights: the warm-up's ({@link #warmUp}). */
    private final Function<UnsafeBuffer, SgdKernel> kernelOn;
    /** Bytes of the warm-up's weights; 0 where it would take too much memory ({@link #warmUpDirectBytes}). */
    private final int warmUpWeightBytes;
    /**
     * Samples of the warm-up, at most: {@link #WARM_UP_NON_ZEROS} in rows of this data, and no more than an
     * epoch's training rows (on a small file the warm-up would cost more than the compilation it saves).
     */
    private final int warmUpSamples;
    /** Samples of a warm-up's call of the kernel: {@link #WARM_UP_PIECE_NON_ZEROS} in rows of this data. */
    private final int warmUpPiece;
    /** Samples the warm-up trained, set when it ends (-1 before). */
    private volatile int warmedUp = -1;
    /** The file lock of {@code --sync filelock}, closed when the worker ends; else null. */
    private final WeightRegionFileLock fileLock;
    private final EpochChunks chunks;
    /** The rows of the chunk being trained. */
    private final int[] rows;
    /**
     * Samples of a chunk trained by one {@link SgdKernel#trainDeferring} call: {@link EpochChunks#CHUNK_SAMPLES},
     * fewer where that many rows would hold more than {@link #PIECE_NON_ZEROS} non-zeros.
     */
    private final int pieceSamples;
    private final long coordinatorPid;
    /** A worker thread in the coordinator's own JVM: it shares that JVM's life and its compiled code. */
    private final boolean inCoordinatorJvm;
    private final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
    private final StalenessWatch coordinatorHeartbeat = new StalenessWatch();
    private long samplesDone;
    private long lastHeartbeatNs;
    private long lastCoordinatorCheckNs;

    /**
     * @param file  the mapped weight file (its configuration fixes loss, batch, seed and split)
     * @param data  the mapped training data
     * @param index this worker's slot
     */
    public Worker(final WeightFile file, final Dataset data, final int index)
    {
        if (index < 0 || index >= file.workerCount())
        {
            throw new IllegalArgumentException("worker index " + index + " outside [0, " + file.workerCount() + ")");
        }
        this.file = file;
        this.index = index;
        final SyncMode sync = file.syncMode();
        // A worker waiting for a lock still obeys the stop command and notices a dead coordinator.
        final WaitCheck waitCheck = () -> file.command() != Command.STOP && beat(System.nanoTime());
        this.fileLock = sync == SyncMode.FILELOCK ?
            WeightRegionFileLock.open(file.path(), file.weightsOffset(), file.dimension() * Float.BYTES, waitCheck) :
            null;
        final UpdateGuard guard = sync == SyncMode.LOCK ? file.weightLock(index, waitCheck) : fileLock;
        this.chunks = new EpochChunks(data, file.seed(), file.validationFraction(), file.shuffleBlock(),
            file.chunkBlocks());
        final Deferral deferral = Deferral.of(sync, file.workerCount(), data);
        final int coldStoreSamples = deferral.coldStoreSamples(file.workerCount(), data);
        this.kernelOn = weights -> new SgdKernel(data, weights, file.regularisation(), file.loss(), file.batchSize(),
            sync, guard, deferral, deferral.hotStoreSamples(file.workerCount()), coldStoreSamples);
        this.kernel = kernelOn.apply(file.weights());
        this.warmUpWeightBytes = warmUpDirectBytes(data.dimension(),
            SgdKernel.offHeapBytes(deferral, data.dimension(), data.hotFeatureCount())) == 0 ? 0 :
            (int)data.dimension() * Float.BYTES;
        final double nonZerosPerRow = Math.max(1.0, (double)data.nnz() / Math.max(1, data.rows()));
        this.warmUpSamples = rowsHolding(WARM_UP_NON_ZEROS, nonZerosPerRow, chunks.trainRows());
        this.warmUpPiece = rowsHolding(WARM_UP_PIECE_NON_ZEROS, nonZerosPerRow, warmUpSamples);
        // A chunk of long blocks can take seconds at the slow modes' rates: it is trained in pieces, between
        // which the worker beats its heartbeat and obeys the stop command.
        this.pieceSamples = rowsHolding(PIECE_NON_ZEROS, nonZerosPerRow, EpochChunks.CHUNK_SAMPLES);
        this.rows = new int[chunks.maxRows()];
        final long trainRows = chunks.trainRows();
        if (trainRows != file.trainRows() || chunks.count() != file.chunkCount())
        {
            throw new IllegalStateException(data.path() + " holds " + trainRows + " training rows in " +
                chunks.count() + " chunks, the run " + file.trainRows() + " in " + file.chunkCount() +
                ": the dataset file changed after the coordinator opened it");
        }
        this.coordinatorPid = file.coordinatorPid();
        this.inCoordinatorJvm = coordinatorPid == ProcessHandle.current().pid();
    }

    /** Rows of {@code nonZerosPerRow} non-zeros each that hold about {@code nonZeros}: from 1 to {@code most}. */
    private static int rowsHolding(final long nonZeros, final double nonZerosPerRow, final long most)
    {
        return (int)Math.max(1, Math.min(most, nonZeros / nonZerosPerRow));
    }

    /** Runs epochs as they are released until the stop command, or until the coordinator is gone. */
    public Outcome run()
    {
        if (file.runState().isTerminal())
        {
            // A replacement started just as the run ended: there is nothing left to join.
            return Outcome.STOPPED;
        }
        lastHeartbeatNs = System.nanoTime();
        lastCoordinatorCheckNs = lastHeartbeatNs;
        // A replacement for a worker that already arrived at the barrier must not train that epoch again.
        long epoch = Math.max(file.epochsCompleted(), file.workerEpochReached(index)) + 1;
        try
        {
            // Before attaching: the coordinator releases the first epoch once every worker has attached, so the
            // warm-up ends, and the JIT has compiled the kernel, before the epoch's clock starts.
            final Outcome warmUpCut = warmUp(epoch);
            if (warmUpCut != null)
            {
                file.workerState(index, WorkerState.EXITED);
                return warmUpCut;
            }
            file.attachWorker(index, ProcessHandle.current().pid(), System.currentTimeMillis());
            samplesDone = file.workerSamplesDone(index);
            while (true)
            {
                final Outcome waited = awaitEpoch(epoch);
                if (waited != null)
                {
                    file.workerState(index, WorkerState.EXITED);
                    return waited;
                }
                file.workerState(index, WorkerState.TRAINING);
                final Outcome cut = trainEpoch(epoch, file.stepSize());
                if (cut != null)
                {
                    file.workerState(index, WorkerState.EXITED);
                    return cut;
                }
                file.workerState(index, WorkerState.WAITING);
                epoch++;
            }
        }
        catch (final RuntimeException | Error ex)
        {
            file.workerState(index, WorkerState.FAILED);
            throw ex;
        }
        finally
        {
            if (fileLock != null)
            {
                fileLock.close();
            }
        }
    }

    /**
     * Before the worker attaches, and so before the first epoch's release (the coordinator waits for every
     * worker to attach), trains at most {@link #WARM_UP_NON_ZEROS} non-zeros of the first chunks into weights of
     * its own, which it then frees, so that the JIT has compiled the kernel before the epoch's clock starts
     * instead of inside it. It trains in small pieces, so that the kernel's call itself is compiled, not only its
     * loop on the stack, and takes a new step now and then, as each epoch does, so that the compiled call has
     * that path too. (Until 2026-12-04 it ran until the release, which often cut it short, in pieces of 65,536
     * non-zeros: two workers' first epoch then ran at half the speed of the next ones, docs/performance.md.)
     * Not under the modes that lock (the warm-up must not take the run's locks), nor in a replacement, which
     * joins a run under way, nor in worker threads but the first, nor where it would take more than
     * {@link #WARM_UP_MAX_DIRECT_BYTES} off the heap.
     *
     * @return null to go on and attach, else why to stop (the stop command, a coordinator gone)
     */
    private Outcome warmUp(final long epoch)
    {
        final SyncMode sync = file.syncMode();
        // Worker threads share their JVM's compiled code: one warm-up does for all. A replacement joins a run
        // that is under way (RUNNING): it must not hold the others at the barrier.
        if (sync == SyncMode.LOCK || sync == SyncMode.FILELOCK || (inCoordinatorJvm && index > 0) ||
            file.runState() != RunState.INITIALISING || file.epoch() >= epoch || chunks.count() == 0 ||
            warmUpWeightBytes == 0)
        {
            warmedUp = 0;
            return null;
        }
        final ByteBuffer weights;
        final SgdKernel warm;
        try
        {
            weights = ByteBuffer.allocateDirect(warmUpWeightBytes);
            warm = kernelOn.apply(new UnsafeBuffer(weights));
        }
        catch (final OutOfMemoryError ex)
        {
            warmedUp = 0; // a speed-up only: without room for it the first epoch compiles the kernel
            return null;
        }
        final double step = file.stepSize() > 0 ? file.stepSize() : WARM_UP_STEP;
        chunks.shuffle(epoch);
        int trained = 0;
        int pieces = 0;
        try
        {
            for (int chunk = 0; trained < warmUpSamples; chunk = (chunk + 1) % chunks.count())
            {
                final int n = chunks.rows(chunk, rows);
                for (int from = 0; from < n && trained < warmUpSamples; from += warmUpPiece)
                {
                    // No release can come: the coordinator releases the first epoch once every worker has attached.
                    final Outcome cut = look();
                    if (cut != null)
                    {
                        return cut;
                    }
                    final int to = Math.min(n, Math.min(from + warmUpPiece, from + warmUpSamples - trained));
                    // The epoch's code path, a new step now and then: each epoch's first call takes one (its
                    // shrinks), and a path that the JIT's profile never saw taken would be compiled as a trap,
                    // which epoch 1 would spring, sending the kernel back to the interpreter to be compiled again.
                    final boolean decayed = (pieces++ / WARM_UP_PIECES_A_STEP) % 2 == 1;
                    warm.trainDeferring(rows, from, to, decayed ? step * 0.9 : step);
                    trained += to - from;
                }
            }
            return null;
        }
        finally
        {
            warm.free();
            BufferUtil.free(weights);
            warmedUp = trained;
        }
    }

    /**
     * The memory off the heap that a worker's warm-up takes on data of {@code dimension} features whose
     * kernel's copies take {@code kernelBytes}: its weights and a second kernel's copies, or 0 past
     * {@link #WARM_UP_MAX_DIRECT_BYTES}, where it does not warm up. A worker JVM must be allowed it too.
     */
    public static long warmUpDirectBytes(final long dimension, final long kernelBytes)
    {
        final long bytes = dimension * Float.BYTES + kernelBytes;
        return bytes <= WARM_UP_MAX_DIRECT_BYTES ? bytes : 0;
    }

    /** Samples the warm-up before the first epoch trained, once it has ended; -1 before ({@link #warmUp}). */
    int warmedUpSamples()
    {
        return warmedUp;
    }

    /** Waits for the release of {@code epoch}; returns null when released, else why to stop. */
    private Outcome awaitEpoch(final long epoch)
    {
        idle.reset();
        while (true)
        {
            if (file.command() == Command.STOP)
            {
                return Outcome.STOPPED;
            }
            if (file.epoch() >= epoch)
            {
                return null;
            }
            if (!beat(System.nanoTime()))
            {
                return Outcome.COORDINATOR_GONE;
            }
            idle.idle();
        }
    }

    /**
     * Trains chunks of {@code epoch} until none is left; returns null when it is done, else why it was cut
     * short. A replacement for a worker that died mid-epoch goes on from what the slot counts: the samples and
     * losses of the chunks it finished, and first the chunk it took and did not finish.
     */
    private Outcome trainEpoch(final long epoch, final double step)
    {
        chunks.shuffle(epoch);
        // Every worker stored its last changes before the barrier: the epoch starts from all of them.
        kernel.refresh();
        int position = file.workerEpochPosition(index, epoch);
        double lossSum = file.workerEpochLossSoFar(index, epoch);
        int chunk = file.workerUnfinishedChunk(index, epoch, position);
        while (true)
        {
            if (chunk < 0)
            {
                chunk = file.takeChunk(index, epoch, position);
                if (chunk < 0)
                {
                    break;
                }
            }
            final int n = chunks.rows(chunk, rows);
            for (int from = 0; from < n; from += pieceSamples)
            {
                try
                {
                    lossSum += kernel.trainDeferring(rows, from, Math.min(n, from + pieceSamples), step);
                }
                catch (final WaitAbandonedException ex)
                {
                    return file.command() == Command.STOP ? Outcome.STOPPED : Outcome.COORDINATOR_GONE;
                }
                if (from + pieceSamples < n)
                {
                    final Outcome cut = look();
                    if (cut != null)
                    {
                        return cut;
                    }
                }
            }
            samplesDone += n;
            position += n;
            file.workerEpochProgress(index, epoch, position, lossSum);
            file.workerSamplesDone(index, samplesDone);
            chunk = -1;
            final Outcome cut = look();
            if (cut != null)
            {
                return cut;
            }
        }
        kernel.store(); // the epoch's last deferred updates, before the barrier
        file.workerEpochDone(index, epoch, lossSum, position);
        return null;
    }

    /** Between two pieces of work: null to go on, else why to stop (the stop command, a coordinator gone). */
    private Outcome look()
    {
        if (file.command() == Command.STOP)
        {
            return Outcome.STOPPED;
        }
        return beat(System.nanoTime()) ? null : Outcome.COORDINATOR_GONE;
    }

    /**
     * Beats the heartbeat when due and checks the coordinator; false when the coordinator is gone.
     * Intervals are timed by the monotonic clock; the heartbeat value written is wall-clock milliseconds,
     * for humans reading {@code inspect}.
     */
    private boolean beat(final long nowNs)
    {
        if (nowNs - lastHeartbeatNs >= HEARTBEAT_INTERVAL_MS * 1_000_000L)
        {
            file.workerHeartbeat(index, System.currentTimeMillis());
            lastHeartbeatNs = nowNs;
        }
        if (nowNs - lastCoordinatorCheckNs >= COORDINATOR_CHECK_INTERVAL_MS * 1_000_000L)
        {
            lastCoordinatorCheckNs = nowNs;
            return isCoordinatorAlive();
        }
        return true;
    }

    private boolean isCoordinatorAlive()
    {
        if (inCoordinatorJvm)
        {
            return true;
        }
        final boolean alive = ProcessHandle.of(coordinatorPid).map(ProcessHandle::isAlive).orElse(false);
        final long stillNs = coordinatorHeartbeat.observe(file.coordinatorHeartbeatMs(), System.nanoTime());
        return alive && stillNs <= COORDINATOR_TIMEOUT_MS * 1_000_000L;
    }
}
