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
