package io.hogwild.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.hogwild.common.data.LibsvmParser;
import io.hogwild.common.data.SyntheticData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The LIBSVM reader on RCV1-shaped text (the file's size is printed at set-up: MB/s = size / time), with 1
 * thread and with every core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ParserBench
{
    @Param({"100000"})
    int rows;

    @Param({"1", "0"})
    int threads;

    private Path dir;
    private Path file;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = BenchData.tempDir();
        file = dir.resolve("bench.libsvm");
        new SyntheticData(BenchData.FEATURES, BenchData.NNZ, 2011).writeLibsvm(file, rows, 1);
        System.out.printf("%nParserBench: %s holds %,d bytes%n", file, Files.size(file));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        BenchData.delete(dir);
    }

    @Benchmark
    public long parse() throws IOException
    {
        return LibsvmParser.parse(file, threads == 0 ? Runtime.getRuntime().availableProcessors() : threads).nnz();
    }
}
