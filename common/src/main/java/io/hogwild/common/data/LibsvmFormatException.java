package io.hogwild.common.data;

import java.nio.file.Path;

/**
 * A LIBSVM file that cannot be read. The message has the form {@code FILE:LINE: what is wrong}
 * (without {@code :LINE} when the problem is the file as a whole, such as a missing or empty file).
 */
public final class LibsvmFormatException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;
    private final String problem;

    public LibsvmFormatException(final Path file, final long line, final String problem)
    {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public Path file()
    {
        return file;
    }

    /** 1-based line number, or 0 when the problem is not on one line. */
    public long line()
    {
        return line;
    }

    /** What is wrong, without the file and line. */
    public String problem()
    {
        return problem;
    }
}
