package io.hogwild.common.weights;

/** The command word that the coordinator writes for its workers. Codes are part of the file format. */
public enum Command
{
    /** Keep going: run each epoch as the coordinator releases it. */
    RUN(0),
    /** Stop: finish the current sample, mark the slot and exit. */
    STOP(1);

    private final int code;

    Command(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    public static Command fromCode(final int code)
    {
        return code == STOP.code ? STOP : RUN;
    }
}
