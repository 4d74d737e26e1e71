package io.hogwild.common.sync;

/** A worker gave up waiting for a lock because its {@link WaitCheck} said so. */
public final class WaitAbandonedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public WaitAbandonedException(final String message)
    {
        super(message);
    }
}
