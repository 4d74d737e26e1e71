package io.hogwild.common.weights;

/** The run state word in the weight file's control section. Codes are part of the file format. */
public enum RunState
{
    /** The coordinator is preparing the run; workers may be starting. */
    INITIALISING(0),
    /** Epochs are being trained. */
    RUNNING(1),
    /** Training ended normally; the weights are final. */
    FINISHED(2),
    /** Training stopped on an error; the weights are not a finished model. */
    FAILED(3),
    /** Training was stopped by a signal; the weights hold the state at that moment. */
    INTERRUPTED(4);

    private final int code;

    RunState(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    /** True once the run can no longer change the weights. */
    public boolean isTerminal()
    {
        return this == FINISHED || this == FAILED || this == INTERRUPTED;
    }

    public static RunState fromCode(final int code)
    {
        for (final RunState state : values())
        {
            if (state.code == code)
            {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown run state code " + code);
    }
}
