package io.hogwild.coordinator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.hogwild.common.data.DatasetCache;
import org.agrona.IoUtil;
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
    public void afterEach(final ExtensionContext context)
    {
        System.clearProperty(DatasetCache.CACHE_DIR_PROPERTY);
        try
        {
            TestSupport.assertNoChildProcesses();
        }
        finally
        {
            // Each cache holds a converted dataset: left behind, a few suite runs' caches filled gigabytes of /tmp.
            final Path cache = context.getStore(NAMESPACE).remove("cache", Path.class);
            if (cache != null)
            {
                IoUtil.delete(cache.toFile(), false);
            }
        }
    }
}
