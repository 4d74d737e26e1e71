package io.hogwild.coordinator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The proportional set size (PSS) of a process, from Linux's {@code /proc/PID/smaps_rollup}: its private
 * memory plus its share of every page it shares, so that the PSS of all a run's processes adds up to the
 * memory the run really takes (the mapped dataset and weights counted once, however many workers map them).
 */
final class ProcessMemory
{
    private ProcessMemory()
    {
    }

    /** PSS of {@code pid} in KiB, or -1 where the kernel does not say (not Linux, or the process is gone). */
    static long pssKb(final long pid)
    {
        final Path rollup = Paths.get("/proc", Long.toString(pid), "smaps_rollup");
        try
        {
            for (final String line : Files.readAllLines(rollup, StandardCharsets.US_ASCII))
            {
                if (line.startsWith("Pss:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        catch (final IOException | SecurityException ex) // no such process, or no /proc
        {
            return -1;
        }
        return -1;
    }
}
