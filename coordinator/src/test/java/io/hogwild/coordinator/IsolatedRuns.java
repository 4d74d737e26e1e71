package io.hogwild.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.hogwild.common.data.DatasetCache;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test a dataset cache of its own, deleted after it, and checks that no child process of this JVM
 * outlived the test: the hygiene of every test that runs the coordinator.
 */
final class IsolatedRuns implements BeforeEachCallback, AfterEachCallback
{
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(IsolatedRuns.class);

    @Override
    public void beforeEach(final ExtensionContext context) throws IOException
    {
        final Path cache = Files.createTempDirectory("hogwild-test-cache");
        context.getStore(NAMESPACE).put("cache", cache);
        System.setProperty(DatasetCache.CACHE_DIR_PROPERTY, cache.toString());
    }

    @Override
    public void afterEach(final ExtensionContext context) throws IOException
    {
        System.clearProperty(DatasetCache.CACHE_DIR_PROPERTY);
        try
        {
            TestSupport.assertNoChildProcesses();
        }
        finally
        {
            // A converted dataset a test: left behind, the caches of a few suite runs filled gigabytes of /tmp.
            deleteTree(context.getStore(NAMESPACE).remove("cache", Path.class));
        }
    }

    private static void deleteTree(final Path root) throws IOException
    {
        if (root == null || !Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path ->
            {
                try
                {
                    Files.deleteIfExists(path);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
    }
}
