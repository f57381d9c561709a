package io.ledgerkv.bench.store;

import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import io.ledgerkv.bench.EncodeSlowdown;
import io.ledgerkv.bench.Slowdown;
import io.ledgerkv.bench.run.CommitCostProfiler;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.store.BookKeeperStore;
import io.ledgerkv.txn.WriterHooks;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Durable commit throughput: single-key transactions ({@code putAsync}) with up to 16 MiB of them
 * outstanding, grouped by the committer into WAL entries of at most {@code batchBytes}, over codec x
 * batch limit x value size x data shape. Score: transactions <em>submitted</em> per second (each
 * invocation submits one; the 16 MiB window keeps submissions at most that far ahead of
 * acknowledgements). What was made durable is in the auxiliary per-second counters, all counted
 * when BookKeeper acknowledged: {@code committed} (transactions), {@code userMB} (their key + value
 * bytes), {@code walMB} (WAL bytes before compression), {@code storedMB} (bytes handed to
 * BookKeeper), {@code entries} (WAL entries); {@code storedMB / walMB} is the stored bytes per
 * logical byte. The ratios against raw BookKeeper use {@code userMB}, acknowledged on both sides.
 * With {@code -prof io.ledgerkv.bench.run.CommitCostProfiler} (the presets add it) each iteration
 * also reports the client-side CPU ns and allocated bytes per acknowledged transaction, as
 * information: the regression gate judges them on {@link CommitCostBenchmark} only, since here they
 * follow the iteration's throughput. {@code -Dledgerkv.bench.encodeSlowdown=0.10} slows the
 * encode path ({@link EncodeSlowdown}) here as well.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", BenchCluster.LOG, BenchCluster.OPEN_NIO, BenchCluster.OPEN_SUN_NIO,
    BenchCluster.OPEN_LANG, BenchCluster.OPEN_IO})
public class CommitThroughputBenchmark {
    @Param({"NONE", "LZ4", "ZSTD"})
    public CodecType codec;

    @Param({"4096", "131072", "1048576"})
    public int batchBytes;

    @Param({"100", "1024", "4096"})
    public int valueBytes;

    @Param({"JSON", "RANDOM"})
    public DataShape shape;

    /**
     * Automatic checkpoints: {@code default} (on, as a user gets them: with 50 k keys of 1 KiB each
     * checkpoint writes the whole ~51 MB state once per ~25 MB of WAL) or {@code off} (the commit
     * path alone; what the regression gate measures, since a checkpoint landing in one iteration and
     * not the next scatters the per-transaction costs).
     */
    @Param({"default"})
    public String checkpoints;

    private BenchCluster cluster;
    private BookKeeperStore store;
    private StoreWriter writer;
    private WriterHooks hooks;

    /** Per-second rates, from the store's own counters at the end of each invocation. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public double committed;
        public double userMB;
        public double walMB;
        public double storedMB;
        public double entries;
        private BookKeeperStore.WriteStats start;
        private BookKeeperStore store;
        private StoreWriter writer;
        private long startCommitted;
        private long startUserBytes;

        @Setup(Level.Iteration)
        public void reset(CommitThroughputBenchmark b) {
            store = b.store;
            writer = b.writer;
            start = store.writeStats();
            startCommitted = writer.acknowledged();
            startUserBytes = writer.acknowledgedBytes();
            committed = 0;
            userMB = 0;
            walMB = 0;
            storedMB = 0;
            entries = 0;
        }

        void update() {
            committed = writer.acknowledged() - startCommitted;
            userMB = (writer.acknowledgedBytes() - startUserBytes) / 1e6;
            BookKeeperStore.WriteStats now = store.writeStats();
            walMB = (now.logicalBytes() - start.logicalBytes()) / 1e6;
            storedMB = (now.storedBytes() - start.storedBytes()) / 1e6;
            entries = now.entries() - start.entries();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        cluster = new BenchCluster(3);
        hooks = EncodeSlowdown.hooks();
        StoreConfig cfg = BenchCluster.checkpoints(BenchCluster.storeConfig().codec(codec).maxBatchBytes(batchBytes)
                .maxBatchTxns(1 << 20), checkpoints).build();
        store = cluster.client().open("commit", cfg, hooks);
        writer = new StoreWriter(store, 50_000, valueBytes, shape, 16L * 1024 * 1024);
    }

    @Benchmark
    public void commit(Rates rates) throws InterruptedException {
        long t0 = Slowdown.start();
        writer.submit();
        rates.update();
        Slowdown.end(t0);
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
