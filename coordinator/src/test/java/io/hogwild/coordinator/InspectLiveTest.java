package io.hogwild.coordinator;

import static io.hogwild.coordinator.TestSupport.await;
import static io.hogwild.coordinator.TestSupport.cli;
import static io.hogwild.coordinator.TestSupport.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.weights.WeightFile;
import io.hogwild.coordinator.cli.HogwildCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect} on a run while its workers train, and after. */
@ExtendWith(IsolatedRuns.class)
class InspectLiveTest
{
    @TempDir
    Path dir;

    private static boolean passedEpochOne(final Path weights)
    {
        try (WeightFile file = TestSupport.runningPast(weights, 1))
        {
            return file != null && file.epochsCompleted() >= 1;
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldShowALiveRunWithoutDisturbingIt() throws Exception
    {
        final String prefix = TestSupport.generate(dir, 40_000, 1_000, 2_000, 40);
        final Path run = dir.resolve("run");
        final CompletableFuture<Integer> training = CompletableFuture.supplyAsync(() -> HogwildCli.execute(
            "--data", prefix + ".train.libsvm", "--procs", "2", "--epochs", "25", "--patience", "0", "-q",
            "--out", run.toString()));
        final Path weights = run.resolve("weights.bin");
        await(() -> passedEpochOne(weights) || training.isDone(), 120_000, "the run to pass epoch 1");

        final TestSupport.Outcome live = cli("inspect", weights.toString(), "--json", "--top", "3");
        assertEquals(0, live.exitCode(), live.err());
        assertTrue(live.out().contains("\"state\": \"RUNNING\""), live.out());
        assertEquals(2000, number(live.out(), "dim"));
        assertTrue(number(live.out(), "epoch") >= 1);
        assertTrue(live.out().contains("\"liveness\": \"alive\""), live.out());
        assertTrue(live.out().contains("\"top\": [{"), live.out());

        assertEquals(0, training.get(150, TimeUnit.SECONDS));
        final TestSupport.Outcome after = cli("inspect", run.toString());
        assertEquals(0, after.exitCode(), after.err());
        assertTrue(after.out().contains("state FINISHED"), after.out());
        assertTrue(after.out().contains("exited"), after.out());
        assertTrue(after.out().contains("top by magnitude"), after.out());
    }
}
