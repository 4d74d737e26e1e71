package io.hogwild.coordinator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.hogwild.common.settings.SettingsException;

/**
 * An exclusive lock on a run directory ({@code RUN_DIR/.lock}, holding the owner's PID), held for a run's
 * whole life, so that a second run, or a {@code --resume} of a run still going, is refused instead of
 * writing the same files. The operating system releases it when the process dies, however it dies.
 */
public final class RunDirectoryLock implements AutoCloseable
{
    static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectoryLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code runDir}, or throws naming the process that holds it. */
    public static RunDirectoryLock acquire(final Path runDir) throws IOException
    {
        final Path file = runDir.resolve(FILE);
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        try
        {
            FileLock lock = null;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                // Held by this very JVM: another run in it.
            }
            if (lock == null)
            {
                // Read the holder's PID through this channel: opening another descriptor on the file and
                // closing it would drop a lock that this JVM holds (POSIX record-lock semantics).
                final ByteBuffer bytes = ByteBuffer.allocate(32);
                channel.read(bytes, 0);
                final String owner = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8).trim();
                channel.close();
                throw new SettingsException(runDir + " is in use by another hogwild run" +
                    (owner.isEmpty() ? "" : " (pid " + owner + ")") + "; give another --out, or wait for it to end");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
                .getBytes(StandardCharsets.UTF_8)), 0);
            return new RunDirectoryLock(channel, lock);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (channel.isOpen())
            {
                channel.close();
            }
            throw ex;
        }
    }

    @Override
    public void close() throws IOException
    {
        lock.release();
        channel.close();
    }
}
