package io.hogwild.coordinator;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.hogwild.common.weights.RunState;
import io.hogwild.common.weights.WeightFile;
import io.hogwild.common.weights.WeightFileException;
import io.hogwild.coordinator.cli.HogwildCli;

/** Helpers of the coordinator's tests: conditions with deadlines, the CLI with captured output, shared data. */
final class TestSupport
{
    private TestSupport()
    {
    }

    /** The output, errors and exit code of one command line. */
    record Outcome(int exitCode, String out, String err)
    {
    }

    /**
     * Runs a command line in this JVM. Its output and errors include what the run prints to System.out and
     * System.err (logs, the summary, notices), which are captured meanwhile and still shown.
     */
    static synchronized Outcome cli(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final java.io.PrintStream stdout = System.out;
        final java.io.PrintStream stderr = System.err;
        final java.io.ByteArrayOutputStream capturedOut = new java.io.ByteArrayOutputStream();
        final java.io.ByteArrayOutputStream capturedErr = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(tee(capturedOut, stdout), true));
        System.setErr(new java.io.PrintStream(tee(capturedErr, stderr), true));
        final int code;
        try
        {
            code = HogwildCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        }
        finally
        {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return new Outcome(code, out + capturedOut.toString(java.nio.charset.StandardCharsets.UTF_8),
            err + capturedErr.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static java.io.OutputStream tee(final java.io.OutputStream first, final java.io.OutputStream second)
    {
        return new java.io.OutputStream()
        {
            @Override
            public void write(final int b) throws IOException
            {
                first.write(b);
                second.write(b);
            }

            @Override
            public void write(final byte[] bytes, final int offset, final int length) throws IOException
            {
                first.write(bytes, offset, length);
                second.write(bytes, offset, length);
            }
        };
    }

    static void await(final BooleanSupplier condition, final long timeoutMs, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                fail("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Fails unless every child process of this JVM has ended within a few seconds. */
    static void assertNoChildProcesses()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<ProcessHandle> children = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        while (!children.isEmpty() && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(10_000_000);
            children = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        }
        if (!children.isEmpty())
        {
            final String described = children.stream()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).collect(Collectors.joining("\n"));
            children.forEach(ProcessHandle::destroyForcibly);
            fail("worker processes outlived the run:\n" + described);
        }
    }

    /**
     * The weight file of a run that is {@code RUNNING} with at least {@code epoch} released, opened
     * read-only, or null while it is not there yet (not created, not ready, or not that far).
     */
    static WeightFile runningPast(final Path weights, final long epoch)
    {
        if (!Files.exists(weights))
        {
            return null;
        }
        try
        {
            final WeightFile file = WeightFile.open(weights, false);
            if (file.runState() == RunState.RUNNING && file.epoch() >= epoch)
            {
                return file;
            }
            file.close();
            return null;
        }
        catch (final WeightFileException notReadyYet)
        {
            return null;
        }
    }

    /** Writes a generated LIBSVM pair PREFIX.train.libsvm / PREFIX.test.libsvm through the CLI. */
    static String generate(final Path dir, final int rows, final int testRows, final int features, final int nnz)
    {
        final String prefix = dir.resolve("generated").toString();
        final Outcome outcome = cli("generate", "--rows", Integer.toString(rows), "--test-rows",
            Integer.toString(testRows), "--features", Integer.toString(features), "--nnz", Integer.toString(nnz),
            "-o", prefix);
        if (outcome.exitCode() != 0)
        {
            fail("generate failed: " + outcome.err());
        }
        return prefix;
    }

    /** A number of a flat JSON object by key, or NaN when null. */
    static double number(final String json, final String key)
    {
        final Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": ([-0-9.eE]+|null)").matcher(json);
        if (!m.find())
        {
            fail("no key " + key + " in " + json);
        }
        return "null".equals(m.group(1)) ? Double.NaN : Double.parseDouble(m.group(1));
    }

    static String read(final Path file) throws IOException
    {
        return Files.readString(file);
    }

    /**
     * Starts {@code hogwild ARGS} as a child JVM with this test's cache, its output going to {@code log}
     * (print it with {@link #output} when the test fails).
     */
    static Process startChildCoordinator(final Path log, final String... args) throws IOException
    {
        return startChildCoordinatorOn(log, System.getProperty("java.class.path"), args);
    }

    /** The same on class path {@code classPath}, which its workers then run on too. */
    static Process startChildCoordinatorOn(final Path log, final String classPath, final String... args)
        throws IOException
    {
        final String cache = System.getProperty(io.hogwild.common.data.DatasetCache.CACHE_DIR_PROPERTY);
        if (cache == null)
        {
            // Without it the child would cache its datasets in a directory named "null" where the tests run.
            throw new IllegalStateException("a test that starts a coordinator runs under @ExtendWith(IsolatedRuns.class)");
        }
        final List<String> command = new java.util.ArrayList<>();
        command.add(java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(io.hogwild.common.util.JvmFlags.flags());
        command.add("-D" + io.hogwild.common.data.DatasetCache.CACHE_DIR_PROPERTY + "=" + cache);
        command.addAll(List.of("-cp", classPath, HogwildCli.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** True when {@code program} is an executable file in a directory of the PATH. */
    static boolean onPath(final String program)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program)))
            {
                return true;
            }
        }
        return false;
    }

    /** What a child JVM wrote to {@code log}. */
    static String output(final Path log) throws IOException
    {
        return Files.exists(log) ? Files.readString(log, java.nio.charset.StandardCharsets.UTF_8) : "(no output)";
    }
}
