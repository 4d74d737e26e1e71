package io.hogwild.common.weights;

/** A weight file that cannot be created or read: the message names the file and what is wrong. */
public final class WeightFileException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public WeightFileException(final String message)
    {
        super(message);
    }

    public WeightFileException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
