package io.hogwild.coordinator;

/** A training run that stopped on an error: the message says what happened and, where it can, what to do. */
public final class RunFailedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public RunFailedException(final String message)
    {
        super(message);
    }

    public RunFailedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
