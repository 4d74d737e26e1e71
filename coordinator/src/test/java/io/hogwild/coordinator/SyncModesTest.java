package io.hogwild.coordinator;

import static io.hogwild.coordinator.TestSupport.number;
import static io.hogwild.coordinator.TestSupport.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.SharedData;
import io.hogwild.coordinator.cli.HogwildCli;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every synchronisation mode, in processes and in threads, trains SpamAssassin to liblinear's accuracy. */
@ExtendWith(IsolatedRuns.class)
class SyncModesTest
{
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "lockfree, --procs", "lockfree-eager, --procs", "lock, --procs", "atomic, --procs", "filelock, --procs",
        "lockfree, --threads", "lock, --threads", "atomic, --threads", "filelock, --threads"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldTrainSpamAssassinToLiblinearsAccuracy(final String sync, final String mode) throws Exception
    {
        final Path run = dir.resolve(sync + mode);
        assertEquals(0, HogwildCli.execute("--data", SharedData.require("spamassassin.train.libsvm").toString(),
            "--test", SharedData.require("spamassassin.test.libsvm").toString(), mode, "2", "--sync", sync, "-q",
            "--out", run.toString()));
        final String summary = read(run.resolve("summary.json"));
        assertTrue(summary.contains("\"sync\": \"" + sync + "\""), summary);
        assertTrue(summary.contains("\"mode\": \"" + mode.substring(2) + "\""), summary);
        assertTrue(number(summary, "test_accuracy") >= 0.984, "liblinear reaches 0.9892; " + summary);
    }
}
