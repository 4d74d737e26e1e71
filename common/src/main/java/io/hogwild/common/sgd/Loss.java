package io.hogwild.common.sgd;

/**
 * The loss of one sample as a function of its margin {@code m = y * (w . x)}, with {@code y} in {-1, +1}.
 * Codes are part of the weight file format.
 */
public enum Loss
{
    /** Hinge loss {@code max(0, 1 - m)}: a linear SVM. */
    HINGE(0, "hinge"),
    /** Logistic loss {@code log(1 + exp(-m))}: logistic regression. */
    LOGISTIC(1, "logistic"),
    /**
     * Not a loss to train with: the lost-update probe, {@code -m}. Its derivative is -1 at every margin, so on rows of
     * label +1 and values 1 with no regularisation a step of 1 adds exactly 1 to every coordinate a sample
     * holds, and the weights count how many updates arrived. Not offered on the command line.
     */
    COUNT(2, "count");

    private final int code;
    private final String cliName;

    Loss(final int code, final String cliName)
    {
        this.code = code;
        this.cliName = cliName;
    }

    public int code()
    {
        return code;
    }

    /** The name used on the command line and in settings files. */
    public String cliName()
    {
        return cliName;
    }

    /** The loss at margin {@code m}. */
    public double value(final double m)
    {
        if (this == HINGE)
        {
            return m < 1.0 ? 1.0 - m : 0.0;
        }
        if (this == COUNT)
        {
            return -m;
        }
        // log(1 + e^-m) without overflow for large |m|.
        return m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
    }

    /** The derivative of the loss with respect to the margin (a subgradient for hinge at m = 1). */
    public double derivative(final double m)
    {
        if (this == HINGE)
        {
            return m < 1.0 ? -1.0 : 0.0;
        }
        if (this == COUNT)
        {
            return -1.0;
        }
        return -1.0 / (1.0 + Math.exp(m));
    }

    public static Loss fromCode(final int code)
    {
        for (final Loss loss : values())
        {
            if (loss.code == code)
            {
                return loss;
            }
        }
        throw new IllegalArgumentException("unknown loss code " + code);
    }

    /** Parses a command-line name ("hinge", "logistic"); null when unknown ({@link #COUNT} is not one). */
    public static Loss fromCliName(final String name)
    {
        for (final Loss loss : values())
        {
            if (loss != COUNT && loss.cliName.equalsIgnoreCase(name))
            {
                return loss;
            }
        }
        return null;
    }
}
