package io.hogwild.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.sgd.DataSplit;
import io.hogwild.common.sgd.Deferral;
import io.hogwild.common.sgd.SyncMode;

/**
 * Counts the cache-line traffic that N lock-free workers would make on the shared weights, for core counts
 * this machine does not have: a trace-driven simulation over the real rows, not a timing. N workers take
 * samples in turn (equal speeds), each from its own rows in the product's block order, and every access to
 * a shared weight goes through a directory that knows, for each 64-byte line, which worker holds it modified
 * and which hold a copy. A worker's caches are taken as large enough for the whole weight vector (188 KB on
 * the RCV1-shaped data), so that after a warm-up every miss it counts is a coherence miss: a line it had,
 * taken away by another worker's write.
 *
 * <p>Schemes (what each sample and each store touch in the shared weights):
 * <ul>
 *   <li>{@code eager}: Hogwild!'s paper with the d_u-scaled regulariser: every entry's line read for the margin
 *       and written by the shrink (and the gradient step), at every sample ({@code --sync lockfree-eager});</li>
 *   <li>{@code eager-l2}: the same, but written only by samples whose loss has a slope (a share {@code p} of
 *       them), as a plain L2 applied through a global scale would write: what the d_u-scaled shrink costs;</li>
 *   <li>{@code hot}: hot entries in a private copy, stored every {@link Deferral#hotStoreSamples} samples (a
 *       read and a write of each hot feature's line); cold entries read and written at every sample;</li>
 *   <li>{@code all}: every entry in private copies; the hot ones stored as above, the others every
 *       {@link Deferral#coldStoreSamples} samples by a pass that reads every line and writes the lines of the
 *       features it changed.</li>
 * </ul>
 * Per scheme and N it prints the misses (lines fetched because another worker wrote them) and the ownership
 * requests that invalidate other copies, per sample, and what they would cost at {@code t} ns a miss against a
 * sample's own {@code k} ns, with {@code all}'s cold pass at {@code p} ns a feature: the run's samples/s as a
 * multiple of one worker's, {@code N k / (k + misses t + pass)}, if misses were not overlapped (a bound; the
 * cores overlap some). The measured samples are a whole number of the scheme's store intervals, after as many
 * of warm-up, so that every worker's stores fall inside them.
 * <pre>
 *   java ... io.hogwild.bench.CoherenceSimulation DATASET.hwd [workers 1,2,4,8,16,32,64]
 *       [samples per worker 40000] [slope share 0.35] [sample ns 250] [miss ns 80] [pass ns a feature 1.6]
 * </pre>
 */
public final class CoherenceSimulation
{
    /** Floats in a 64-byte line. */
    static final int LINE_FLOATS = 16;

    /** What a scheme touches in the shared weights. */
    enum Scheme
    {
        EAGER("eager"), EAGER_L2("eager-l2"), HOT("hot"), ALL("all");

        final String cliName;

        Scheme(final String cliName)
        {
            this.cliName = cliName;
        }
    }

    /** Misses and invalidating writes, per simulated sample. */
    record Traffic(double missesPerSample, double invalidationsPerSample)
    {
    }

    /**
     * The lines' coherence state: the worker holding each line modified (-1: none) and the workers holding a
     * copy (a bit each; at most 64 workers).
     */
    static final class Directory
    {
        private final int[] owner;
        private final long[] holders;
        long misses;
        long invalidations;

        Directory(final int lines)
        {
            owner = new int[lines];
            holders = new long[lines];
            java.util.Arrays.fill(owner, -1);
        }

        void read(final int worker, final int line)
        {
            final long bit = 1L << worker;
            if ((holders[line] & bit) == 0)
            {
                misses++;
                owner[line] = -1; // a modified copy elsewhere is written back and shared
                holders[line] |= bit;
            }
        }

        void write(final int worker, final int line)
        {
            final long bit = 1L << worker;
            if (owner[line] == worker)
            {
                return;
            }
            if ((holders[line] & bit) == 0)
            {
                misses++;
            }
            if ((holders[line] & ~bit) != 0)
            {
                invalidations++;
            }
            owner[line] = worker;
            holders[line] = bit;
        }

        void resetCounts()
        {
            misses = 0;
            invalidations = 0;
        }
    }

    private CoherenceSimulation()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path file = Path.of(args[0]);
        final String[] counts = (args.length > 1 ? args[1] : "1,2,4,8,16,32,64").split(",");
        final int samplesPerWorker = args.length > 2 ? Integer.parseInt(args[2]) : 40_000;
        final double slopeShare = args.length > 3 ? Double.parseDouble(args[3]) : 0.35;
        final double sampleNs = args.length > 4 ? Double.parseDouble(args[4]) : 250;
        final double missNs = args.length > 5 ? Double.parseDouble(args[5]) : 80;
        final double passNs = args.length > 6 ? Double.parseDouble(args[6]) : 1.6;
        try (Dataset data = Dataset.open(file))
        {
            System.out.printf(Locale.ROOT, "%s: %,d rows, %,d features (%,d lines), %,d hot features in %,d lines; " +
                "at least %,d samples a worker after as many of warm-up; slope share %.2f; a sample %.0f ns, a miss " +
                "%.0f ns, the cold pass %.1f ns a feature%n", file, data.rows(), data.dimension(), lines(data),
                data.hotFeatureCount(), hotLines(data).length, samplesPerWorker, slopeShare, sampleNs, missNs,
                passNs);
            System.out.println("| workers | scheme | misses / sample | invalidations / sample | " +
                "speed-up if misses stall, the pass included (one worker = 1) | `--sync lockfree` runs |");
            System.out.println("|---:|---|---:|---:|---:|---|");
            for (final String count : counts)
            {
                final int workers = Integer.parseInt(count.trim());
                for (final Scheme scheme : Scheme.values())
                {
                    final Traffic traffic = simulate(data, scheme, workers, samplesPerWorker, slopeShare);
                    final double pass = scheme == Scheme.ALL ?
                        data.dimension() * passNs / Math.max(1, Deferral.ALL.coldStoreSamples(workers, data)) : 0;
                    final double speedUp = workers * sampleNs /
                        (sampleNs + traffic.missesPerSample() * missNs + pass);
                    System.out.printf(Locale.ROOT, "| %d | %s | %.2f | %.2f | %.1fx | %s |%n", workers,
                        scheme.cliName, traffic.missesPerSample(), traffic.invalidationsPerSample(), speedUp,
                        Deferral.of(SyncMode.LOCKFREE, workers, data).name().toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    static int lines(final Dataset data)
    {
        return (int)((data.dimension() + LINE_FLOATS - 1) / LINE_FLOATS);
    }

    /**
     * Simulates {@code workers} workers of {@code scheme}, each taking at least {@code samplesPerWorker} samples,
     * a whole number of the scheme's longest store interval, after as many of warm-up (whose misses are not
     * counted: each worker's first touches of every line).
     */
    static Traffic simulate(final Dataset data, final Scheme scheme, final int workers, final int samplesPerWorker,
        final double slopeShare)
    {
        if (workers < 1 || workers > 64)
        {
            throw new IllegalArgumentException("1 to 64 workers, not " + workers);
        }
        final int block = DeferralExperiment.block(data);
        final List<int[]> orders = new ArrayList<>();
        for (int w = 0; w < workers; w++)
        {
            orders.add(DeferralExperiment.inBlockOrder(DataSplit.shard(data, 1, 0, w, workers, block), block, w, 1));
        }
        final Deferral deferral = scheme == Scheme.ALL ? Deferral.ALL : Deferral.HOT;
        final int hotInterval = deferral.hotStoreSamples(workers);
        final int coldInterval = Math.max(1, Deferral.ALL.coldStoreSamples(workers, data));
        final int[] hotLines = hotLines(data);
        final Directory directory = new Directory(lines(data));
        // The lines of the cold features each worker changed since its last cold store.
        final boolean[][] changed = new boolean[workers][scheme == Scheme.ALL ? lines(data) : 0];
        final int interval = scheme == Scheme.ALL ? coldInterval : scheme == Scheme.HOT ? hotInterval : 1;
        final long measured = ((long)samplesPerWorker + interval - 1) / interval * interval;
        long slopeState = 0x9E3779B97F4A7C15L;
        for (long step = 0; step < 2 * measured; step++)
        {
            if (step == measured)
            {
                directory.resetCounts();
            }
            for (int w = 0; w < workers; w++)
            {
                final int[] order = orders.get(w);
                if (order.length == 0)
                {
                    continue;
                }
                final int row = order[(int)(step % order.length)];
                slopeState = slopeState * 6364136223846793005L + 1442695040888963407L;
                final boolean slope = (slopeState >>> 11) * 0x1.0p-53 < slopeShare;
                touchRow(data, directory, scheme, w, row, slope, changed);
                // Workers store at their own phases of the interval, not all at once.
                if ((scheme == Scheme.HOT || scheme == Scheme.ALL) &&
                    (step + 1 + (long)w * hotInterval / workers) % hotInterval == 0)
                {
                    for (final int line : hotLines)
                    {
                        directory.read(w, line);
                        directory.write(w, line);
                    }
                }
                if (scheme == Scheme.ALL && (step + 1 + (long)w * coldInterval / workers) % coldInterval == 0)
                {
                    for (int line = 0; line < changed[w].length; line++)
                    {
                        directory.read(w, line);
                        if (changed[w][line])
                        {
                            directory.write(w, line);
                            changed[w][line] = false;
                        }
                    }
                }
            }
        }
        final double samples = (double)measured * workers;
        return new Traffic(directory.misses / samples, directory.invalidations / samples);
    }

    /** What one sample touches in the shared weights under {@code scheme}. */
    private static void touchRow(final Dataset data, final Directory directory, final Scheme scheme, final int worker,
        final int row, final boolean slope, final boolean[][] changed)
    {
        final long start = data.rowStart(row);
        final long hotEnd = start + data.hotCount(row);
        final long end = data.rowStart(row + 1);
        for (long e = scheme == Scheme.EAGER || scheme == Scheme.EAGER_L2 ? start : hotEnd; e < end; e++)
        {
            final int line = data.index(e) / LINE_FLOATS;
            switch (scheme)
            {
                case EAGER, HOT ->
                {
                    directory.read(worker, line);
                    directory.write(worker, line);
                }
                case EAGER_L2 ->
                {
                    directory.read(worker, line);
                    if (slope)
                    {
                        directory.write(worker, line);
                    }
                }
                case ALL -> changed[worker][line] = true;
            }
        }
    }

    /** The distinct lines of the hot features, in order. */
    static int[] hotLines(final Dataset data)
    {
        final java.util.TreeSet<Integer> lines = new java.util.TreeSet<>();
        for (long s = 0; s < data.hotFeatureCount(); s++)
        {
            lines.add(data.hotFeature(s) / LINE_FLOATS);
        }
        return lines.stream().mapToInt(Integer::intValue).toArray();
    }
}
