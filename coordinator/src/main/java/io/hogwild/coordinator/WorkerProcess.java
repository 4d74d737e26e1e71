package io.hogwild.coordinator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.hogwild.common.util.JvmFlags;
import io.hogwild.worker.WorkerMain;

/**
 * A worker JVM forked with {@link ProcessBuilder}: the same {@code java}, class path and flags as this JVM,
 * a small heap (the data and the weights are mapped, not on the heap), and only the two paths and its
 * index as arguments. Its stdout and stderr reach {@code output} line by line with a {@code [worker i]}
 * prefix.
 */
public final class WorkerProcess implements WorkerHandle
{
    private final int index;
    private final Process process;
    private final Thread pump;

    private WorkerProcess(final int index, final Process process, final Thread pump)
    {
        this.index = index;
        this.process = process;
        this.pump = pump;
    }

    /**
     * What a worker JVM takes besides its heap, in MiB: metaspace, code cache, GC and thread stacks (measured
     * at 40-60 MiB resident on Java 17; rounded up).
     */
    static final long NON_HEAP_MB = 80;

    /** The heap of a worker whose tables of rows take {@code tableBytes} ({@code EpochChunks.heapBytes}), plus room. */
    static long heapMb(final long tableBytes)
    {
        return 48 + (tableBytes >> 20);
    }

    /** Direct memory a worker may take beyond its kernel's copies and its warm-up's, in MiB. */
    static final long DIRECT_ROOM_MB = 32;

    /**
     * The memory a worker JVM keeps of its own: its tables of rows on its heap ({@code tableBytes},
     * {@code EpochChunks.heapBytes}), and off the heap its kernel's private copies of the weights
     * ({@code kernelBytes}, {@code SgdKernel.offHeapBytes}) and, before the first epoch, its warm-up's
     * ({@code warmUpBytes}, {@code Worker.warmUpDirectBytes}). The mapped data and weights are shared and not
     * counted. One value serves the memory check and the JVM's options alike.
     */
    public record Memory(long tableBytes, long kernelBytes, long warmUpBytes)
    {
        /**
         * The most memory the worker JVM may take, in MiB: its heap, what it takes besides (metaspace, code cache,
         * stacks) and what it keeps off the heap.
         */
        public long footprintMb()
        {
            return heapMb(tableBytes) + NON_HEAP_MB + roundedUpMb(kernelBytes) + roundedUpMb(warmUpBytes);
        }

        /**
         * The direct memory the worker may allocate, in MiB: what it keeps off the heap and room for the JDK's
         * own buffers, and never less than the JVM's default, its heap.
         */
        long directMb()
        {
            return Math.max(heapMb(tableBytes), roundedUpMb(kernelBytes) + roundedUpMb(warmUpBytes) + DIRECT_ROOM_MB);
        }

        /** The worker JVM's options. */
        public List<String> jvmOptions()
        {
            final List<String> options = new ArrayList<>(JvmFlags.flags());
            options.add("-Xms16m");
            options.add("-Xmx" + heapMb(tableBytes) + "m");
            options.add("-XX:MaxDirectMemorySize=" + directMb() + "m");
            options.add("-XX:+UseSerialGC");
            options.addAll(JvmFlags.runFlags());
            return options;
        }
    }

    /** {@code bytes} in whole MiB, rounded up. */
    private static long roundedUpMb(final long bytes)
    {
        return (bytes >> 20) + 1;
    }

    /** Starts worker {@code index}. */
    public static WorkerProcess start(final int index, final Path weightFile, final Path dataset,
        final List<String> jvmOptions, final Consumer<String> output) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WorkerMain.class.getName());
        command.add(weightFile.toAbsolutePath().toString());
        command.add(dataset.toAbsolutePath().toString());
        command.add(Integer.toString(index));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    output.accept("[worker " + index + "] " + line);
                }
            }
            catch (final IOException ignored)
            {
                // The stream closes when the process ends; nothing is lost that it printed before.
            }
        }, "worker-" + index + "-output");
        pump.setDaemon(true);
        pump.start();
        return new WorkerProcess(index, process, pump);
    }

    /** The {@code java} of the JVM running this code: children run on the same JDK. */
    public static String javaExecutable()
    {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public int index()
    {
        return index;
    }

    @Override
    public long pid()
    {
        return process.pid();
    }

    @Override
    public boolean isAlive()
    {
        return process.isAlive();
    }

    @Override
    public String describeEnd()
    {
        return "worker " + index + " (pid " + process.pid() + ") exited with code " + process.exitValue();
    }

    /** Waits up to {@code timeoutMs} for the process to end and its output to drain; true when it ended. */
    @Override
    public boolean awaitExit(final long timeoutMs) throws InterruptedException
    {
        final boolean ended = process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
        if (ended)
        {
            pump.join(1_000);
        }
        return ended;
    }

    /** Kills the process and its descendants (SIGKILL). */
    @Override
    public void kill()
    {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
