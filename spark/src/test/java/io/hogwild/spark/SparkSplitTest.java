package io.hogwild.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetCache;
import io.hogwild.common.sgd.DataSplit;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/**
 * {@code spark} holds out the rows that {@code train} holds out of the same LIBSVM text: the split hashes a
 * row's ordinal among the data lines, which Spark counts across its text partitions and the dataset file
 * records for its shuffled rows. Blank and comment lines, scattered through the text, count in neither.
 */
@Timeout(300)
class SparkSplitTest
{
    private static final int ROWS = 6_000;
    private static final long SEED = 17;
    private static final double FRACTION = 0.2;

    @TempDir
    Path dir;

    @BeforeEach
    void sparkStartsOnThisJava()
    {
        SparkJavaTest.assumeSparkStarts();
    }

    @Test
    void shouldHoldOutTheRowsThatTrainHoldsOutOfTheSameText() throws IOException
    {
        // Row i's only feature is i + 1, so a row names its own ordinal wherever it is stored.
        final Path text = dir.resolve("rows.libsvm");
        try (BufferedWriter out = Files.newBufferedWriter(text, StandardCharsets.US_ASCII))
        {
            out.write("# a comment before the first row\n");
            for (int i = 0; i < ROWS; i++)
            {
                if (i % 7 == 3)
                {
                    out.write("\n");
                }
                if (i % 11 == 5)
                {
                    out.write("# comment " + i + "\n");
                }
                out.write((i % 3 == 0 ? "+1" : "-1") + " " + (i + 1) + ":1\n");
            }
        }

        final Map<Integer, Integer> trainHeldOut = new TreeMap<>(); // source row -> the feature it holds
        final Path converted = dir.resolve("rows.hwd");
        DatasetCache.convert(text, converted, 2, 0);
        try (Dataset data = Dataset.open(converted))
        {
            assertEquals(ROWS, data.rows());
            for (long r = 0; r < data.rows(); r++)
            {
                if (DataSplit.isValidation(data, SEED, r, FRACTION))
                {
                    trainHeldOut.put(data.sourceRow(r), data.index(data.rowStart(r)));
                }
            }
        }

        final Map<Integer, Integer> sparkHeldOut = new TreeMap<>();
        final SparkRun run = new SparkRun(SparkSettings.resolve(Map.of("master", "local[2]", "data", text.toString())),
            System.err);
        try (JavaSparkContext context = new JavaSparkContext(run.sparkConf()))
        {
            context.setLogLevel("WARN");
            final SparkData data = SparkData.load(context, text.toString(), 5);
            assertTrue(data.shards().getNumPartitions() > 1, "the text is read as several partitions");
            final List<Tuple2<Integer, Integer>> held = data.shards().flatMap(shard ->
            {
                final List<Tuple2<Integer, Integer>> rows = new ArrayList<>();
                for (int row = 0; row < shard.rows().rows(); row++)
                {
                    if (shard.isValidation(row, SEED, FRACTION))
                    {
                        rows.add(new Tuple2<>((int)shard.firstRow() + row, shard.rows().index(shard.rowStart(row))));
                    }
                }
                return rows.iterator();
            }).collect();
            for (final Tuple2<Integer, Integer> row : held)
            {
                sparkHeldOut.put(row._1(), row._2());
            }
            data.release();
        }

        assertTrue(trainHeldOut.size() > ROWS * FRACTION * 0.8 && trainHeldOut.size() < ROWS * FRACTION * 1.2,
            trainHeldOut.size() + " rows held out of " + ROWS);
        trainHeldOut.forEach((sourceRow, feature) -> assertEquals(sourceRow, feature,
            "the dataset's source row " + sourceRow + " is the text's data line of that ordinal"));
        final Map<Integer, Integer> onlyTrain = new TreeMap<>(trainHeldOut);
        onlyTrain.keySet().removeAll(sparkHeldOut.keySet());
        final Map<Integer, Integer> onlySpark = new TreeMap<>(sparkHeldOut);
        onlySpark.keySet().removeAll(trainHeldOut.keySet());
        assertTrue(onlyTrain.isEmpty() && onlySpark.isEmpty(), onlyTrain.size() + " rows held out by train only (" +
            first(onlyTrain) + "), " + onlySpark.size() + " by spark only (" + first(onlySpark) + ")");
        assertEquals(trainHeldOut, sparkHeldOut, "each held-out row holds its own ordinal's feature in spark too");
    }

    private static String first(final Map<Integer, Integer> rows)
    {
        return rows.keySet().stream().limit(8).map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
    }
}
