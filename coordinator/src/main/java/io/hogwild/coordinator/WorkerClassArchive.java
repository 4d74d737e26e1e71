package io.hogwild.coordinator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The class-data-sharing archive of the worker JVMs (AppCDS, JDK 13+): the classes a worker loads, parsed and
 * laid out once, mapped by every later worker instead of loaded from the jars (about a tenth of a worker's
 * start-up, docs/performance.md). The first run of a build on a JDK has worker 0 write the archive as it exits
 * ({@code -XX:ArchiveClassesAtExit}), into a file of its own that the coordinator renames into place after a
 * clean stop; later runs map it ({@code -XX:SharedArchiveFile}). The archive's name is a checksum of the JDK
 * and of every jar on the class path (path, size, modification time, with the jars its manifest names), so a
 * rebuild or another JDK makes a new one. A JVM that cannot use an archive runs without it; its CDS log is
 * silenced so that such a JVM prints nothing about it. Only a class path of jars takes part: a JVM asked to
 * write an archive refuses to start when a directory is on its class path (as under a test runner), so
 * there the workers start without one.
 */
final class WorkerClassArchive
{
    /** Where archives live, under the dataset cache. */
    static final String DIRECTORY = "cds";
    /** Archives kept: those of the most recent builds or JDKs that used this cache. */
    static final int KEPT = 4;
    private static final String QUIET = "-Xlog:cds*=off";

    private final Path archive;
    private final Path pending;
    private final boolean enabled;

    WorkerClassArchive(final Path directory, final String key, final boolean enabled)
    {
        this.archive = directory.resolve("worker-" + key + ".jsa");
        this.pending = directory.resolve("worker-" + key + ".jsa.tmp" + ProcessHandle.current().pid());
        this.enabled = enabled;
    }

    /** No archive: for runs whose workers are threads, which start no JVM. */
    static WorkerClassArchive none()
    {
        return new WorkerClassArchive(Path.of(DIRECTORY), "none", false);
    }

    /** The archive of this JVM's JDK and class path (the workers'), in {@code cacheDirectory}. */
    static WorkerClassArchive in(final Path cacheDirectory)
    {
        return of(cacheDirectory, System.getProperty("java.home"), System.getProperty("java.vm.version"),
            System.getProperty("java.class.path"));
    }

    static WorkerClassArchive of(final Path cacheDirectory, final String javaHome, final String vmVersion,
        final String classPath)
    {
        final List<Path> entries = classPathEntries(classPath);
        // Entries that do not exist the JVM skips, as libraries' manifests often name jars not beside them.
        final boolean noDirectory = !entries.isEmpty() && entries.stream().noneMatch(Files::isDirectory);
        return new WorkerClassArchive(cacheDirectory.resolve(DIRECTORY), key(javaHome, vmVersion, entries), noDirectory);
    }

    /** A checksum of the JDK and of the class path's entries as they are now. */
    private static String key(final String javaHome, final String vmVersion, final List<Path> entries)
    {
        final CRC32C crc = new CRC32C();
        crc.update((javaHome + '\n' + vmVersion + '\n').getBytes(StandardCharsets.UTF_8));
        for (final Path entry : entries)
        {
            String stamp = entry.toAbsolutePath().normalize() + "\n";
            try
            {
                stamp += Files.size(entry) + " " + Files.getLastModifiedTime(entry).toMillis() + "\n";
            }
            catch (final IOException ex)
            {
                stamp += "missing\n";
            }
            crc.update(stamp.getBytes(StandardCharsets.UTF_8));
        }
        return Long.toHexString(crc.getValue());
    }

    /** The class path's entries, each jar followed by those its manifest names (the launcher's jar names its libraries there). */
    private static List<Path> classPathEntries(final String classPath)
    {
        final List<Path> jars = new ArrayList<>();
        for (final String element : classPath.split(java.io.File.pathSeparator))
        {
            if (element.isEmpty())
            {
                continue;
            }
            final Path entry = Path.of(element);
            jars.add(entry);
            if (element.endsWith(".jar") && Files.isRegularFile(entry))
            {
                try (JarFile jar = new JarFile(entry.toFile()))
                {
                    final String named = jar.getManifest() == null ? null :
                        jar.getManifest().getMainAttributes().getValue("Class-Path");
                    if (named != null)
                    {
                        for (final String relative : named.trim().split("\\s+"))
                        {
                            // URLs relative to the jar (or absolute file: URLs, as a test runner's jar holds)
                            try
                            {
                                final java.net.URI uri = entry.toAbsolutePath().toUri().resolve(relative);
                                jars.add("file".equals(uri.getScheme()) ? Path.of(uri) : Path.of(relative));
                            }
                            catch (final IllegalArgumentException ex)
                            {
                                jars.add(Path.of(entry + ".unreadable-class-path")); // not a jar: no archive
                            }
                        }
                    }
                }
                catch (final IOException ex)
                {
                    // An unreadable jar keeps its own stamp; the JVM will say what is wrong with it.
                }
            }
        }
        return jars;
    }

    /** The JVM options of worker {@code index}: map the archive, or (worker 0, no archive yet) write it. */
    List<String> options(final int index)
    {
        if (!enabled)
        {
            return List.of();
        }
        if (Files.isRegularFile(archive))
        {
            return List.of("-XX:SharedArchiveFile=" + archive, QUIET);
        }
        if (index != 0)
        {
            return List.of();
        }
        try
        {
            Files.createDirectories(pending.getParent());
        }
        catch (final IOException ex)
        {
            return List.of(); // a read-only cache: the workers start without an archive
        }
        return List.of("-XX:ArchiveClassesAtExit=" + pending, QUIET);
    }

    /**
     * After the workers exited cleanly: renames an archive that worker 0 wrote into place, and keeps the
     * {@value #KEPT} newest archives. Never fails a run: without an archive the next one writes it again.
     */
    void publish()
    {
        try
        {
            if (enabled && Files.isRegularFile(pending) && Files.size(pending) > 0)
            {
                Files.move(pending, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                prune();
            }
        }
        catch (final IOException ex)
        {
            // A full disk or another process's rename: the next run writes it again.
        }
        discard();
    }

    /** Deletes an archive that worker 0 wrote, or began to write, in a run that did not end cleanly. */
    void discard()
    {
        if (!enabled)
        {
            return;
        }
        try
        {
            Files.deleteIfExists(pending);
        }
        catch (final IOException ex)
        {
            // Left for the next publish of this name to replace.
        }
    }

    private void prune() throws IOException
    {
        final List<Path> archives;
        try (Stream<Path> files = Files.list(archive.getParent()))
        {
            archives = files.filter(f -> f.getFileName().toString().matches("worker-[0-9a-f]+\\.jsa"))
                .sorted(Comparator.comparing(WorkerClassArchive::modified).reversed()).toList();
        }
        for (final Path old : archives.subList(Math.min(KEPT, archives.size()), archives.size()))
        {
            Files.deleteIfExists(old);
        }
    }

    private static long modified(final Path file)
    {
        try
        {
            return Files.getLastModifiedTime(file).toMillis();
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    Path archive()
    {
        return archive;
    }

    Path pending()
    {
        return pending;
    }

    boolean enabled()
    {
        return enabled;
    }
}
