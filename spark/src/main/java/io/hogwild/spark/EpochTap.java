package io.hogwild.spark;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.optimization.SquaredL2Updater;
import org.apache.spark.mllib.optimization.Updater;
import scala.Tuple2;

/**
 * MLlib's SquaredL2Updater, unchanged, that also keeps a copy of the weights at the end of every epoch
 * (every {@code perEpoch} iterations) with the time: MLlib's loop runs on the driver, so this sees each
 * step as it is taken and lets the mllib engine report per-epoch figures without altering the algorithm.
 */
final class EpochTap extends Updater
{
    private static final long serialVersionUID = 1L;

    private final SquaredL2Updater delegate = new SquaredL2Updater();
    private final int perEpoch;
    private final List<double[]> weights = new ArrayList<>();
    private final List<Integer> epochs = new ArrayList<>();
    private final List<Long> nanos = new ArrayList<>();
    private int lastIteration;

    EpochTap(final int perEpoch)
    {
        this.perEpoch = perEpoch;
    }

    @Override
    public Tuple2<Vector, Object> compute(final Vector weightsOld, final Vector gradient, final double stepSize,
        final int iteration, final double regParam)
    {
        final Tuple2<Vector, Object> next = delegate.compute(weightsOld, gradient, stepSize, iteration, regParam);
        // MLlib calls once with step 0 before the loop, to compute the regulariser's value: not a step.
        if (stepSize > 0)
        {
            lastIteration = iteration;
            if (iteration % perEpoch == 0)
            {
                record(iteration / perEpoch, next._1().toArray(), System.nanoTime());
            }
        }
        return next;
    }

    /** Records the final weights as a last, partial epoch when MLlib's convergence test ended the loop mid-epoch. */
    void finish(final double[] finalWeights, final long nowNs)
    {
        if (lastIteration % perEpoch != 0)
        {
            record(lastIteration / perEpoch + 1, finalWeights, nowNs);
        }
    }

    int lastIteration()
    {
        return lastIteration;
    }

    int epochs()
    {
        return weights.size();
    }

    int epoch(final int i)
    {
        return epochs.get(i);
    }

    double[] weights(final int i)
    {
        return weights.get(i);
    }

    long nanos(final int i)
    {
        return nanos.get(i);
    }

    private void record(final int epoch, final double[] copy, final long ns)
    {
        epochs.add(epoch);
        weights.add(copy);
        nanos.add(ns);
    }
}
