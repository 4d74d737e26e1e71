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
    /** The key in jvm.properties. */
    public static final String KEY = "hogwild.jvm.flags";

    private JvmFlags()
    {
    }

    /** The flags, one list element each. */
    public static List<String> flags()
    {
        try (InputStream in = JvmFlags.class.getResourceAsStream("/io/hogwild/common/jvm.properties"))
        {
            if (in == null)
            {
                throw new IllegalStateException("jvm.properties is missing from the hogwild-common jar");
            }
            final Properties properties = new Properties();
            properties.load(in);
            final String flags = properties.getProperty(KEY, "").trim();
            return flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+"));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read jvm.properties: " + ex.getMessage(), ex);
        }
    }
}
