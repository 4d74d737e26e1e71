package io.hogwild.common.weights;

import static io.hogwild.common.weights.WeightFileLayout.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Pins every offset of docs/weight-file-format.md: a change here is a change of the file format. */
class WeightFileLayoutTest
{
    @Test
    void shouldPinTheConfigurationOffsets()
    {
        assertEquals(0, MAGIC_OFFSET);
        assertEquals(8, VERSION_OFFSET);
        assertEquals(12, VALUE_TYPE_OFFSET);
        assertEquals(16, DIMENSION_OFFSET);
        assertEquals(24, WORKER_COUNT_OFFSET);
        assertEquals(28, LOSS_OFFSET);
        assertEquals(32, BATCH_SIZE_OFFSET);
        assertEquals(36, SYNC_MODE_OFFSET);
        assertEquals(40, SEED_OFFSET);
        assertEquals(48, VALIDATION_FRACTION_OFFSET);
        assertEquals(56, LAMBDA_OFFSET);
        assertEquals(64, COORDINATOR_PID_OFFSET);
        assertEquals(72, START_TIMESTAMP_MS_OFFSET);
        assertEquals(80, TRAIN_ROWS_OFFSET);
        assertEquals(88, WEIGHTS_OFFSET_OFFSET);
        assertEquals(96, REGULARISATION_OFFSET_OFFSET);
        assertEquals(104, SHUFFLE_BLOCK_OFFSET);
        assertEquals(108, CHUNK_BLOCKS_OFFSET);
        assertEquals(112, CHUNK_COUNT_OFFSET);
        assertEquals(120, CONFIGURATION_CHECKSUM_OFFSET);
        assertTrue(CONFIGURATION_END <= CONTROL_OFFSET);
        assertEquals(0x57444C4957474F48L, MAGIC);
        assertEquals(3, VERSION);
    }

    @Test
    void shouldPinTheControlOffsets()
    {
        assertEquals(128, CONTROL_OFFSET);
        assertEquals(128, RUN_STATE_OFFSET);
        assertEquals(132, COMMAND_OFFSET);
        assertEquals(136, EPOCH_OFFSET);
        assertEquals(144, STEP_SIZE_OFFSET);
        assertEquals(152, COORDINATOR_HEARTBEAT_MS_OFFSET);
        assertEquals(160, SAMPLES_TOTAL_OFFSET);
        assertEquals(168, EPOCHS_COMPLETED_OFFSET);
        assertEquals(176, NEXT_CHUNK_OFFSET);
        assertEquals(192, LOCK_OFFSET);
        assertTrue(CONTROL_END <= LOCK_OFFSET);
        assertTrue(CONTROL_END <= WORKER_SLOTS_OFFSET);
    }

    @Test
    void shouldPutWorkerSlotsTwoCacheLinesApart()
    {
        assertEquals(256, WORKER_SLOTS_OFFSET);
        assertEquals(128, WORKER_SLOT_LENGTH);
        assertEquals(256, workerSlotOffset(0));
        assertEquals(384, workerSlotOffset(1));
        assertEquals(0, SLOT_PID_OFFSET);
        assertEquals(8, SLOT_HEARTBEAT_MS_OFFSET);
        assertEquals(16, SLOT_SAMPLES_DONE_OFFSET);
        assertEquals(24, SLOT_EPOCH_REACHED_OFFSET);
        assertEquals(32, SLOT_STATE_OFFSET);
        assertEquals(40, SLOT_EPOCH_LOSS_SUM_OFFSET);
        assertEquals(48, SLOT_EPOCH_SAMPLES_OFFSET);
        assertEquals(56, SLOT_START_TIMESTAMP_MS_OFFSET);
        assertEquals(64, SLOT_EPOCH_POSITION_OFFSET);
        assertEquals(72, SLOT_EPOCH_LOSS_SO_FAR_OFFSET);
        assertEquals(80, SLOT_RESTARTS_OFFSET);
        assertTrue(SLOT_END <= WORKER_SLOT_LENGTH);
    }

    @Test
    void shouldPageAlignTheWeightsAndTheCoefficients()
    {
        assertEquals(4096, weightsOffset(1));
        assertEquals(4096, weightsOffset(30));
        assertEquals(8192, weightsOffset(31));
        assertEquals(4096 + 4096, regularisationOffset(8, 123));
        assertEquals(4096 + 4096 + 4096, chunkOwnersOffset(8, 123));
        // An owner entry: epoch mod 2^20 in bits 44-63, the worker in 32-43, the position in 0-31.
        assertEquals(0x00003_00B_00000064L, ownerEntry(3, 11, 100));
        assertEquals(1, ownerEntry(1, 4095, Integer.MAX_VALUE) >>> 44,
            "the top worker and position stay out of the epoch tag");
        assertTrue(takenIn(ownerEntry(7, 0, 0), 7) && !takenIn(ownerEntry(7, 0, 0), 8) && !takenIn(0, 1));
        assertTrue(1_000_000 < (1 << 20), "--epochs' cap keeps every epoch's tag distinct and non-zero");
        assertEquals(4096 + 4096 + 4096 + 10 * 8, fileLength(8, 123, 10));
        assertEquals(4096 + 47_236 * 4 + (4096 - 47_236 * 4 % 4096), regularisationOffset(8, 47_236));
    }
}
