package io.hogwild.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

class WorkerClassArchiveTest
{
    @TempDir
    Path dir;

    /** A launcher jar naming a library jar in its manifest, as hogwild.jar names lib/. */
    private String launcherClassPath() throws IOException
    {
        Files.createDirectories(dir.resolve("lib"));
        jar(dir.resolve("lib/library.jar"), null, null);
        jar(dir.resolve("launcher.jar"), "lib/library.jar", null);
        return dir.resolve("launcher.jar").toString();
    }

    /** Writes a jar whose manifest names {@code classPath} (if not null), holding {@code classes}' files (if not null). */
    private static void jar(final Path file, final String classPath, final Path classes) throws IOException
    {
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null)
        {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest))
        {
            if (classes == null)
            {
                return;
            }
            try (Stream<Path> files = Files.walk(classes))
            {
                for (final Path entry : files.filter(Files::isRegularFile).toList())
                {
                    jar.putNextEntry(new java.util.jar.JarEntry(classes.relativize(entry).toString().replace('\\', '/')));
                    Files.copy(entry, jar);
                    jar.closeEntry();
                }
            }
        }
    }

    @Test
    void shouldWriteTheArchiveFromWorkerZeroThenMapItInEveryWorker() throws IOException
    {
        final String classPath = launcherClassPath();
        final WorkerClassArchive first = WorkerClassArchive.of(dir.resolve("cache"), "/jdk", "17", classPath);
        assertTrue(first.enabled());
        assertEquals(List.of("-XX:ArchiveClassesAtExit=" + first.pending(), "-Xlog:cds*=off"), first.options(0));
        assertEquals(List.of(), first.options(1), "one worker writes it");

        Files.write(first.pending(), new byte[] {1, 2, 3}); // what worker 0 leaves as it exits
        first.publish();
        assertTrue(Files.isRegularFile(first.archive()));
        assertFalse(Files.exists(first.pending()));
        final WorkerClassArchive next = WorkerClassArchive.of(dir.resolve("cache"), "/jdk", "17", classPath);
        assertEquals(first.archive(), next.archive(), "the same build and JDK: the same archive");
        for (final int worker : new int[] {0, 1, 7})
        {
            assertEquals(List.of("-XX:SharedArchiveFile=" + first.archive(), "-Xlog:cds*=off"), next.options(worker));
        }
    }

    /**
     * End to end, as under run.sh (a class path of jars: the tests' class directories are packed into jars
     * first): a first run has worker 0 write the archive, and the workers of the next run map it.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    @ExtendWith(IsolatedRuns.class)
    void shouldWriteTheArchiveInAFirstRunAndMapItInTheWorkersOfTheNext() throws Exception
    {
        final String classPath = jarsOnly(System.getProperty("java.class.path"));
        final String prefix = TestSupport.generate(dir, 20_000, 1_000, 2_000, 20);
        final Path cache = Path.of(System.getProperty(io.hogwild.common.data.DatasetCache.CACHE_DIR_PROPERTY));
        assertTrue(WorkerClassArchive.of(cache, "", "", classPath).enabled(), "jars only: " + classPath);

        final Path firstLog = dir.resolve("first.log");
        final Process first = TestSupport.startChildCoordinatorOn(firstLog, classPath, "-q", "--data",
            prefix + ".train.libsvm", "--procs", "2", "--epochs", "2", "--out", dir.resolve("first").toString());
        assertTrue(first.waitFor(120, TimeUnit.SECONDS), TestSupport.output(firstLog));
        assertEquals(0, first.exitValue(), TestSupport.output(firstLog));
        final Path archive;
        try (Stream<Path> files = Files.list(cache.resolve(WorkerClassArchive.DIRECTORY)))
        {
            final List<Path> written = files.toList();
            assertEquals(1, written.size(), written + "\n" + TestSupport.output(firstLog));
            archive = written.get(0);
        }
        assertTrue(archive.getFileName().toString().matches("worker-[0-9a-f]+\\.jsa"), archive.toString());

        final Path nextLog = dir.resolve("next.log");
        final Process next = TestSupport.startChildCoordinatorOn(nextLog, classPath, "-q", "--data",
            prefix + ".train.libsvm", "--procs", "2", "--epochs", "400", "--patience", "0", "--out",
            dir.resolve("next").toString());
        try
        {
            TestSupport.await(() -> next.descendants().filter(p -> mapsFile(p, archive)).count() == 2, 120_000,
                "both workers of the next run mapping " + archive);
        }
        finally
        {
            next.destroy(); // SIGTERM: the run stops as interrupted; what mattered was its workers' start
            next.waitFor(60, TimeUnit.SECONDS);
        }
        assertFalse(TestSupport.output(firstLog).contains("cds") || TestSupport.output(nextLog).contains("cds"),
            "the JVMs say nothing about the archive:\n" + TestSupport.output(nextLog));
    }

    private static boolean mapsFile(final ProcessHandle process, final Path file)
    {
        try
        {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "maps")).contains(file.toString());
        }
        catch (final IOException | RuntimeException ended)
        {
            return false;
        }
    }

    /** {@code classPath} with each directory packed into a jar of its own, so that every entry is a jar. */
    private String jarsOnly(final String classPath) throws IOException
    {
        final List<String> jars = new java.util.ArrayList<>();
        int n = 0;
        for (final String element : classPath.split(java.io.File.pathSeparator))
        {
            final Path entry = Path.of(element);
            if (!Files.isDirectory(entry))
            {
                jars.add(element);
                continue;
            }
            final Path jar = dir.resolve("classes-" + n++ + ".jar");
            jar(jar, null, entry);
            jars.add(jar.toString());
        }
        return String.join(java.io.File.pathSeparator, jars);
    }

    @Test
    void shouldNameANewArchiveForAnotherJdkOrARebuiltLibrary() throws IOException
    {
        final String classPath = launcherClassPath();
        final Path archive = WorkerClassArchive.of(dir, "/jdk", "17", classPath).archive();
        assertNotEquals(archive, WorkerClassArchive.of(dir, "/jdk", "25", classPath).archive());
        assertNotEquals(archive, WorkerClassArchive.of(dir, "/other-jdk", "17", classPath).archive());
        // The library, named only by the launcher's manifest, rebuilt.
        Files.setLastModifiedTime(dir.resolve("lib/library.jar"), FileTime.fromMillis(1_000_000));
        assertNotEquals(archive, WorkerClassArchive.of(dir, "/jdk", "17", classPath).archive());
    }

    @Test
    void shouldTakeNoPartInARunOfThreads() throws IOException
    {
        assertFalse(WorkerClassArchive.none().enabled());
        assertEquals(List.of(), WorkerClassArchive.none().options(0));
        // A disabled archive leaves even a file where its pending archive would be alone: never this run's.
        final WorkerClassArchive disabled = new WorkerClassArchive(dir.resolve("cds"), "none", false);
        Files.createDirectories(disabled.pending().getParent());
        Files.writeString(disabled.pending(), "not ours");
        disabled.publish();
        disabled.discard();
        assertTrue(Files.exists(disabled.pending()));
        assertFalse(Files.exists(disabled.archive()));
    }

    @Test
    void shouldTakeNoPartWithADirectoryOnTheClassPath() throws IOException
    {
        final String classPath = launcherClassPath();
        final String withDirectory = classPath + java.io.File.pathSeparator + dir.resolve("lib");
        final WorkerClassArchive archive = WorkerClassArchive.of(dir.resolve("cache"), "/jdk", "17", withDirectory);
        assertFalse(archive.enabled(), "a JVM writing an archive refuses to start with classes in a directory");
        assertEquals(List.of(), archive.options(0));

        assertFalse(Files.exists(dir.resolve("cache")), "nothing written");
        // A jar that a manifest names but that is not there the JVM skips: no reason to go without.
        Files.delete(dir.resolve("lib/library.jar"));
        assertTrue(WorkerClassArchive.of(dir.resolve("cache"), "/jdk", "17", classPath).enabled());
    }

    @Test
    void shouldKeepTheNewestArchivesAndDropAnUnfinishedOne() throws IOException
    {
        final Path cache = dir.resolve("cache");
        final Path archives = cache.resolve(WorkerClassArchive.DIRECTORY);
        Files.createDirectories(archives);
        for (int i = 0; i < 6; i++)
        {
            final Path old = archives.resolve("worker-" + Integer.toHexString(0xa0 + i) + ".jsa");
            Files.write(old, new byte[] {1});
            Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        final WorkerClassArchive archive = WorkerClassArchive.of(cache, "/jdk", "17", launcherClassPath());
        archive.options(0);
        Files.write(archive.pending(), new byte[] {1, 2});
        archive.publish();
        try (Stream<Path> files = Files.list(archives))
        {
            final List<String> kept = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertEquals(WorkerClassArchive.KEPT, kept.size(), kept.toString());
            assertTrue(kept.contains(archive.archive().getFileName().toString()), kept.toString());
            assertTrue(kept.contains("worker-a5.jsa") && kept.contains("worker-a4.jsa"), kept.toString());
        }

        // A run that failed: worker 0's file, whole or not, is not published.
        final WorkerClassArchive failed = WorkerClassArchive.of(dir.resolve("cache2"), "/jdk", "17", launcherClassPath());
        failed.options(0);
        Files.write(failed.pending(), new byte[] {1});
        failed.discard();
        assertFalse(Files.exists(failed.pending()));
        assertFalse(Files.exists(failed.archive()));
    }
}
