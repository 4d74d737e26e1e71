package io.hogwild.common.sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LossTest
{
    @Test
    void shouldMatchTheNumericDerivativeOfBothLosses()
    {
        final double h = 1e-6;
        for (final Loss loss : Loss.values())
        {
            for (double m = -5; m <= 5; m += 0.37)
            {
                if (loss == Loss.HINGE && Math.abs(m - 1) < 1e-3)
                {
                    continue; // the kink, where any value in [-1, 0] is a subgradient
                }
                final double numeric = (loss.value(m + h) - loss.value(m - h)) / (2 * h);
                assertEquals(numeric, loss.derivative(m), 1e-6, loss + " at " + m);
            }
        }
    }

    @Test
    void shouldGiveTheTextbookValues()
    {
        assertEquals(2.0, Loss.HINGE.value(-1));
        assertEquals(0.0, Loss.HINGE.value(1.5));
        assertEquals(Math.log(2), Loss.LOGISTIC.value(0), 1e-15);
        assertEquals(-0.5, Loss.LOGISTIC.derivative(0), 1e-15);
        assertEquals(1000.0, Loss.LOGISTIC.value(-1000), 1e-9); // no overflow
        assertEquals(0.0, Loss.LOGISTIC.value(1000), 1e-300);
    }
}
