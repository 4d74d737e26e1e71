package io.hogwild.coordinator.cli;

/**
 * Ends this JVM when the process that started it ends, through the JVM's shutdown hooks (so a training run
 * stops its workers and marks its weight file {@code INTERRUPTED}, as on SIGTERM). {@code compare} starts each
 * cell's {@code train} with {@code -Dhogwild.parent.pid=PID}: a compare killed with SIGKILL runs no hook of its
 * own, and without this its running cell would train on to its last epoch. Without the property it does
 * nothing.
 */
public final class ParentWatch
{
    /** The system property that names the parent to outlive no longer. */
    public static final String PROPERTY = "hogwild.parent.pid";
    /** The exit code when the parent is gone: 128 + SIGTERM, as if the parent had passed its end on. */
    public static final int EXIT_PARENT_GONE = 143;

    private ParentWatch()
    {
    }

    /** Starts watching the parent named by {@link #PROPERTY}, if any; exits at once when it is gone already. */
    public static void start()
    {
        final String value = System.getProperty(PROPERTY);
        if (value == null)
        {
            return;
        }
        final long pid = Long.parseLong(value);
        // The parent's handle, not ProcessHandle.of(pid): once the parent dies its PID may be reused, and a
        // dead parent's children are adopted by another process, which is then their parent.
        final ProcessHandle parent = ProcessHandle.current().parent().filter(p -> p.pid() == pid).orElse(null);
        if (parent == null || !parent.isAlive())
        {
            exit(pid);
        }
        parent.onExit().thenRun(() -> exit(pid));
    }

    private static void exit(final long pid)
    {
        System.err.println("hogwild: the process that started this one (PID " + pid + ") is gone; stopping");
        System.err.flush();
        System.exit(EXIT_PARENT_GONE);
    }
}
