package io.hogwild.common.sgd;

import io.hogwild.common.data.Dataset;
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
 * <p>The weights are read and written with plain loads and stores and no lock: the lock-free scheme of
 * Hogwild!. Another worker may write {@code w_u} between this worker's read and write of it, and one of
 * the two updates is then lost; with sparse rows that is rare, and SGD converges all the same.
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

    /**
     * @param data           the rows
     * @param weights        float32 weights, 4 bytes a coordinate
     * @param regularisation float32 coefficients {@code c_u}, 4 bytes a coordinate
     */
    public SgdKernel(final Dataset data, final UnsafeBuffer weights, final UnsafeBuffer regularisation,
        final Loss loss, final int batchSize)
    {
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

    public int dimension()
    {
        return dimension;
    }
}
