package io.hogwild.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import io.hogwild.coordinator.RunFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code spark} on a Java that Spark 4.0 cannot start on: a clear refusal, not Hadoop's stack trace. */
class SparkJavaTest
{
    /** Skips, with the reason, a test that starts Spark where it cannot start (every JDK still runs this class). */
    static void assumeSparkStarts()
    {
        final int feature = Runtime.version().feature();
        assumeTrue(feature <= SparkRun.NEWEST_JAVA, "Spark 4.0 does not start on Java " + feature +
            " (SparkRun.requireSupportedJava says why); run these tests on Java 17 or 21");
    }

    @Test
    void shouldRefuseAJavaThatSparkCannotStartOnAndSayWhichToUse()
    {
        final RunFailedException refused = assertThrows(RunFailedException.class,
            () -> SparkRun.requireSupportedJava(25, "/usr/lib/jvm/jdk-25"));
        final String message = refused.getMessage();
        assertTrue(message.contains("Java 17 or 21") && message.contains("Java 25") &&
            message.contains("/usr/lib/jvm/jdk-25") && message.contains("JAVA_HOME"), message);
        assertThrows(RunFailedException.class, () -> SparkRun.requireSupportedJava(23, "/jdk"));
        assertDoesNotThrow(() -> SparkRun.requireSupportedJava(17, "/jdk"));
        assertDoesNotThrow(() -> SparkRun.requireSupportedJava(21, "/jdk"));
    }

    @Test
    void shouldRefuseThroughTheCommandLineBeforeWritingAnything(@TempDir final Path dir)
    {
        final int feature = Runtime.version().feature();
        assumeTrue(feature > SparkRun.NEWEST_JAVA, "Java " + feature + " starts Spark: nothing to refuse here");
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = SparkCommand.commandLine();
        commandLine.setErr(new PrintWriter(err));
        final int exit = commandLine.execute("--data", dir.resolve("any.libsvm").toString(), "--out",
            dir.resolve("run").toString(), "-q");
        assertTrue(exit != 0 && err.toString().contains("spark needs Java 17 or 21"), exit + ": " + err);
        assertTrue(Files.notExists(dir.resolve("run")), "no run directory");
    }
}
