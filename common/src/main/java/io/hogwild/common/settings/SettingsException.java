package io.hogwild.common.settings;

/** A setting out of range or unreadable: the message names the option and the allowed values. */
public final class SettingsException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public SettingsException(final String message)
    {
        super(message);
    }
}
