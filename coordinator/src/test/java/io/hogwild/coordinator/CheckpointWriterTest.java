package io.hogwild.coordinator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints written on the writer's thread: whole when finished, and a failure reaches the run. */
class CheckpointWriterTest
{
    @TempDir
    Path dir;

    private static Checkpoint checkpoint(final int epoch, final float weight)
    {
        return new Checkpoint(epoch, 0.1, 0.5, epoch, 0.4, 0, 1000L * epoch, epoch, new float[] {weight, -weight},
            new float[] {weight, 0}, 0.4, 2.0 * epoch);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldLeaveTheNewestCheckpointWholeOnceFinished() throws Exception
    {
        try (CheckpointWriter writer = new CheckpointWriter())
        {
            for (int epoch = 1; epoch <= 5; epoch++)
            {
                writer.write(checkpoint(epoch, epoch), dir); // each waits for the one before: none is skipped
            }
            writer.finish();
            assertTrue(writer.idle());
        }
        final Checkpoint read = Checkpoint.read(dir);
        assertEquals(5, read.epoch());
        assertArrayEquals(new float[] {5, -5}, read.weights());
        assertArrayEquals(new float[] {5, 0}, read.bestWeights());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldSpaceTheWritesByTwentyTimesTheFastestOnesDuration() throws Exception
    {
        try (CheckpointWriter writer = new CheckpointWriter())
        {
            assertTrue(writer.due(System.nanoTime()), "the first checkpoint is due at once");
            long fastestNs = Long.MAX_VALUE;
            long startNs = 0;
            long lastNs = 0; // the last write's call, which its own start falls within
            for (int epoch = 1; epoch <= 3; epoch++)
            {
                startNs = System.nanoTime();
                writer.write(checkpoint(epoch, epoch), dir);
                writer.finish();
                lastNs = System.nanoTime() - startNs;
                fastestNs = Math.min(fastestNs, lastNs);
            }
            final long tookNs = writer.fastestWriteNs();
            assertTrue(tookNs > 0 && tookNs <= fastestNs, "measured: " + tookNs + " ns, at most " + fastestNs);
            final long spacingNs = CheckpointWriter.INTERVAL_PER_WRITE * tookNs;
            assertFalse(writer.due(startNs + spacingNs / 2), "half the spacing after the last write started");
            assertTrue(writer.due(startNs + lastNs + spacingNs), "once the spacing has passed");
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldThrowAFailedWriteAtTheNextCallAndMakeThatCallDue() throws Exception
    {
        final Path notADirectory = Files.writeString(dir.resolve("file"), "in the way");
        try (CheckpointWriter writer = new CheckpointWriter())
        {
            writer.write(checkpoint(1, 1), notADirectory);
            writer.awaitQuietly(10_000);
            assertTrue(writer.due(System.nanoTime()), "due at once, so that the run hears of the failure");
            final IOException ex = assertThrows(IOException.class, writer::finish);
            assertTrue(ex.getMessage().startsWith("cannot write the checkpoint"), ex.getMessage());
            writer.finish(); // reported once
        }
    }
}
