package io.hogwild.coordinator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import io.hogwild.common.data.CsrChunk;
import io.hogwild.common.data.Dataset;
import io.hogwild.common.data.DatasetCache;
import io.hogwild.common.data.DatasetFileException;
import io.hogwild.common.data.DatasetWriter;
import io.hogwild.common.data.SourceInfo;
import io.hogwild.common.data.SyntheticData;

/**
 * The data {@code train} uses when given none: a synthetic set in the shape of RCV1 as the Hogwild! paper
 * split it (781,265 train and 23,149 test rows, 47,236 features, about 76 non-zeros a row), generated
 * once into the dataset cache and reused.
 */
public final class DefaultData
{
    /** Seed of the default set: fixed, so the default is the same data on every machine. */
    public static final long SEED = 2011;

    /** The two dataset files. */
    public record DatasetPair(Path train, Path test)
    {
    }

    private DefaultData()
    {
    }

    public static DatasetPair ensure(final DatasetCache cache, final Consumer<String> log) throws IOException
    {
        final String stem = "rcv1-shaped-" + SyntheticData.RCV1_TRAIN_ROWS + "x" + SyntheticData.RCV1_FEATURES +
            "-seed" + SEED + "-v" + SyntheticData.VERSION;
        final Path train = cache.directory().resolve(stem + ".train" + DatasetCache.EXTENSION);
        final Path test = cache.directory().resolve(stem + ".test" + DatasetCache.EXTENSION);
        if (usable(train) && usable(test))
        {
            return new DatasetPair(train, test);
        }
        log.accept("generating the default RCV1-shaped data set once (" + String.format(Locale.ROOT, "%,d",
            SyntheticData.RCV1_TRAIN_ROWS) + " train rows) into " + cache.directory());
        final SyntheticData generator = new SyntheticData(SyntheticData.RCV1_FEATURES,
            SyntheticData.RCV1_NNZ_PER_ROW, SEED);
        final CsrChunk trainRows = generator.generate(SyntheticData.RCV1_TRAIN_ROWS, SEED + 1);
        DatasetWriter.write(train, List.of(trainRows), SyntheticData.RCV1_FEATURES, SourceInfo.GENERATED);
        final CsrChunk testRows = generator.generate(SyntheticData.RCV1_TEST_ROWS, SEED + 2);
        DatasetWriter.write(test, List.of(testRows), SyntheticData.RCV1_FEATURES, SourceInfo.GENERATED);
        return new DatasetPair(train, test);
    }

    private static boolean usable(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            return false;
        }
        try (Dataset dataset = Dataset.open(file))
        {
            return dataset.rows() > 0;
        }
        catch (final DatasetFileException ex)
        {
            return false;
        }
    }
}
