package io.hogwild.common.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The JVM flags hogwild needs (Agrona's and Chronicle's module openings, Chronicle's switches), read
 * from the project's {@code jvm.properties}, which the build packages beside this class. run.sh and
 * surefire read the same file.
 */
public final class JvmFlags
{
    /** The key of the flags every hogwild JVM needs, tests included. */
    public static final String KEY = "hogwild.jvm.flags";
    /** The key of the flags of production runs only (run.sh and worker JVMs). */
    public static final String RUN_KEY = "hogwild.jvm.run.flags";

    private JvmFlags()
    {
    }

    /** The flags every hogwild JVM needs, one list element each. */
    public static List<String> flags()
    {
        return read(KEY);
    }

    /** The flags of production runs (run.sh, worker JVMs), one list element each. */
    public static List<String> runFlags()
    {
        return read(RUN_KEY);
    }

    private static List<String> read(final String key)
    {
        try (InputStream in = JvmFlags.class.getResourceAsStream("/io/hogwild/common/jvm.properties"))
        {
            if (in == null)
            {
                throw new IllegalStateException("jvm.properties is missing from the hogwild-common jar");
            }
            final Properties properties = new Properties();
            properties.load(in);
            final String flags = properties.getProperty(key, "").trim();
            return flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+"));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read jvm.properties: " + ex.getMessage(), ex);
        }
    }
}
