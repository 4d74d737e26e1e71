package io.hogwild.common.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * Reads LIBSVM text ({@code label index:value index:value ...}, 1-based ascending indices) into
 * {@link CsrChunk}s, in parallel over fixed-size blocks of the file cut at line ends.
 *
 * <p>It takes trailing white space (spaces, tabs, CR), blank lines, rows with no features, {@code #}
 * comments and the labels {@code +1}, {@code -1}, {@code 1} and {@code 0} (0 is the negative class; any
 * spelling of those numbers, such as {@code 1.0}). It refuses anything else with a
 * {@link LibsvmFormatException} that names the file and the line: a token that is not a number, a
 * missing colon, an index below 1, indices not strictly ascending, a NaN or infinite value, another
 * label. The parser allocates nothing per line: numbers are read from the bytes.
 */
public final class LibsvmParser
{
    /** Target length of the blocks parsed in parallel; block ends move forward to the next line end. */
    static final int BLOCK_LENGTH = 8 << 20;

    /** Bytes at the start of a block from which its rows and entries are estimated. */
    static final int SAMPLE_LENGTH = 256 << 10;

    private static final double[] POWERS_OF_TEN = new double[23];

    static
    {
        double p = 1.0;
        for (int i = 0; i < POWERS_OF_TEN.length; i++)
        {
            POWERS_OF_TEN[i] = p;
            p *= 10.0;
        }
    }

    /**
     * The parsed rows, in file order.
     *
     * @param dimension one more than the largest 0-based index (the largest LIBSVM index), 0 with no features
     */
    public record Result(List<CsrChunk> chunks, long rows, long nnz, long dimension, SourceInfo source)
    {
    }

    private LibsvmParser()
    {
    }

    /** Parses {@code file} with up to {@code threads} threads. */
    public static Result parse(final Path file, final int threads) throws IOException
    {
        return parse(file, threads, BLOCK_LENGTH);
    }

    /** Parses with blocks of about {@code blockLength} bytes (tests use small blocks). */
    static Result parse(final Path file, final int threads, final int blockLength) throws IOException
    {
        checkReadable(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long length = channel.size();
            final long modifiedMs = Files.getLastModifiedTime(file).toMillis();
            final List<long[]> blocks = blocks(channel, length, blockLength);
            final List<CsrChunk> chunks = new ArrayList<>(blocks.size());
            final long[] lineCounts = new long[blocks.size()];
            final long[] checksums = new long[blocks.size()];
            final LibsvmFormatException[] errors = new LibsvmFormatException[blocks.size()];

            // Each parser thread reads its blocks into one buffer: fresh memory for every block would cost a page
            // fault per 4 KiB of text.
            final ThreadLocal<byte[]> buffers = new ThreadLocal<>();
            final int poolSize = Math.max(1, Math.min(threads, blocks.size()));
            final ExecutorService pool = Executors.newFixedThreadPool(poolSize, runnable ->
            {
                final Thread thread = new Thread(runnable, "libsvm-parser");
                thread.setDaemon(true);
                return thread;
            });
            try
            {
                final List<Future<CsrChunk>> futures = new ArrayList<>(blocks.size());
                for (int b = 0; b < blocks.size(); b++)
                {
                    final int block = b;
                    futures.add(pool.submit(() ->
                    {
                        final long start = blocks.get(block)[0];
                        final long end = blocks.get(block)[1];
                        final int blockBytes = (int)(end - start);
                        final byte[] bytes = read(channel, start, blockBytes, buffers);
                        final CRC32C crc = new CRC32C();
                        crc.update(bytes, 0, blockBytes);
                        checksums[block] = crc.getValue();
                        final CsrChunk chunk = sizedFor(bytes, blockBytes);
                        try
                        {
                            lineCounts[block] = parseBlock(file, bytes, blockBytes, chunk);
                        }
                        catch (final LibsvmFormatException ex)
                        {
                            errors[block] = ex;
                        }
                        return chunk;
                    }));
                }
                for (final Future<CsrChunk> future : futures)
                {
                    chunks.add(future.get());
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading " + file, ex);
            }
            catch (final ExecutionException ex)
            {
                final Throwable cause = ex.getCause();
                if (cause instanceof IOException io)
                {
                    throw io;
                }
                if (cause instanceof RuntimeException runtime)
                {
                    throw runtime;
                }
                throw new IOException(file + ": " + cause, cause);
            }
            finally
            {
                pool.shutdownNow();
            }

            long linesBefore = 0;
            for (int b = 0; b < blocks.size(); b++)
            {
                if (errors[b] != null)
                {
                    throw new LibsvmFormatException(file, linesBefore + errors[b].line(), errors[b].problem());
                }
                linesBefore += lineCounts[b];
            }

            long rows = 0;
            long nnz = 0;
            int maxIndex = -1;
            final CRC32C combined = new CRC32C();
            final ByteBuffer word = ByteBuffer.allocate(Long.BYTES);
            for (int b = 0; b < chunks.size(); b++)
            {
                rows += chunks.get(b).rows();
                nnz += chunks.get(b).nnz();
                maxIndex = Math.max(maxIndex, chunks.get(b).maxIndex());
                word.clear();
                word.putLong(checksums[b]);
                combined.update(word.array());
            }
            if (rows == 0)
            {
                throw new LibsvmFormatException(file, 0, length == 0 ? "the file is empty" :
                    "the file holds no rows (only blank lines or comments)");
            }
            return new Result(chunks, rows, nnz, maxIndex + 1L,
                new SourceInfo(length, modifiedMs, combined.getValue()));
        }
    }

    private static void checkReadable(final Path file)
    {
        if (Files.isDirectory(file))
        {
            throw new LibsvmFormatException(file, 0, "is a directory, not a LIBSVM file");
        }
        if (!Files.exists(file))
        {
            throw new LibsvmFormatException(file, 0, "no such file");
        }
        if (!Files.isReadable(file))
        {
            throw new LibsvmFormatException(file, 0, "permission denied: the file is not readable");
        }
    }

    /** Cuts the file into blocks of about {@link #BLOCK_LENGTH} that end just after a line end. */
    private static List<long[]> blocks(final FileChannel channel, final long length, final int blockLength)
        throws IOException
    {
        final List<long[]> blocks = new ArrayList<>();
        final ByteBuffer probe = ByteBuffer.allocate(64 * 1024);
        long start = 0;
        while (start < length)
        {
            long end = Math.min(length, start + blockLength);
            while (end < length)
            {
                probe.clear();
                final int read = channel.read(probe, end);
                if (read <= 0)
                {
                    end = length;
                    break;
                }
                int newline = -1;
                for (int i = 0; i < read; i++)
                {
                    if (probe.get(i) == '\n')
                    {
                        newline = i;
                        break;
                    }
                }
                if (newline >= 0)
                {
                    end += newline + 1;
                    break;
                }
                end += read;
            }
            if (end - start > Integer.MAX_VALUE - 16)
            {
                throw new IOException("a line of more than 2 GiB in " + channel);
            }
            blocks.add(new long[] {start, end});
            start = end;
        }
        return blocks;
    }

    /** Reads {@code length} bytes at {@code start} into the thread's buffer (grown when too small). */
    private static byte[] read(final FileChannel channel, final long start, final int length,
        final ThreadLocal<byte[]> buffers) throws IOException
    {
        byte[] bytes = buffers.get();
        if (bytes == null || bytes.length < length)
        {
            bytes = new byte[length];
            buffers.set(bytes);
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        long position = start;
        while (buffer.hasRemaining())
        {
            final int read = channel.read(buffer, position);
            if (read < 0)
            {
                throw new IOException("the file shrank while it was read");
            }
            position += read;
        }
        return bytes;
    }

    /**
     * An empty chunk with room for the rows and entries of {@code bytes[0, length)}, extrapolated (with 10 %
     * to spare) from the line ends and colons of its first {@link #SAMPLE_LENGTH} bytes. Growing from a small
     * chunk instead would allocate three times the final arrays, all of it fresh memory.
     */
    static CsrChunk sizedFor(final byte[] bytes, final int length)
    {
        final int sample = Math.min(length, SAMPLE_LENGTH);
        int lines = 1;
        int colons = 0;
        for (int i = 0; i < sample; i++)
        {
            lines += bytes[i] == '\n' ? 1 : 0;
            colons += bytes[i] == ':' ? 1 : 0;
        }
        final double scale = 1.1 * length / Math.max(1, sample);
        // An entry takes at least 4 bytes ("1:1 "), a row at least 2 ("1\n"): the caps hold for any text.
        final int rows = (int)Math.min(lines * scale, length / 2.0 + 16);
        final int entries = (int)Math.min(colons * scale, length / 4.0 + 16);
        return new CsrChunk(rows, entries);
    }

    /**
     * Parses whole lines of {@code bytes[0, length)} into {@code out}.
     *
     * @return the number of lines read
     * @throws LibsvmFormatException with a line number relative to the block
     */
    static long parseBlock(final Path file, final byte[] bytes, final int length, final CsrChunk out)
    {
        long line = 0;
        int position = 0;
        while (position < length)
        {
            line++;
            // The line is parsed up to its end as it is found: no separate scan for the line end.
            position = parseLine(file, line, bytes, position, length, out) + 1;
        }
        return line;
    }

    /**
     * Parses one line of LIBSVM text into {@code out} (a comment or blank line adds no row): for readers
     * that get their lines elsewhere, such as Spark's text files.
     *
     * @throws LibsvmFormatException naming {@code file} and {@code line}
     */
    public static void parseLine(final Path file, final long line, final String text, final CsrChunk out)
    {
        // Refused before parsing: the line parser ends a row at a line feed, and a row it ended stays added.
        if (text.indexOf('\n') >= 0)
        {
            throw new LibsvmFormatException(file, line, "a line break inside the line");
        }
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        parseLine(file, line, bytes, 0, bytes.length, out);
    }

    /**
     * Parses the line that starts at {@code from} and ends at the first line feed before {@code to} (or at
     * {@code to}); returns the line feed's position (or {@code to}).
     */
    private static int parseLine(final Path file, final long line, final byte[] b, final int from, final int to,
        final CsrChunk out)
    {
        int i = skipSpace(b, from, to);
        if (i == to || b[i] == '\n' || b[i] == '#')
        {
            return lineEnd(b, i, to);
        }
        int tokenEnd = tokenEnd(b, i, to);
        final double labelValue = parseNumber(b, i, tokenEnd);
        final int label;
        if (labelValue == 1.0)
        {
            label = 1;
        }
        else if (labelValue == -1.0 || labelValue == 0.0)
        {
            label = -1;
        }
        else
        {
            out.discardRow();
            throw new LibsvmFormatException(file, line, Double.isNaN(labelValue) ?
                "label \"" + text(b, i, tokenEnd) + "\" is not a number" :
                "label \"" + text(b, i, tokenEnd) + "\" is not one of +1, -1, 1, 0");
        }
        i = tokenEnd;

        long previous = 0;
        while (true)
        {
            i = skipSpace(b, i, to);
            if (i == to || b[i] == '\n' || b[i] == '#')
            {
                break;
            }
            final int fastEnd = plainEntry(b, i, to, previous, out);
            if (fastEnd > 0)
            {
                previous = out.lastIndex() + 1L;
                i = fastEnd;
                continue;
            }
            tokenEnd = tokenEnd(b, i, to);
            int colon = i;
            while (colon < tokenEnd && b[colon] != ':')
            {
                colon++;
            }
            if (colon == tokenEnd)
            {
                out.discardRow();
                throw new LibsvmFormatException(file, line,
                    "missing ':' in \"" + text(b, i, tokenEnd) + "\" (expected index:value)");
            }
            final long index = parseIndex(b, i, colon);
            if (index == Long.MIN_VALUE)
            {
                out.discardRow();
                throw new LibsvmFormatException(file, line,
                    "feature index \"" + text(b, i, colon) + "\" is not a whole number");
            }
            if (index <= 0)
            {
                out.discardRow();
                throw new LibsvmFormatException(file, line,
                    "feature index " + index + " is not positive (indices are 1-based)");
            }
            if (index > Integer.MAX_VALUE)
            {
                out.discardRow();
                throw new LibsvmFormatException(file, line, "feature index " + index + " is larger than " +
                    Integer.MAX_VALUE);
            }
            if (index <= previous)
            {
                out.discardRow();
                throw new LibsvmFormatException(file, line,
                    "feature indices not ascending: " + index + " after " + previous);
            }
            final double value = parseNumber(b, colon + 1, tokenEnd);
            if (Double.isNaN(value))
            {
                out.discardRow();
                final String token = text(b, colon + 1, tokenEnd);
                throw new LibsvmFormatException(file, line, isNanOrInfinityWord(token) ?
                    "value of feature " + index + " is " + token + " (NaN and infinite values are refused)" :
                    "value \"" + token + "\" of feature " + index + " is not a number");
            }
            final float single = (float)value;
            if (Float.isInfinite(single))
            {
                out.discardRow();
                throw new LibsvmFormatException(file, line, "value " + text(b, colon + 1, tokenEnd) +
                    " of feature " + index + " is infinite or beyond the float range");
            }
            out.addFeature((int)(index - 1), single);
            previous = index;
            i = tokenEnd;
        }
        out.endRow(label);
        return lineEnd(b, i, to);
    }

    /** The first line feed at or after {@code i} (past a comment's text), or {@code to}. */
    private static int lineEnd(final byte[] b, int i, final int to)
    {
        while (i < to && b[i] != '\n')
        {
            i++;
        }
        return i;
    }

    /**
     * The common entry, read in one pass: an unsigned index above {@code previous}, ':', and a plain decimal
     * value ({@code [+-]digits[.digits]}, at most 18 digits, mantissa within 2^53, at most 22 decimals) that
     * ends at white space, a line end, a comment or {@code to}. Such a value is the exact mantissa divided by
     * an exact power of ten, one correctly rounded division: what {@link #parseNumber} and
     * {@link Double#parseDouble} give. Adds the entry to {@code out} and returns its end; returns -1 and adds
     * nothing for anything else (exponents, long mantissas, bad text), which the careful path then parses or
     * refuses with a message. Scanning the value once, instead of for its end and then for its digits, is a
     * third of the parser's time on ordinary files.
     */
    private static int plainEntry(final byte[] b, final int from, final int to, final long previous,
        final CsrChunk out)
    {
        int i = from;
        long index = 0;
        while (i < to && i - from < 10)
        {
            final int digit = b[i] - '0';
            if (digit < 0 || digit > 9)
            {
                break;
            }
            index = index * 10 + digit;
            i++;
        }
        if (i == from || i == to || b[i] != ':' || index <= previous || index > Integer.MAX_VALUE)
        {
            return -1;
        }
        i++;
        boolean negative = false;
        if (i < to && (b[i] == '-' || b[i] == '+'))
        {
            negative = b[i] == '-';
            i++;
        }
        final int digitsFrom = i;
        long mantissa = 0;
        int point = -1;
        while (i < to)
        {
            final int digit = b[i] - '0';
            if (digit >= 0 && digit <= 9)
            {
                mantissa = mantissa * 10 + digit;
            }
            else if (b[i] != '.' || point >= 0)
            {
                break;
            }
            else
            {
                point = i;
            }
            i++;
        }
        final int decimals = point < 0 ? 0 : i - point - 1;
        final int digits = i - digitsFrom - (point < 0 ? 0 : 1);
        if (digits == 0 || digits > 18 || decimals > 22 || mantissa > 1L << 53 ||
            (i < to && !endsToken(b[i])))
        {
            return -1;
        }
        final double magnitude = mantissa / POWERS_OF_TEN[decimals];
        out.addFeature((int)(index - 1), (float)(negative ? -magnitude : magnitude));
        return i;
    }

    private static int skipSpace(final byte[] b, int i, final int to)
    {
        while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r'))
        {
            i++;
        }
        return i;
    }

    private static int tokenEnd(final byte[] b, int i, final int to)
    {
        while (i < to && !endsToken(b[i]))
        {
            i++;
        }
        return i;
    }

    /** Whether {@code c} ends a token: white space, a line end or a comment. */
    private static boolean endsToken(final byte c)
    {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '#';
    }

    /** An optionally signed decimal integer, or {@code Long.MIN_VALUE} when it is not one. */
    private static long parseIndex(final byte[] b, final int from, final int to)
    {
        int i = from;
        boolean negative = false;
        if (i < to && (b[i] == '-' || b[i] == '+'))
        {
            negative = b[i] == '-';
            i++;
        }
        if (i == to)
        {
            return Long.MIN_VALUE;
        }
        long value = 0;
        for (; i < to; i++)
        {
            final int digit = b[i] - '0';
            if (digit < 0 || digit > 9)
            {
                return Long.MIN_VALUE;
            }
            if (value < 1L << 40)
            {
                value = value * 10 + digit;
            }
        }
        return negative ? -value : value;
    }

    /**
     * A decimal number {@code [+-]digits[.digits][(e|E)[+-]digits]} (or {@code .digits}); NaN when the bytes
     * are not one. Exact (correctly rounded) for up to 15 significant digits and exponents within 10^22,
     * the fast path of Clinger's algorithm; otherwise the grammar-checked text goes to
     * {@link Double#parseDouble}.
     */
    static double parseNumber(final byte[] b, final int from, final int to)
    {
        int i = from;
        boolean negative = false;
        if (i < to && (b[i] == '-' || b[i] == '+'))
        {
            negative = b[i] == '-';
            i++;
        }
        long mantissa = 0;
        int significant = 0;
        int exponent = 0;
        boolean anyDigit = false;
        for (; i < to; i++)
        {
            final int digit = b[i] - '0';
            if (digit < 0 || digit > 9)
            {
                break;
            }
            anyDigit = true;
            if (significant < 18)
            {
                mantissa = mantissa * 10 + digit;
                if (mantissa != 0)
                {
                    significant++;
                }
            }
            else
            {
                significant++;
                exponent++;
            }
        }
        if (i < to && b[i] == '.')
        {
            i++;
            for (; i < to; i++)
            {
                final int digit = b[i] - '0';
                if (digit < 0 || digit > 9)
                {
                    break;
                }
                anyDigit = true;
                if (significant < 18)
                {
                    mantissa = mantissa * 10 + digit;
                    if (mantissa != 0)
                    {
                        significant++;
                    }
                    exponent--;
                }
                else
                {
                    significant++;
                }
            }
        }
        if (!anyDigit)
        {
            return Double.NaN;
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E'))
        {
            i++;
            boolean negativeExponent = false;
            if (i < to && (b[i] == '-' || b[i] == '+'))
            {
                negativeExponent = b[i] == '-';
                i++;
            }
            if (i == to)
            {
                return Double.NaN;
            }
            int e = 0;
            for (; i < to; i++)
            {
                final int digit = b[i] - '0';
                if (digit < 0 || digit > 9)
                {
                    return Double.NaN;
                }
                if (e < 100_000)
                {
                    e = e * 10 + digit;
                }
            }
            exponent += negativeExponent ? -e : e;
        }
        if (i != to)
        {
            return Double.NaN;
        }
        if (mantissa == 0)
        {
            return negative ? -0.0 : 0.0;
        }
        if (significant <= 15 && exponent >= -22 && exponent <= 22)
        {
            final double value = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] :
                mantissa / POWERS_OF_TEN[-exponent];
            return negative ? -value : value;
        }
        return Double.parseDouble(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    }

    private static boolean isNanOrInfinityWord(final String token)
    {
        final String word = token.replaceFirst("^[+-]", "").toLowerCase(java.util.Locale.ROOT);
        return word.equals("nan") || word.equals("inf") || word.equals("infinity");
    }

    private static String text(final byte[] b, final int from, final int to)
    {
        final int length = Math.min(to - from, 40);
        return new String(b, from, length, StandardCharsets.UTF_8) + (to - from > length ? "..." : "");
    }
}
