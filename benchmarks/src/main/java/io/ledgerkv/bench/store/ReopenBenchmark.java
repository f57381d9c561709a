package io.ledgerkv.bench.store;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import io.ledgerkv.store.DefaultLedgerKv;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Reopen (failover) time of a writer: claim the epoch, recover the last ledger, load the newest
 * checkpoint if any, replay the WAL after it, create a ledger. The state is {@code keys} keys of
 * 100-byte JSON-like values, each written {@code history} times; with {@code checkpoint} the store
 * checkpointed after the last write. Without a checkpoint reopen time grows with the WAL (keys x
 * history); with one it should depend on the state size only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", BenchCluster.LOG, BenchCluster.OPEN_NIO, BenchCluster.OPEN_SUN_NIO,
    BenchCluster.OPEN_LANG, BenchCluster.OPEN_IO})
public class ReopenBenchmark {
    @Param({"10000", "50000", "200000"})
    public int keys;

    @Param({"1", "4"})
    public int history;

    @Param({"false", "true"})
    public boolean checkpoint;

    private BenchCluster cluster;
    private DefaultLedgerKv client;
    private StoreConfig cfg;
    private final String store = "reopen";

    @Setup(Level.Trial)
    public void setUp() {
        cluster = new BenchCluster(3);
        // checkpointEveryBytes(0): the only checkpoint is the one `checkpoint` asks for (automatic ones are on by default).
        cfg = BenchCluster.storeConfig().ledgerRollBytes(64L * 1024 * 1024).checkpointEveryBytes(0).build();
        byte[] value = DataShape.JSON.generate(100, 1);
        try (KvStore s = cluster.client().open(store, cfg)) {
            for (int round = 0; round < history; round++) {
                for (int base = 0; base < keys; base += 1000) {
                    List<KvEntry> batch = new ArrayList<>(1000);
                    for (int k = base; k < Math.min(keys, base + 1000); k++) {
                        byte[] v = value.clone();
                        v[0] = (byte) round;
                        batch.add(new KvEntry(String.format("key-%08d", k).getBytes(StandardCharsets.UTF_8), v));
                    }
                    s.putAll(batch);
                }
            }
            if (checkpoint) {
                s.checkpoint();
            }
        }
        client = cluster.newClient();
    }

    @Benchmark
    public long reopen() {
        try (KvStore s = client.open(store, cfg)) {
            return s.keyCount();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        cluster.close();
    }
}
