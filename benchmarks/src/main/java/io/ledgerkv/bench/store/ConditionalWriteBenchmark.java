package io.ledgerkv.bench.store;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a conditional write costs: blocking single-key commits from 8 client threads, each thread on
 * its own keys, as a plain {@code put}, as a {@code replace} at the version just read
 * ({@code getWithVersion} + compare-and-set) and as an {@code increment}. Plain puts from many
 * threads share WAL entries (group commit); a conditional transaction first waits until everything
 * before it is applied, so conditional commits go one round trip at a time. Not part of the
 * presets; run by hand (benchmarks/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(8)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", BenchCluster.LOG, BenchCluster.OPEN_NIO, BenchCluster.OPEN_SUN_NIO,
    BenchCluster.OPEN_LANG, BenchCluster.OPEN_IO})
public class ConditionalWriteBenchmark {
    @Param({"100"})
    public int valueBytes;

    private BenchCluster cluster;
    private KvStore store;
    private byte[] value;
    private final AtomicInteger threadIds = new AtomicInteger();

    /** One key per client thread, so that replaces do not conflict: the cost measured is the pipeline drain alone. */
    @State(Scope.Thread)
    public static class Client {
        byte[] key;
        byte[] counter;

        @Setup(Level.Trial)
        public void setUp(ConditionalWriteBenchmark b) {
            int id = b.threadIds.getAndIncrement();
            key = StoreWriter.key(id);
            counter = StoreWriter.key(1_000_000 + id);
            b.store.put(key, b.value);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        cluster = new BenchCluster(3);
        store = cluster.client().open("conditional", BenchCluster.storeConfig().build());
        value = DataShape.JSON.generate(valueBytes, 1);
    }

    @Benchmark
    public Object put(Client c) {
        return store.put(c.key, value);
    }

    @Benchmark
    public Object replace(Client c) {
        return store.replace(c.key, store.getWithVersion(c.key).version(), value);
    }

    @Benchmark
    public long increment(Client c) {
        return store.increment(c.counter, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        cluster.close();
    }
}
