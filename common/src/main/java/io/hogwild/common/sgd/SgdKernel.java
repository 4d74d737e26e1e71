package io.hogwild.common.sgd;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.sync.UpdateGuard;
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
 * <p>How the shared weights are read and written depends on the {@link SyncMode}:
 * <ul>
 *   <li>{@link SyncMode#LOCKFREE}: plain loads and stores and no lock, the scheme of Hogwild!. Another
 *       worker may write {@code w_u} between this worker's load and store of it, and one of the two
 *       updates is then lost; a margin may mix weights from before and after another worker's update.
 *       With sparse rows both are rare, and SGD converges all the same.</li>
 *   <li>{@link SyncMode#ATOMIC}: each coordinate's update is a compare-and-set loop on the float's bits:
 *       the CAS succeeds only if no other write came between the load and the store, so no update is
 *       lost (a value that went A to B to A is still a correct base: the updates in between cancelled).
 *       Margins are still read without a lock.</li>
 *   <li>{@link SyncMode#LOCK} and {@link SyncMode#FILELOCK}: an {@link UpdateGuard} is held over the
 *       margins and the updates of one sample or mini-batch together, so the gradient is taken on the
 *       weights it is applied to and nothing is lost.</li>
 * </ul>
 *
 * <p>The hot loop allocates nothing: the batch buffers are made once per kernel.
 */
public final class SgdKernel
{
    private final Dataset data;
    private final UnsafeBuffer weights;
    private final UnsafeBuffer regularisation;
    private final Loss loss;
    private final int batchSize;
    private final int dimension;
    private final double[] batchGradient;
    private final boolean atomicUpdates;
    private final UpdateGuard guard;

    /**
     * @param data           the rows
     * @param weights        float32 weights, 4 bytes a coordinate
     * @param regularisation float32 coefficients {@code c_u}, 4 bytes a coordinate
     */
    public SgdKernel(final Dataset data, final UnsafeBuffer weights, final UnsafeBuffer regularisation,
        final Loss loss, final int batchSize)
    {
        this(data, weights, regularisation, loss, batchSize, SyncMode.LOCKFREE, null);
    }

    /**
     * @param sync  how the weights are shared
     * @param guard the lock of {@link SyncMode#LOCK} or {@link SyncMode#FILELOCK}; null for the other modes
     */
    public SgdKernel(final Dataset data, final UnsafeBuffer weights, final UnsafeBuffer regularisation,
        final Loss loss, final int batchSize, final SyncMode sync, final UpdateGuard guard)
    {
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
    }

    /**
     * Trains on the rows {@code order[from, to)} in that order.
     *
     * @return the sum of the samples' losses, each taken before its own update (progressive loss)
     */
    public double train(final int[] order, final int from, final int to, final double step)
    {
        double lossSum = 0;
        for (int first = from; first < to; first += batchSize)
        {
            final int end = Math.min(to, first + batchSize);
            if (guard == null)
            {
                lossSum += batch(order, first, end, step);
            }
            else
            {
                guard.lock();
                try
                {
                    lossSum += batch(order, first, end, step);
                }
                finally
                {
                    guard.unlock();
                }
            }
        }
        return lossSum;
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
        for (int i = first; i < end; i++)
        {
            if (atomicUpdates)
            {
                updateAtomic(order[i], batchGradient[i - first], batchStep);
            }
            else
            {
                update(order[i], batchGradient[i - first], batchStep);
            }
        }
        return lossSum;
    }

    /** {@code w . x} of row {@code row}. */
    public double dot(final long row)
    {
        final Dataset data = this.data;
        final UnsafeBuffer weights = this.weights;
        final long end = data.rowStart(row + 1);
        double sum = 0;
        for (long k = data.rowStart(row); k < end; k++)
        {
            sum += weights.getFloat(data.index(k) << 2) * data.value(k);
        }
        return sum;
    }

    private void update(final int row, final double gradientScale, final double step)
    {
        final Dataset data = this.data;
        final UnsafeBuffer weights = this.weights;
        final UnsafeBuffer regularisation = this.regularisation;
        final float stepGradient = (float)(step * gradientScale);
        final float stepF = (float)step;
        final long end = data.rowStart(row + 1);
        for (long k = data.rowStart(row); k < end; k++)
        {
            final int offset = data.index(k) << 2;
            final float w = weights.getFloat(offset);
            final float shrink = Math.min(stepF * regularisation.getFloat(offset), 1.0f);
            weights.putFloat(offset, w - shrink * w - stepGradient * data.value(k));
        }
    }

    private void updateAtomic(final int row, final double gradientScale, final double step)
    {
        final Dataset data = this.data;
        final UnsafeBuffer weights = this.weights;
        final UnsafeBuffer regularisation = this.regularisation;
        final float stepGradient = (float)(step * gradientScale);
        final float stepF = (float)step;
        final long end = data.rowStart(row + 1);
        for (long k = data.rowStart(row); k < end; k++)
        {
            final int offset = data.index(k) << 2;
            final float shrink = Math.min(stepF * regularisation.getFloat(offset), 1.0f);
            final float delta = stepGradient * data.value(k);
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

    public int dimension()
    {
        return dimension;
    }
}
