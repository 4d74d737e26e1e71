package io.hogwild.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.hogwild.common.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random mutations of real LIBSVM lines (from {@code ../shared/data}; generated lines where it is absent):
 * the reader either reads the row or throws {@link LibsvmFormatException} naming the mutated line, and never
 * anything else.
 */
class LibsvmFuzzTest
{
    private static final int MUTATIONS = 4_000;
    /** Characters that matter to the format, and some that do not belong in it. */
    private static final String ALPHABET = "0123456789+-.:eE \t#nNaIifxX,;\u00e9\u0000";

    @TempDir
    Path dir;

    private static List<String> seedLines() throws IOException
    {
        final List<String> lines = new ArrayList<>();
        for (final String name : List.of("a9a", "spamassassin.train.libsvm", "w8a"))
        {
            final Path file = SharedData.directory().resolve(name);
            if (Files.isRegularFile(file))
            {
                try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
                {
                    reader.lines().limit(300).forEach(lines::add);
                }
            }
        }
        if (lines.isEmpty())
        {
            System.out.println("LibsvmFuzzTest: ../shared/data is absent; mutating generated lines instead");
            final CsrChunk chunk = new SyntheticData(500, 20, 7).generate(300, 1);
            for (int row = 0; row < chunk.rows(); row++)
            {
                final StringBuilder line = new StringBuilder(chunk.label(row) > 0 ? "+1" : "-1");
                for (int k = row == 0 ? 0 : chunk.rowEnd(row - 1); k < chunk.rowEnd(row); k++)
                {
                    line.append(' ').append(chunk.index(k) + 1).append(':').append(chunk.value(k));
                }
                lines.add(line.toString());
            }
        }
        return lines;
    }

    private static String mutate(final String line, final Random random)
    {
        final StringBuilder text = new StringBuilder(line);
        final int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++)
        {
            final int at = text.length() == 0 ? 0 : random.nextInt(text.length());
            switch (random.nextInt(6))
            {
                case 0 -> text.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 1 ->
                {
                    if (text.length() > 0)
                    {
                        text.deleteCharAt(at);
                    }
                }
                case 2 ->
                {
                    if (text.length() > 0)
                    {
                        text.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    }
                }
                case 3 -> text.setLength(at); // truncated
                case 4 ->
                {
                    // Swap two tokens: indices out of order, a label in the middle.
                    final String[] tokens = text.toString().split(" ");
                    if (tokens.length > 2)
                    {
                        final int a = random.nextInt(tokens.length);
                        final int b = random.nextInt(tokens.length);
                        final String t = tokens[a];
                        tokens[a] = tokens[b];
                        tokens[b] = t;
                        text.setLength(0);
                        text.append(String.join(" ", tokens));
                    }
                }
                default -> text.insert(at, " " + (random.nextInt(2_000_000_000) - 1) + ":" + random.nextGaussian() + " ");
            }
        }
        return text.toString();
    }

    @Test
    void shouldReadOrRefuseEveryMutationWithItsLineNumber() throws IOException
    {
        final List<String> lines = seedLines();
        final Random random = new Random(2011);
        final Path file = dir.resolve("fuzz.libsvm");
        int refused = 0;
        for (int i = 0; i < MUTATIONS; i++)
        {
            final String mutated = mutate(lines.get(random.nextInt(lines.size())), random);
            Files.writeString(file, "+1 1:1\n" + mutated + "\n-1 2:1\n", StandardCharsets.UTF_8);
            try
            {
                // Small blocks: the mutated line also lands on block edges.
                final LibsvmParser.Result result = LibsvmParser.parse(file, 2, 16 + random.nextInt(64));
                assertTrue(result.rows() == 2 || result.rows() == 3, "rows " + result.rows() + " of " + mutated);
            }
            catch (final LibsvmFormatException ex)
            {
                refused++;
                assertEquals(2, ex.line(), "line of the mutation \"" + mutated + "\": " + ex.getMessage());
                assertTrue(ex.getMessage().startsWith(file + ":2: "), ex.getMessage());
            }
            catch (final RuntimeException ex)
            {
                fail("the reader threw " + ex + " on the line \"" + mutated + "\"", ex);
            }
        }
        System.out.println("LibsvmFuzzTest: " + MUTATIONS + " mutations, " + refused + " refused with their line");
        assertTrue(refused > MUTATIONS / 10 && refused < MUTATIONS, "the mutations make both outcomes: " + refused);
    }
}
