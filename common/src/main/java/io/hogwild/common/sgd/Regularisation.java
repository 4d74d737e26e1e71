package io.hogwild.common.sgd;

import io.hogwild.common.data.Dataset;

/**
 * The per-coordinate L2 coefficients of the Hogwild! paper: {@code c_u = lambda * n / d_u}, with {@code n}
 * the training rows and {@code d_u} those that hold feature {@code u}. A sample shrinks only the weights
 * it touches, by {@code step * c_u * w_u}; over an epoch coordinate {@code u} is touched {@code d_u} times,
 * so it shrinks by {@code step * lambda * n * w_u} in all: the L2 step of the objective
 * {@code sum_i loss_i(w) + (lambda * n / 2) ||w||^2}, i.e. {@code lambda} is the strength on the
 * per-sample mean objective, as scikit-learn's {@code alpha} and liblinear's {@code 1 / (C n)}.
 * Features no training row holds get 0: no sample ever touches them.
 */
public final class Regularisation
{
    private Regularisation()
    {
    }

    public static float[] coefficients(final Dataset data, final long seed, final double validationFraction,
        final double lambda, final int dimension)
    {
        final int[] documentFrequency = new int[dimension];
        long trainRows = 0;
        for (long row = 0; row < data.rows(); row++)
        {
            if (DataSplit.isValidation(data, seed, row, validationFraction))
            {
                continue;
            }
            trainRows++;
            final long end = data.rowStart(row + 1);
            for (long k = data.rowStart(row); k < end; k++)
            {
                documentFrequency[data.index(k)]++;
            }
        }
        final float[] coefficients = new float[dimension];
        for (int u = 0; u < dimension; u++)
        {
            coefficients[u] = documentFrequency[u] == 0 ? 0f : (float)(lambda * trainRows / documentFrequency[u]);
        }
        return coefficients;
    }
}
