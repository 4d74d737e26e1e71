package io.hogwild.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.hogwild.common.data.CsrChunk;
import io.hogwild.common.data.LibsvmFormatException;
import io.hogwild.common.data.LibsvmParser;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * LIBSVM text read by Spark from any path it reads, parsed once per partition into a cached {@link Shard}
 * with the same parser as {@code convert} (so the same lines are accepted and refused), and numbered so
 * that the validation split is the one {@code train} takes from the same file.
 *
 * @param source   the path or URI given
 * @param shards   one per partition, cached in executor memory
 * @param rows     rows in all
 * @param nnz      non-zeros in all
 * @param maxIndex the largest 0-based feature index, or -1
 * @param squaredNorms the sum over rows of ||x||^2 (for the auto step size)
 */
public record SparkData(String source, JavaRDD<Shard> shards, long rows, long nnz, int maxIndex, double squaredNorms)
{
    /**
     * Reads {@code source} into about {@code partitions} partitions (fewer for a small file; 0 takes Spark's
     * default).
     *
     * @throws LibsvmFormatException naming the file and its line when a line cannot be read, or the file as
     *                               a whole when it is missing or holds no rows
     */
    public static SparkData load(final JavaSparkContext context, final String source, final int partitions)
    {
        checkLocal(source);
        final int wanted = partitions > 0 ? partitions : context.defaultParallelism();
        JavaRDD<String> lines;
        try
        {
            lines = context.textFile(source, wanted);
            if (lines.getNumPartitions() > wanted)
            {
                lines = lines.coalesce(wanted); // keeps the order of the lines, so row numbers stay the file's
            }
        }
        catch (final RuntimeException ex)
        {
            throw new LibsvmFormatException(Path.of(source), 0, "cannot be read: " + ex.getMessage());
        }
        final JavaRDD<String> text = lines;
        final JavaRDD<CsrChunk> chunks = text.mapPartitionsWithIndex((partition, it) ->
        {
            final CsrChunk chunk = new CsrChunk();
            long line = 0;
            while (it.hasNext())
            {
                line++;
                try
                {
                    LibsvmParser.parseLine(null, line, it.next(), chunk);
                }
                catch (final LibsvmFormatException ex)
                {
                    throw new PartitionFormatException(source, partition, line, ex.problem());
                }
            }
            return List.of(chunk).iterator();
        }, true).persist(StorageLevel.MEMORY_ONLY());

        final List<long[]> counts;
        try
        {
            counts = chunks.map(c ->
            {
                double squares = 0;
                for (int k = 0; k < c.nnz(); k++)
                {
                    squares += (double)c.value(k) * c.value(k);
                }
                return new long[] {c.rows(), c.nnz(), c.maxIndex(), Double.doubleToRawLongBits(squares)};
            }).collect();
        }
        catch (final Exception ex) // a task's failure arrives as SparkException, which Java sees unchecked
        {
            chunks.unpersist(false);
            throw translate(ex, text, source);
        }
        final long[] firstRows = new long[counts.size()];
        long rows = 0;
        long nnz = 0;
        int maxIndex = -1;
        double squaredNorms = 0;
        for (int p = 0; p < counts.size(); p++)
        {
            firstRows[p] = rows;
            rows += counts.get(p)[0];
            nnz += counts.get(p)[1];
            maxIndex = Math.max(maxIndex, (int)counts.get(p)[2]);
            squaredNorms += Double.longBitsToDouble(counts.get(p)[3]);
        }
        if (rows == 0)
        {
            chunks.unpersist(false);
            throw new LibsvmFormatException(Path.of(source), 0, "holds no rows");
        }
        final JavaRDD<Shard> shards = chunks.mapPartitionsWithIndex((partition, it) ->
            List.of(new Shard(firstRows[partition], it.next())).iterator(), true)
            .persist(StorageLevel.MEMORY_ONLY());
        shards.count();
        chunks.unpersist(false);
        return new SparkData(source, shards, rows, nnz, maxIndex, squaredNorms);
    }

    /** Releases the cached partitions. */
    public void release()
    {
        shards.unpersist(false);
    }

    /** A missing local file is named at once, not after Spark's stack of Hadoop errors. */
    private static void checkLocal(final String source)
    {
        final String local = source.startsWith("file://") ? source.substring("file://".length()) :
            source.contains("://") ? null : source;
        if (local != null && !local.contains("*") && !Files.exists(Path.of(local)))
        {
            throw new LibsvmFormatException(Path.of(local), 0, "no such file");
        }
    }

    /** A task's parse failure, as the file's line: counts the lines of the partitions before it. */
    private static RuntimeException translate(final Exception failure, final JavaRDD<String> text,
        final String source)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof PartitionFormatException bad)
            {
                final int partition = bad.partition();
                final long before = text.mapPartitionsWithIndex((p, it) ->
                {
                    long n = 0;
                    if (p < partition)
                    {
                        for (; it.hasNext(); it.next())
                        {
                            n++;
                        }
                    }
                    return List.of(n).iterator();
                }, true).reduce(Long::sum);
                return new LibsvmFormatException(Path.of(source), before + bad.lineInPartition(), bad.problem());
            }
        }
        final List<String> messages = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            messages.add(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
        return new LibsvmFormatException(Path.of(source), 0, "cannot be read: " + messages.get(messages.size() - 1));
    }
}
