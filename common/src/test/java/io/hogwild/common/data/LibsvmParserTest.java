package io.hogwild.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import io.hogwild.common.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LibsvmParserTest
{
    @TempDir
    Path dir;

    private Path write(final String text) throws IOException
    {
        final Path file = dir.resolve("data.libsvm");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static CsrChunk single(final LibsvmParser.Result result)
    {
        assertEquals(1, result.chunks().size());
        return result.chunks().get(0);
    }

    /** A value in one of the forms files hold: plain decimals of every length, signs, points, exponents. */
    private static String randomValue(final Random random)
    {
        final String sign = switch (random.nextInt(4)) { case 0 -> "-"; case 1 -> "+"; default -> ""; };
        final String digits = Long.toString(Math.abs(random.nextLong()) % (long)Math.pow(10, 1 + random.nextInt(18)));
        final String body = switch (random.nextInt(6))
        {
            case 0 -> digits;
            case 1 -> "0." + "0".repeat(random.nextInt(25)) + digits;
            case 2 -> digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits + ".";
            case 3 -> "." + digits;
            case 4 -> digits + "e" + (random.nextInt(36) - 20);
            default -> "00" + digits + "." + digits;
        };
        return sign + body;
    }

    @Test
    void shouldReadEveryValueAsJavaDoesWhicheverPathTakesIt() throws IOException
    {
        // Most entries take the one-pass path, the rest the careful one: both must give Java's own float.
        final Random random = new Random(11);
        final StringBuilder text = new StringBuilder();
        final java.util.List<Float> expected = new java.util.ArrayList<>();
        final java.util.List<Integer> indices = new java.util.ArrayList<>();
        for (int row = 0; row < 2_000; row++)
        {
            text.append(row % 2 == 0 ? "+1" : "-1");
            int index = 0;
            for (int k = 0; k < 20; k++)
            {
                index += 1 + random.nextInt(1000);
                final String value = randomValue(random);
                text.append(random.nextInt(10) == 0 ? "\t" : " ").append(index).append(':').append(value);
                expected.add((float)Double.parseDouble(value));
                indices.add(index - 1);
            }
            text.append(random.nextInt(10) == 0 ? " # a comment\n" : random.nextInt(10) == 0 ? "\r\n" : "\n");
        }
        final CsrChunk chunk = single(LibsvmParser.parse(write(text.toString()), 1));
        assertEquals(expected.size(), chunk.nnz());
        for (int k = 0; k < expected.size(); k++)
        {
            assertEquals(Float.floatToIntBits(expected.get(k)), Float.floatToIntBits(chunk.value(k)), "entry " + k);
            assertEquals(indices.get(k), chunk.index(k), "entry " + k);
        }
    }

    @Test
    void shouldReadTheFormsRealFilesTake() throws IOException
    {
        final Path file = write(
            "# a comment line\n" +
            "+1 1:0.5 3:2 \n" +                // trailing space, as a9a has
            "\n" +                              // blank line
            "-1\n" +                            // a row with no features
            "0 2:1e-3 7:-4.25 # comment\r\n" +  // 0 is negative; comment; CRLF
            "1\t4:.5\t5:3.\n" +                 // tabs, forms of decimals
            "   \n");                           // white space only, last
        final LibsvmParser.Result result = LibsvmParser.parse(file, 2);
        final CsrChunk rows = single(result);
        assertEquals(4, result.rows());
        assertEquals(6, result.nnz());
        assertEquals(7, result.dimension());
        assertEquals(1, rows.label(0));
        assertEquals(-1, rows.label(1));
        assertEquals(-1, rows.label(2));
        assertEquals(1, rows.label(3));
        assertEquals(2, rows.rowEnd(0));
        assertEquals(2, rows.rowEnd(1));
        assertEquals(0, rows.index(0));
        assertEquals(0.5f, rows.value(0));
        assertEquals(2, rows.index(1));
        assertEquals(1e-3f, rows.value(2));
        assertEquals(6, rows.index(3));
        assertEquals(-4.25f, rows.value(3));
        assertEquals(0.5f, rows.value(4));
        assertEquals(3f, rows.value(5));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "+1 1:abc|2|value \"abc\" of feature 1 is not a number",
        "+1 1:0.5 2|2|missing ':' in \"2\"",
        "+1 0:1|2|feature index 0 is not positive",
        "+1 -3:1|2|feature index -3 is not positive",
        "+1 x:1|2|feature index \"x\" is not a whole number",
        "+1 3:1 2:1|2|feature indices not ascending: 2 after 3",
        "+1 3:1 3:1|2|feature indices not ascending: 3 after 3",
        "+1 1:nan|2|value of feature 1 is nan",
        "+1 1:NaN|2|value of feature 1 is NaN",
        "+1 1:inf|2|value of feature 1 is inf",
        "+1 1:-Infinity|2|value of feature 1 is -Infinity",
        "+1 1:1e999|2|infinite or beyond the float range",
        "2 1:1|2|label \"2\" is not one of +1, -1, 1, 0",
        "0.5 1:1|2|label \"0.5\" is not one of +1, -1, 1, 0",
        "spam 1:1|2|label \"spam\" is not a number",
        "+1 1:1e|2|value \"1e\" of feature 1 is not a number",
        "+1 1:0x10|2|value \"0x10\" of feature 1 is not a number",
        // What the one-pass path must hand to the careful one:
        "+1 1:|2|value \"\" of feature 1 is not a number",
        "+1 1:.|2|value \".\" of feature 1 is not a number",
        "+1 1:-|2|value \"-\" of feature 1 is not a number",
        "+1 1:1.2.3|2|value \"1.2.3\" of feature 1 is not a number",
        "+1 1:5:|2|value \"5:\" of feature 1 is not a number",
        "+1 2:1 02:1|2|feature indices not ascending: 2 after 2",
        "+1 12345678901:1|2|feature index 12345678901 is larger than",
    })
    void shouldRefuseBadLinesWithFileLineAndProblem(final String badLine, final long line, final String problem)
        throws IOException
    {
        final Path file = write("-1 1:1\n" + badLine + "\n+1 2:1\n");
        final LibsvmFormatException ex = assertThrows(LibsvmFormatException.class, () -> LibsvmParser.parse(file, 1));
        assertEquals(line, ex.line());
        assertTrue(ex.getMessage().startsWith(file + ":" + line + ": "), ex.getMessage());
        assertTrue(ex.problem().contains(problem), ex.problem());
    }

    @Test
    void shouldRefuseEmptyMissingAndDirectoryInputs() throws IOException
    {
        final Path empty = write("");
        assertTrue(assertThrows(LibsvmFormatException.class, () -> LibsvmParser.parse(empty, 1))
            .getMessage().endsWith("the file is empty"));
        final Path comments = write("# nothing\n\n");
        assertTrue(assertThrows(LibsvmFormatException.class, () -> LibsvmParser.parse(comments, 1))
            .getMessage().contains("holds no rows"));
        final Path missing = dir.resolve("missing.libsvm");
        assertEquals(missing + ": no such file",
            assertThrows(LibsvmFormatException.class, () -> LibsvmParser.parse(missing, 1)).getMessage());
        assertTrue(assertThrows(LibsvmFormatException.class, () -> LibsvmParser.parse(dir, 1))
            .getMessage().contains("is a directory"));
    }

    @Test
    void shouldGiveTheSameRowsAndGlobalLineNumbersAcrossBlocks() throws IOException
    {
        final StringBuilder text = new StringBuilder();
        final Random random = new Random(7);
        for (int line = 1; line <= 2_000; line++)
        {
            text.append(random.nextBoolean() ? "+1" : "-1");
            int index = 0;
            for (int k = 0; k < random.nextInt(6); k++)
            {
                index += 1 + random.nextInt(9);
                text.append(' ').append(index).append(':').append(random.nextInt(1000) / 100.0);
            }
            text.append('\n');
        }
        final Path file = write(text.toString());
        final LibsvmParser.Result whole = LibsvmParser.parse(file, 1, Integer.MAX_VALUE / 2);
        final LibsvmParser.Result blocks = LibsvmParser.parse(file, 4, 512);
        assertTrue(blocks.chunks().size() > 10);
        assertEquals(whole.rows(), blocks.rows());
        assertEquals(whole.nnz(), blocks.nnz());
        assertEquals(whole.dimension(), blocks.dimension());

        final String[] lines = text.toString().split("\n");
        lines[1499] = "+1 5:1 4:1";
        Files.writeString(file, String.join("\n", lines) + "\n");
        final LibsvmFormatException ex = assertThrows(LibsvmFormatException.class,
            () -> LibsvmParser.parse(file, 4, 512));
        assertEquals(1500, ex.line());
    }

    @Test
    void shouldParseOneLineOfTextAndRefuseALineBreakInsideItAddingNothing()
    {
        final Path file = Path.of("part-00000");
        final CsrChunk chunk = new CsrChunk();
        LibsvmParser.parseLine(file, 7, "+1 2:0.5 9:-1e-3 # a comment", chunk);
        assertEquals(1, chunk.rows());
        assertEquals(2, chunk.nnz());
        assertEquals(8, chunk.index(1));
        assertEquals(-1e-3f, chunk.value(1));
        final LibsvmFormatException ex = assertThrows(LibsvmFormatException.class,
            () -> LibsvmParser.parseLine(file, 8, "1 1:2\n-1 3:4", chunk));
        assertEquals(8, ex.line());
        assertTrue(ex.problem().contains("line break"), ex.problem());
        assertEquals(1, chunk.rows());
        assertEquals(2, chunk.nnz());
        assertEquals(1, chunk.positives());
    }

    @Test
    void shouldGrowPastTheSizeItGuessedFromABlocksStart() throws IOException
    {
        // The chunk is sized from the block's first bytes: here comments only, then thousands of dense rows.
        final StringBuilder text = new StringBuilder();
        while (text.length() < LibsvmParser.SAMPLE_LENGTH + 1000)
        {
            text.append("# a comment line that holds no colon and no row, only words\n");
        }
        for (int row = 0; row < 5_000; row++)
        {
            text.append(row % 2 == 0 ? "+1" : "-1");
            for (int k = 1; k <= 50; k++)
            {
                text.append(' ').append(k * 3).append(":0.").append(row % 10);
            }
            text.append('\n');
        }
        final LibsvmParser.Result result = LibsvmParser.parse(write(text.toString()), 1);
        final CsrChunk rows = single(result);
        assertEquals(5_000, result.rows());
        assertEquals(250_000, result.nnz());
        assertEquals(150, result.dimension());
        assertEquals(250_000, rows.rowEnd(4_999));
        assertEquals(0.9f, rows.value(249_999));
    }

    @Test
    void shouldParseNumbersAsJavaDoes()
    {
        final Random random = new Random(11);
        for (int i = 0; i < 100_000; i++)
        {
            final String text = switch (i % 4)
            {
                case 0 -> Float.toString(random.nextFloat() * (float)Math.pow(10, random.nextInt(20) - 10));
                case 1 -> Double.toString(random.nextGaussian());
                case 2 -> String.format(java.util.Locale.ROOT, "%.6f", random.nextDouble() * 100);
                default -> Integer.toString(random.nextInt());
            };
            final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            assertEquals((float)Double.parseDouble(text), (float)LibsvmParser.parseNumber(bytes, 0, bytes.length), text);
        }
    }

    @Test
    void shouldReadTheRealA9aFile() throws IOException
    {
        final Path a9a = SharedData.require("a9a");
        final LibsvmParser.Result result = LibsvmParser.parse(a9a, 2);
        assertEquals(32_561, result.rows());
        assertEquals(123, result.dimension());
        assertEquals(451_592, result.nnz());
    }
}
