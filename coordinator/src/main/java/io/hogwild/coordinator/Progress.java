package io.hogwild.coordinator;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The live one-line display of a run on a terminal (epoch, % of the epoch, samples/s, last validation
 * loss), redrawn in place; off a terminal, or quiet, it draws nothing and the log lines stand alone.
 */
final class Progress
{
    private static final long REDRAW_INTERVAL_NS = 250_000_000L;

    private final PrintStream out;
    private final boolean enabled;
    private long lastDrawNs;
    private boolean drawn;

    Progress(final PrintStream out, final boolean enabled)
    {
        this.out = out;
        this.enabled = enabled;
    }

    /** True when standard output is a terminal. */
    static boolean isTerminal()
    {
        return System.console() != null;
    }

    void update(final long epoch, final int epochs, final double fraction, final double samplesPerSecond,
        final double lastValidationLoss)
    {
        final long now = System.nanoTime();
        if (!enabled || now - lastDrawNs < REDRAW_INTERVAL_NS)
        {
            return;
        }
        lastDrawNs = now;
        out.print(String.format(Locale.ROOT, "\r  epoch %d/%d  %3.0f%%  %s samples/s  val loss %s   ",
            epoch, epochs, 100 * Math.min(1.0, fraction), EpochRecord.human(samplesPerSecond),
            Double.isNaN(lastValidationLoss) ? "-" : String.format(Locale.ROOT, "%.4f", lastValidationLoss)));
        out.flush();
        drawn = true;
    }

    /** Clears the line so that a log line can be printed. */
    void clear()
    {
        if (drawn)
        {
            out.print("\r" + " ".repeat(72) + "\r");
            out.flush();
            drawn = false;
        }
    }
}
