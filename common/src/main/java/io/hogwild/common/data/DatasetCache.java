package io.hogwild.common.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.CRC32C;

/**
 * Converts LIBSVM text to dataset files once and reuses them while the source is unchanged (same length
 * and modification time). Cached files live in {@code $HOGWILD_CACHE}, else {@code ~/.cache/hogwild},
 * named after the source's file name and a hash of its absolute path
 * (system property {@code hogwild.cache} first, for tests).
 */
public final class DatasetCache
{
    /** Environment variable that moves the cache. */
    public static final String CACHE_DIR_ENV = "HOGWILD_CACHE";
    /** System property that moves the cache, before the environment variable (tests use it). */
    public static final String CACHE_DIR_PROPERTY = "hogwild.cache";
    /** Extension of dataset files. */
    public static final String EXTENSION = ".hwd";

    private final Path directory;

    public DatasetCache(final Path directory)
    {
        this.directory = directory;
    }

    /** The cache of the environment: {@code $HOGWILD_CACHE} or {@code ~/.cache/hogwild}. */
    public static DatasetCache fromEnvironment()
    {
        final String property = System.getProperty(CACHE_DIR_PROPERTY);
        final String env = property != null ? property : System.getenv(CACHE_DIR_ENV);
        return new DatasetCache(env != null && !env.isBlank() ? Paths.get(env) :
            Paths.get(System.getProperty("user.home"), ".cache", "hogwild"));
    }

    public Path directory()
    {
        return directory;
    }

    /** Where the converted form of {@code source} lives. */
    public Path cachedPathOf(final Path source)
    {
        final String absolute = source.toAbsolutePath().normalize().toString();
        final CRC32C crc = new CRC32C();
        crc.update(absolute.getBytes(StandardCharsets.UTF_8));
        return directory.resolve(source.getFileName() + "-" + Long.toHexString(crc.getValue()) + EXTENSION);
    }

    /**
     * The dataset file for {@code source}: the source itself when it is a dataset file already (made by
     * {@code hogwild convert}), the cached one when it is complete and was made from the source as it is
     * now, else a fresh conversion.
     *
     * @param log receives a one-line notice when the source is converted
     */
    public Path resolve(final Path source, final int threads, final java.util.function.Consumer<String> log)
        throws IOException
    {
        if (Dataset.isDatasetFile(source))
        {
            return source; // already converted, by hogwild convert
        }
        final Path cached = cachedPathOf(source);
        if (Files.isRegularFile(cached) && Files.isRegularFile(source))
        {
            try (Dataset dataset = Dataset.open(cached))
            {
                final SourceInfo info = dataset.source();
                if (info.length() == Files.size(source) &&
                    info.modifiedMs() == Files.getLastModifiedTime(source).toMillis())
                {
                    return cached;
                }
            }
            catch (final DatasetFileException ex)
            {
                log.accept("cached " + cached + " is unusable (" + ex.getMessage() + "); converting again");
            }
        }
        final long start = System.nanoTime();
        final LibsvmParser.Result result = convert(source, cached, threads, 0);
        log.accept(String.format(java.util.Locale.ROOT, "converted %s: %,d rows, %,d non-zeros, %,d features in %.1f s -> %s",
            source, result.rows(), result.nnz(), result.dimension(), (System.nanoTime() - start) / 1e9, cached));
        return cached;
    }

    /**
     * Converts LIBSVM text to a dataset file.
     *
     * @param minimumDimension the dimension to record when larger than the largest index of the source
     */
    public static LibsvmParser.Result convert(final Path source, final Path target, final int threads,
        final long minimumDimension) throws IOException
    {
        final LibsvmParser.Result result = LibsvmParser.parse(source, threads);
        DatasetWriter.write(target, result.chunks(), Math.max(result.dimension(), minimumDimension), result.source());
        return result;
    }
}
