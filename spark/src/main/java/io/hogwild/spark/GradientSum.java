package io.hogwild.spark;

import java.io.Serializable;
import java.util.SplittableRandom;

import io.hogwild.common.sgd.Loss;

/**
 * The sum of the loss gradients of one iteration's sampled rows, built per partition and summed by
 * {@code treeAggregate}: the only thing that travels from the executors to the driver each iteration.
 * The gradient array is allocated on the first sampled row, so an empty partition sends almost nothing.
 */
public final class GradientSum implements Serializable
{
    private static final long serialVersionUID = 1L;

    private double[] gradient;
    private double lossSum;
    private long rows;

    /**
     * Adds the rows of {@code shard} that are training rows (not held out for validation) and that the
     * iteration samples, each with probability {@code fraction}, from a stream that depends on the seed,
     * the iteration and the shard only (the same run samples the same rows).
     */
    public GradientSum add(final Shard shard, final double[] weights, final Loss loss, final long seed,
        final double valFraction, final double fraction, final long iteration)
    {
        final SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + iteration * 0xBF58476D1CE4E5B9L +
            shard.firstRow());
        final int count = shard.rows().rows();
        for (int row = 0; row < count; row++)
        {
            if (shard.isValidation(row, seed, valFraction) ||
                (fraction < 1 && random.nextDouble() >= fraction))
            {
                continue;
            }
            final int label = shard.rows().label(row);
            final double margin = label * shard.dot(row, weights);
            lossSum += loss.value(margin);
            rows++;
            final double scale = loss.derivative(margin) * label;
            if (scale != 0)
            {
                if (gradient == null)
                {
                    gradient = new double[weights.length];
                }
                final int end = shard.rows().rowEnd(row);
                for (int k = shard.rowStart(row); k < end; k++)
                {
                    gradient[shard.rows().index(k)] += scale * shard.rows().value(k);
                }
            }
        }
        return this;
    }

    /** Adds {@code other} into this. */
    public GradientSum merge(final GradientSum other)
    {
        if (other.gradient != null)
        {
            if (gradient == null)
            {
                gradient = other.gradient;
            }
            else
            {
                for (int i = 0; i < gradient.length; i++)
                {
                    gradient[i] += other.gradient[i];
                }
            }
        }
        lossSum += other.lossSum;
        rows += other.rows;
        return this;
    }

    /** The summed gradient, or null when no sampled row had one. */
    public double[] gradient()
    {
        return gradient;
    }

    public double lossSum()
    {
        return lossSum;
    }

    public long rows()
    {
        return rows;
    }
}
