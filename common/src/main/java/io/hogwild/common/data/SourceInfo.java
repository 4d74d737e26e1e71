package io.hogwild.common.data;

/**
 * What a dataset file remembers of the text it was converted from, to tell whether its cache is stale.
 *
 * @param length     the source's length in bytes
 * @param modifiedMs its last-modified time
 * @param checksum   a checksum of its bytes (see {@link LibsvmParser}), 0 for generated data
 */
public record SourceInfo(long length, long modifiedMs, long checksum)
{
    public static final SourceInfo GENERATED = new SourceInfo(0, 0, 0);
}
