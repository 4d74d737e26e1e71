package io.hogwild.coordinator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The nice values of this JVM's threads, on Linux, where each thread has one of its own.
 *
 * <p>Why: when every core runs a worker process (the default), whatever else the coordinator runs takes a
 * worker's core. That includes the JIT compiling its code of an epoch's end, the checkpoint writer and GC.
 * The scheduler hands a waking thread the core of a worker at once. A `perf sched` trace of two processes
 * on two cores had the coordinator's threads holding a worker's core 2-8 % of an epoch. Behind the workers
 * (a higher nice value), those threads wait for a free core: the evaluation between epochs, when the
 * workers wait, or a worker's own pauses. Two processes' steady epochs ran 1.01x as fast (median of five
 * alternating rounds; 1.02x, of six, when reniced from outside; docs/performance.md): small, at the edge
 * of what this 2-core VM can resolve. A thread may always lower its own priority; raising it back needs a
 * privilege, which is why the thread that starts workers keeps its own: a child inherits the nice value of
 * the thread that forked it. Threads started later inherit their starter's value: the fork-join pool's,
 * retired after a minute idle and started again by the main thread, are then back at the main thread's.
 *
 * <p>Only a JVM that is a coordinator and nothing else does it ({@link #enable}, from the command line's
 * {@code main}): a JVM that runs training in-process among other work (the tests) keeps its threads as
 * they are. Java has no call for a thread's nice value: it is set through {@code renice(1)} (util-linux,
 * or busybox) and read from {@code /proc/self/task/TID/stat}. Where either is missing this does nothing.
 */
public final class ThreadNice
{
    /** How much nicer than the main thread the coordinator's other threads are while worker processes train. */
    static final int COORDINATOR_NICENESS = 10;

    private static volatile boolean enabled;

    private ThreadNice()
    {
    }

    /** Lets this JVM's training runs set their other threads behind the workers (the command line's main). */
    public static void enable()
    {
        enabled = true;
    }

    /** True once {@link #enable} was called. */
    static boolean enabled()
    {
        return enabled;
    }

    /** The calling thread's id in the kernel, or -1 off Linux. */
    static long currentTid()
    {
        try
        {
            // "/proc/thread-self" links to "PID/task/TID" (Linux 3.17 and later).
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        }
        catch (final IOException | UnsupportedOperationException | NumberFormatException ex)
        {
            return -1;
        }
    }

    /** The kernel ids of this process's threads other than the calling one; empty off Linux. */
    static List<Long> otherThreads()
    {
        final long self = currentTid();
        final List<Long> tids = new ArrayList<>();
        if (self < 0)
        {
            return tids;
        }
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task")))
        {
            tasks.map(task -> Long.parseLong(task.getFileName().toString())).filter(tid -> tid != self)
                .forEach(tids::add);
        }
        catch (final IOException | NumberFormatException ex)
        {
            tids.clear();
        }
        return tids;
    }

    /** Thread {@code tid}'s nice value (of this process), or {@link Integer#MIN_VALUE} if it cannot be read. */
    static int niceOf(final long tid)
    {
        return niceIn(Path.of("/proc/self/task/" + tid + "/stat"));
    }

    /** The nice value in a {@code stat} file of proc(5) (a process's or a thread's), or {@link Integer#MIN_VALUE}. */
    static int niceIn(final Path stat)
    {
        try
        {
            final String text = Files.readString(stat, StandardCharsets.US_ASCII);
            // The command name, in parentheses, may hold spaces: fields count from after its closing one.
            final String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]); // field 19 of proc(5): the fields here start at the 3rd, the state
        }
        catch (final IOException | RuntimeException ex)
        {
            return Integer.MIN_VALUE;
        }
    }

    /**
     * Sets threads {@code tids} to nice value {@code niceness} with {@code renice}; returns how many threads now
     * have it (0 when {@code renice} is missing or refused).
     */
    static int renice(final List<Long> tids, final int niceness) throws InterruptedException
    {
        if (tids.isEmpty())
        {
            return 0;
        }
        // The bare value, not -n: busybox's renice takes -n as an increment, util-linux's (under POSIXLY_CORRECT)
        // too; both set the bare value as it is.
        final List<String> command = new ArrayList<>(List.of("renice", Integer.toString(niceness), "-p"));
        tids.forEach(tid -> command.add(Long.toString(tid)));
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
        catch (final IOException ex)
        {
            return 0;
        }
        // A thread that ended meanwhile, or one refused (already nicer than asked), is not counted.
        return (int)tids.stream().filter(tid -> niceOf(tid) == niceness).count();
    }
}
