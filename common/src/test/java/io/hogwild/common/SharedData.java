package io.hogwild.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Assumptions;

/**
 * The real datasets of {@code ../shared/data}, present beside the repository in CI and on the developers'
 * machines, absent from a user's clone: tests that need them skip with a visible reason.
 */
public final class SharedData
{
    private SharedData()
    {
    }

    /** The directory: system property {@code hogwild.shared.data} (set by the build), else ../shared/data. */
    public static Path directory()
    {
        final String property = System.getProperty("hogwild.shared.data");
        return property != null ? Paths.get(property) : Paths.get("..", "shared", "data");
    }

    /** The file {@code name} of the shared data, or skips the test when it is absent. */
    public static Path require(final String name)
    {
        final Path file = directory().resolve(name);
        if (!Files.isRegularFile(file))
        {
            final String reason = "SKIPPED: real dataset " + file.toAbsolutePath().normalize() +
                " is absent (../shared/data exists beside the repository in CI only)";
            // Surefire's console shows only a count of skipped tests: say why where the user looks.
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        return file;
    }
}
