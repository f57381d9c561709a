package io.ledgerkv.bench.store;

import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import io.ledgerkv.bench.EncodeSlowdown;
import io.ledgerkv.bench.run.CommitCostProfiler;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.store.BookKeeperStore;
import io.ledgerkv.txn.WriterHooks;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The commit path's cost per transaction at a fixed offered rate, for the regression gate: single-key
 * {@code putAsync} transactions submitted on a schedule of {@code rate} per second (below saturation
 * on 2 cores, so every fork runs the same regime: the same batching, the same wake-ups), with
 * {@link CommitCostProfiler} (the presets add it) measuring the client-side CPU ns and allocated
 * bytes per acknowledged transaction. Automatic checkpoints are off: this is the commit path alone.
 *
 * <p>Why not {@link CommitThroughputBenchmark}: in a closed loop the store runs as fast as the
 * in-process bookies let it, and how fast that is moves from one iteration to the next (40 – 67 k
 * transactions/s within one fork here); the CPU per transaction follows it (a slower iteration
 * batches less and wakes threads more often), 6 – 12 µs per transaction within one fork. At a fixed
 * rate that cause is gone. Score: transactions submitted per second, which should equal
 * {@code rate}; less means the store fell behind the schedule (the writer's 16 MiB window filled)
 * and did not catch up by the end of the iteration, so the costs were measured at saturation after
 * all. A store that fell behind and caught up within an iteration still scores {@code rate}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// 8 warm-ups, as the gate preset runs it: after 3 the first measured iterations of a fork still cost more
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", BenchCluster.LOG, BenchCluster.OPEN_NIO, BenchCluster.OPEN_SUN_NIO,
    BenchCluster.OPEN_LANG, BenchCluster.OPEN_IO})
public class CommitCostBenchmark {
    /** Transactions offered per second. */
    @Param({"20000"})
    public int rate;

    @Param({"1024"})
    public int valueBytes;

    @Param({"NONE"})
    public CodecType codec;

    private BenchCluster cluster;
    private BookKeeperStore store;
    private StoreWriter writer;
    private WriterHooks hooks;
    private long intervalNanos;
    private long next;

    @Setup(Level.Trial)
    public void setUp() {
        cluster = new BenchCluster(3);
        hooks = EncodeSlowdown.hooks();
        StoreConfig cfg = BenchCluster.storeConfig().codec(codec).checkpointEveryBytes(0).build();
        store = cluster.client().open("cost", cfg, hooks);
        writer = new StoreWriter(store, 50_000, valueBytes, DataShape.JSON, 16L * 1024 * 1024);
        intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    }

    @Setup(Level.Iteration)
    public void startSchedule() {
        next = System.nanoTime();
    }

    @Benchmark
    public void commit() throws InterruptedException {
        long now = System.nanoTime();
        if (next - now > TimeUnit.MILLISECONDS.toNanos(1)) {
            // park only once the schedule is 1 ms ahead, so transactions go out in bursts of about
            // rate / 1000 with a park between: a park per transaction would cost more than the transaction
            LockSupport.parkNanos(next - now);
        }
        next += intervalNanos;
        writer.submit();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        CommitCostProfiler.endOfMeasurement();
        EncodeSlowdown.stop(hooks);
        writer.drain();
        store.close();
        cluster.close();
    }
}
