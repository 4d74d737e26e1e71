package io.hogwild.common.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.hogwild.common.sgd.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest
{
    @Test
    void shouldTakeTheDocumentedDefaults()
    {
        final Settings settings = Settings.defaults();
        assertEquals(Runtime.getRuntime().availableProcessors(), settings.procs());
        assertEquals(20, settings.epochs());
        assertTrue(Double.isNaN(settings.lr()));
        assertEquals(0.9, settings.decay());
        assertEquals(Loss.HINGE, settings.loss());
        assertEquals(1, settings.batch());
        assertEquals(0.1, settings.valFraction());
        assertEquals(Settings.AUTO_STEP_SCALE / 4.0, settings.firstStep(4.0));
        assertEquals(Settings.OPTIONS.size(), settings.toMap().size());
        assertEquals(0, settings.shuffleBlock());
        assertEquals("auto", settings.toMap().get("shuffle-block"));
    }

    @Test
    void shouldSizeAutoBlocksByBytesAndKeepAThousandBlocks()
    {
        final Settings auto = Settings.defaults();
        // RCV1-shaped: 781,265 rows of ~76 non-zeros (608 bytes): 1,024 blocks bind before 512 KiB (862 rows).
        assertEquals(781_265 / 1_024, auto.blockLength(781_265, 781_265L * 76));
        // Ten million such rows: 512 KiB a block binds.
        assertEquals(863, auto.blockLength(10_000_000, 10_000_000L * 76));
        // a9a: 32,561 rows of 14, in the cache whatever the order: fine blocks.
        assertEquals(31, auto.blockLength(32_561, 32_561L * 14));
        // Fewer rows than blocks, or no entries at all: single rows.
        assertEquals(1, auto.blockLength(500, 5_000));
        assertEquals(1, auto.blockLength(0, 0));
        assertEquals(7_000 / 1_024, auto.blockLength(7_000, 0));
        final Settings given = Settings.resolve(Map.of("shuffle-block", "5"));
        assertEquals(5, given.blockLength(781_265, 781_265L * 76));
        assertEquals(5, given.toMap().get("shuffle-block"));
        assertEquals(0, Settings.resolve(Map.of("shuffle-block", "auto")).shuffleBlock());
    }

    @ParameterizedTest(name = "--{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "procs|0|--procs must be in [1, 4096], was 0",
        "lr|-1|--lr must be in (0, inf), was -1",
        "batch|0|--batch must be in [1, 1048576], was 0",
        "val-fraction|1.5|--val-fraction must be in [0, 1), was 1.5",
        "sync|foo|--sync must be one of lockfree, lockfree-eager, lock, atomic, filelock, was 'foo'",
        "loss|squared|--loss must be hinge or logistic, was 'squared'",
        "epochs|many|--epochs must be a whole number in [1, 1000000], was 'many'",
        "decay|1.5|--decay must be in (0, 1], was 1.5",
        "shuffle-block|0|--shuffle-block must be auto or a whole number in [1, 1048576], was '0'",
        "shuffle-block|long|--shuffle-block must be auto or a whole number in [1, 1048576], was 'long'",
    })
    void shouldRefuseValuesOutOfRangeNamingTheOption(final String name, final String value, final String message)
    {
        assertEquals(message, assertThrows(SettingsException.class,
            () -> Settings.resolve(Map.of(name, value))).getMessage());
    }

    @Test
    void shouldReadAPropertiesFileAndRefuseUnknownKeys(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("settings.properties");
        Files.writeString(file, "# my run\nepochs=7\nval_fraction = 0.2\nloss=logistic\n");
        final Settings settings = Settings.resolve(Settings.readFile(file));
        assertEquals(7, settings.epochs());
        assertEquals(0.2, settings.valFraction());
        assertEquals(Loss.LOGISTIC, settings.loss());

        Files.writeString(file, "epohcs=7\n");
        assertTrue(assertThrows(SettingsException.class, () -> Settings.readFile(file)).getMessage()
            .startsWith(file + ": unknown setting 'epohcs'"));
    }
}
