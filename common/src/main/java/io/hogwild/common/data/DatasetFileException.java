package io.hogwild.common.data;

/** A dataset file that cannot be read: the message names the file and what is wrong. */
public final class DatasetFileException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public DatasetFileException(final String message)
    {
        super(message);
    }

    public DatasetFileException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
