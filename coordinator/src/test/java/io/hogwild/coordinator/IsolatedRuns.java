package io.hogwild.coordinator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.hogwild.common.data.DatasetCache;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test a dataset cache of its own and, after it, checks that no child process of this JVM
 * outlived it: the hygiene of every test that runs the coordinator.
 */
final class IsolatedRuns implements BeforeEachCallback, AfterEachCallback
{
    @Override
    public void beforeEach(final ExtensionContext context) throws IOException
    {
        final Path cache = Files.createTempDirectory("hogwild-test-cache");
        System.setProperty(DatasetCache.CACHE_DIR_PROPERTY, cache.toString());
    }

    @Override
    public void afterEach(final ExtensionContext context)
    {
        System.clearProperty(DatasetCache.CACHE_DIR_PROPERTY);
        TestSupport.assertNoChildProcesses();
    }
}
