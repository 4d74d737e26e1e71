package io.hogwild.common.sgd;

/**
 * How workers synchronise their writes to the shared weights. Codes are part of the weight file format.
 */
public enum SyncMode
{
    /**
     * Hogwild!: plain racy reads and writes of the weights, no lock and no compare-and-set. Two workers
     * that update the same coordinate at once may lose one of the two updates; with sparse data such
     * collisions are rare and SGD tolerates them (Niu et al. 2011).
     */
    LOCKFREE(0, "lockfree");

    private final int code;
    private final String cliName;

    SyncMode(final int code, final String cliName)
    {
        this.code = code;
        this.cliName = cliName;
    }

    public int code()
    {
        return code;
    }

    public String cliName()
    {
        return cliName;
    }

    public static SyncMode fromCode(final int code)
    {
        for (final SyncMode mode : values())
        {
            if (mode.code == code)
            {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown sync mode code " + code);
    }

    public static SyncMode fromCliName(final String name)
    {
        for (final SyncMode mode : values())
        {
            if (mode.cliName.equalsIgnoreCase(name))
            {
                return mode;
            }
        }
        return null;
    }
}
