package io.hogwild.coordinator.inspect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

import io.hogwild.common.weights.RunState;
import io.hogwild.common.weights.WeightFile;
import io.hogwild.common.weights.WorkerState;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What {@code inspect} shows of a weight file, read from outside the run without disturbing it (only
 * loads; the model is Aeron's AeronStat): header, state, epoch, every worker slot and weight statistics.
 * A run whose state is not terminal but whose coordinator is gone is reported as {@code ABANDONED}.
 */
public final class WeightReport
{
    /** A worker whose heartbeat is older than this is reported stale. */
    public static final long STALE_AFTER_MS = 2_000;

    private WeightReport()
    {
    }

    /** The report as ordered maps and lists, ready for {@link io.hogwild.common.util.Json}. */
    public static Map<String, Object> of(final WeightFile file, final int top, final long nowMs)
    {
        final Map<String, Object> report = new LinkedHashMap<>();
        report.put("file", file.path().toString());
        report.put("version", file.version());
        report.put("dim", file.dimension());
        report.put("value_type", "float32");
        final RunState state = file.runState();
        final long coordinatorPid = file.coordinatorPid();
        final boolean coordinatorAlive = isAlive(coordinatorPid);
        report.put("state", !state.isTerminal() && !coordinatorAlive ? "ABANDONED" : state.name());
        report.put("command", file.command().name());
        report.put("epoch", file.epoch());
        report.put("epochs_completed", file.epochsCompleted());
        report.put("chunks_taken", Math.min(file.chunksTaken(), file.chunkCount()));
        report.put("chunk_count", file.chunkCount());
        report.put("step_size", file.stepSize());
        report.put("samples_total", file.samplesTotal());
        report.put("loss", file.loss().cliName());
        report.put("sync", file.syncMode().cliName());
        if (file.syncMode() == io.hogwild.common.sgd.SyncMode.LOCK)
        {
            // Who holds the weight lock right now; a dead holder's index stays here.
            report.put("lock_owner", file.lockOwner() < 0 ? null : file.lockOwner());
        }
        report.put("batch", file.batchSize());
        report.put("shuffle_block", file.shuffleBlock());
        report.put("lambda", file.lambda());
        report.put("seed", file.seed());
        report.put("validation_fraction", file.validationFraction());
        report.put("train_rows", file.trainRows());
        report.put("coordinator_pid", coordinatorPid);
        report.put("coordinator_alive", coordinatorAlive);
        report.put("coordinator_heartbeat_age_ms", nowMs - file.coordinatorHeartbeatMs());
        report.put("started", Instant.ofEpochMilli(file.startTimestampMs()).toString());
        report.put("worker_count", file.workerCount());

        final List<Object> workers = new ArrayList<>();
        for (int i = 0; i < file.workerCount(); i++)
        {
            final Map<String, Object> slot = new LinkedHashMap<>();
            final WorkerState workerState = file.workerState(i);
            final long heartbeatAge = nowMs - file.workerHeartbeatMs(i);
            final long pid = file.workerPid(i);
            slot.put("index", i);
            slot.put("pid", pid);
            slot.put("state", workerState.name());
            slot.put("liveness", liveness(workerState, heartbeatAge, pid));
            slot.put("heartbeat_age_ms", workerState == WorkerState.NOT_STARTED ? null : heartbeatAge);
            slot.put("samples", file.workerSamplesDone(i));
            slot.put("epoch_reached", file.workerEpochReached(i));
            workers.add(slot);
        }
        report.put("workers", workers);
        report.put("weights", statistics(file.weights(), (int)file.dimension(), top));
        return report;
    }

    private static String liveness(final WorkerState state, final long heartbeatAgeMs, final long pid)
    {
        return switch (state)
        {
            case NOT_STARTED -> "not started";
            case EXITED -> "exited";
            case FAILED -> "failed";
            default -> heartbeatAgeMs <= STALE_AFTER_MS && isAlive(pid) ? "alive" : "stale";
        };
    }

    private static boolean isAlive(final long pid)
    {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Norm, non-zeros, min, max, and the {@code top} weights by magnitude with their 1-based features. */
    static Map<String, Object> statistics(final UnsafeBuffer weights, final int dimension, final int top)
    {
        double squares = 0;
        long nonzeros = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        long nonFinite = 0;
        final PriorityQueue<long[]> largest = new PriorityQueue<>((a, b) ->
            Float.compare(Math.abs(Float.intBitsToFloat((int)a[1])), Math.abs(Float.intBitsToFloat((int)b[1]))));
        for (int u = 0; u < dimension; u++)
        {
            final float w = weights.getFloat(u * Float.BYTES);
            if (!Float.isFinite(w))
            {
                nonFinite++;
                continue;
            }
            squares += (double)w * w;
            if (w != 0)
            {
                nonzeros++;
            }
            min = Math.min(min, w);
            max = Math.max(max, w);
            if (top > 0 && w != 0)
            {
                if (largest.size() < top)
                {
                    largest.add(new long[] {u, Float.floatToRawIntBits(w)});
                }
                else if (Math.abs(w) > Math.abs(Float.intBitsToFloat((int)largest.peek()[1])))
                {
                    largest.poll();
                    largest.add(new long[] {u, Float.floatToRawIntBits(w)});
                }
            }
        }
        final List<long[]> sorted = new ArrayList<>(largest);
        sorted.sort((a, b) -> Float.compare(Math.abs(Float.intBitsToFloat((int)b[1])),
            Math.abs(Float.intBitsToFloat((int)a[1]))));
        final List<Object> topList = new ArrayList<>();
        for (final long[] entry : sorted)
        {
            final Map<String, Object> item = new LinkedHashMap<>();
            item.put("feature", entry[0] + 1);
            item.put("weight", (double)Float.intBitsToFloat((int)entry[1]));
            topList.add(item);
        }
        final Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("norm", Math.sqrt(squares));
        stats.put("nonzeros", nonzeros);
        stats.put("min", dimension == 0 || min == Float.POSITIVE_INFINITY ? null : (double)min);
        stats.put("max", dimension == 0 || max == Float.NEGATIVE_INFINITY ? null : (double)max);
        stats.put("non_finite", nonFinite);
        stats.put("top", topList);
        return stats;
    }

    private static String short6(final Object value)
    {
        return value instanceof Number number ? String.format(Locale.ROOT, "%.6g", number.doubleValue()) : "-";
    }

    /** The report as text for a terminal. */
    @SuppressWarnings("unchecked")
    public static String text(final Map<String, Object> report)
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s  (format v%s, float32, dim %s)%n", report.get("file"),
            report.get("version"), report.get("dim")));
        out.append(String.format(Locale.ROOT, "state %s  command %s  epoch %s (completed %s, chunks taken %s of %s)  " +
            "step %.4g  samples %s%n", report.get("state"), report.get("command"), report.get("epoch"),
            report.get("epochs_completed"), report.get("chunks_taken"), report.get("chunk_count"),
            ((Number)report.get("step_size")).doubleValue(), report.get("samples_total")));
        out.append(String.format(Locale.ROOT, "loss %s  sync %s%s  batch %s  lambda %s  seed %s  train rows %s%n",
            report.get("loss"), report.get("sync"), !report.containsKey("lock_owner") ? "" :
                report.get("lock_owner") == null ? " (lock free)" : " (lock held by worker " + report.get("lock_owner") + ")",
            report.get("batch"), report.get("lambda"), report.get("seed"), report.get("train_rows")));
        out.append(String.format(Locale.ROOT, "coordinator pid %s (%s, heartbeat %s ms ago), started %s%n",
            report.get("coordinator_pid"), Boolean.TRUE.equals(report.get("coordinator_alive")) ? "alive" : "gone",
            report.get("coordinator_heartbeat_age_ms"), report.get("started")));
        out.append(String.format(Locale.ROOT, "%-7s %-9s %-9s %-12s %-15s %-13s %s%n", "worker", "pid", "state",
            "liveness", "heartbeat(ms)", "epoch", "samples"));
        for (final Object item : (List<Object>)report.get("workers"))
        {
            final Map<String, Object> slot = (Map<String, Object>)item;
            out.append(String.format(Locale.ROOT, "%-7s %-9s %-9s %-12s %-15s %-13s %s%n", slot.get("index"),
                slot.get("pid"), slot.get("state"), slot.get("liveness"),
                slot.get("heartbeat_age_ms") == null ? "-" : slot.get("heartbeat_age_ms"), slot.get("epoch_reached"),
                slot.get("samples")));
        }
        final Map<String, Object> stats = (Map<String, Object>)report.get("weights");
        out.append(String.format(Locale.ROOT, "weights: norm %.6g  non-zeros %s  min %s  max %s%s%n",
            ((Number)stats.get("norm")).doubleValue(), stats.get("nonzeros"), short6(stats.get("min")),
            short6(stats.get("max")),
            ((Number)stats.get("non_finite")).longValue() > 0 ? "  NON-FINITE " + stats.get("non_finite") : ""));
        final List<Object> top = (List<Object>)stats.get("top");
        if (!top.isEmpty())
        {
            out.append("top by magnitude (feature: weight):");
            for (final Object item : top)
            {
                final Map<String, Object> entry = (Map<String, Object>)item;
                out.append(String.format(Locale.ROOT, " %s:%.5g", entry.get("feature"),
                    ((Number)entry.get("weight")).doubleValue()));
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }
}
