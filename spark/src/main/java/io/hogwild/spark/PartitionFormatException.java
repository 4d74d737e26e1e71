package io.hogwild.spark;

/**
 * A LIBSVM line that a Spark task could not read. A task knows its partition and the line within it;
 * the driver turns that into the file's line number ({@link SparkData#lineOf}).
 */
public final class PartitionFormatException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int partition;
    private final long lineInPartition;
    private final String problem;

    public PartitionFormatException(final String source, final int partition, final long lineInPartition,
        final String problem)
    {
        super(source + " (partition " + partition + ", line " + lineInPartition + " of it): " + problem);
        this.source = source;
        this.partition = partition;
        this.lineInPartition = lineInPartition;
        this.problem = problem;
    }

    public String source()
    {
        return source;
    }

    public int partition()
    {
        return partition;
    }

    public long lineInPartition()
    {
        return lineInPartition;
    }

    public String problem()
    {
        return problem;
    }
}
