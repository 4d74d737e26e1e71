package io.hogwild.common.weights;

/** The state word of a worker slot. Codes are part of the file format. */
public enum WorkerState
{
    /** The slot is not taken yet: its worker has not attached. */
    NOT_STARTED(0),
    /** Attached, waiting for the coordinator to release the next epoch. */
    WAITING(1),
    /** Training the chunks of an epoch. */
    TRAINING(2),
    /** Exited normally after the stop command. */
    EXITED(3),
    /** Exited on an error. */
    FAILED(4);

    private final int code;

    WorkerState(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    public static WorkerState fromCode(final int code)
    {
        for (final WorkerState state : values())
        {
            if (state.code == code)
            {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown worker state code " + code);
    }
}
