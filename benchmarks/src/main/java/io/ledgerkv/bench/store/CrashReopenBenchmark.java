package io.ledgerkv.bench.store;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import io.ledgerkv.store.BookKeeperStore;
import io.ledgerkv.store.DefaultLedgerKv;
import io.ledgerkv.txn.WriterHooks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Failover as a task failure costs it: a writer that wrote {@code history} transactions is
 * crashed (no flush, no ledger close: {@link DefaultLedgerKv#crash()}), and a new client opens
 * the store as writer until it serves a read: claim the epoch, recover (fence) the crashed
 * writer's open ledger, load the newest checkpoint, replay the WAL after it, start a ledger.
 *
 * <p>Each transaction puts {@value #KEYS_PER_TXN} of {@value #KEYS} keys (100-byte JSON-like
 * values; about 470 bytes of WAL), {@value #IN_FLIGHT} transactions in flight, so the state stays
 * the same size (about 2.3 MB) whatever the history. {@code checkpoints}: {@code default} is
 * {@code StoreConfig}'s defaults (automatic checkpoints on), {@code off} sets
 * {@code checkpointEveryBytes(0)}. Before the crash the writer is left to finish a checkpoint that
 * is due ({@code crash=settled}) or not ({@code crash=writing}).
 * Every measured open replaces a crashed writer: each iteration's writer writes
 * {@value #TXNS_BEFORE_EACH_CRASH} more transactions in its tear-down and is crashed, and the next
 * iteration's open recovers the ledger it was writing. One line per open goes to stdout with what
 * the replay read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", BenchCluster.LOG, BenchCluster.OPEN_NIO, BenchCluster.OPEN_SUN_NIO,
    BenchCluster.OPEN_LANG, BenchCluster.OPEN_IO})
public class CrashReopenBenchmark {
    static final int KEYS = 20_000;
    static final int KEYS_PER_TXN = 4;
    static final int IN_FLIGHT = 256;
    static final int TXNS_BEFORE_EACH_CRASH = 100;

    @Param({"10000", "50000", "100000", "200000", "400000", "1000000"})
    public int history;

    @Param({"default", "off"})
    public String checkpoints;

    /**
     * When the first writer dies: {@code writing}, as soon as its last transaction is acknowledged
     * (a scheduled checkpoint may be running and dies with it: a failure at any moment);
     * {@code settled}, once no checkpoint is due or running (the WAL after the newest one is below
     * the threshold).
     */
    @Param({"writing", "settled"})
    public String crash;

    private BenchCluster cluster;
    private StoreConfig cfg;
    private DefaultLedgerKv successor;
    private BookKeeperStore opened;
    private final String store = "crash-reopen";
    private final byte[] probeKey = key(KEYS / 2);

    private final byte[] value = DataShape.JSON.generate(100, 1);
    private long written;

    private static byte[] key(long k) {
        return String.format("key-%08d", k).getBytes(StandardCharsets.UTF_8);
    }

    /** Transaction {@code t}: the next {@value #KEYS_PER_TXN} keys round robin, values tagged with t. */
    private List<KvEntry> transaction(long t) {
        List<KvEntry> batch = new ArrayList<>(KEYS_PER_TXN);
        for (int j = 0; j < KEYS_PER_TXN; j++) {
            byte[] v = value.clone();
            v[0] = (byte) t;
            batch.add(new KvEntry(key((t * KEYS_PER_TXN + j) % KEYS), v));
        }
        return batch;
    }

    @Setup(Level.Trial)
    public void setUp() {
        cluster = new BenchCluster(3);
        cfg = BenchCluster.checkpoints(BenchCluster.storeConfig(), checkpoints).build();
        DefaultLedgerKv writer = cluster.newClient();
        BookKeeperStore s = writer.open(store, cfg, WriterHooks.NONE);
        long t0 = System.nanoTime();
        ArrayDeque<CompletableFuture<Lsn>> inFlight = new ArrayDeque<>();
        for (int t = 0; t < history; t++) {
            inFlight.add(s.putAllAsync(transaction(written++)));
            if (inFlight.size() >= IN_FLIGHT) {
                inFlight.poll().join();
            }
        }
        inFlight.forEach(CompletableFuture::join);
        long writeMs = (System.nanoTime() - t0) / 1_000_000;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (crash.equals("settled") && (s.checkpointRunning() || s.walBytesSinceCheckpoint() >= cfg.checkpointThresholdBytes(s.liveBytes()))
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        System.out.printf("%nsetup history=%d checkpoints=%s crash=%s: wrote %d txns in %d ms, %d WAL bytes (lifetime), "
                        + "%d since the newest checkpoint, checkpoints %s (running: %s), live state %d bytes%n", history, checkpoints,
                crash, history,
                writeMs, s.writeStats().logicalBytes(), s.walBytesSinceCheckpoint(),
                s.checkpoints().stream().map(c -> c.id() + "@" + c.txnSeq()).toList(), s.checkpointRunning(), s.liveBytes());
        writer.crash();
    }

    @Setup(Level.Iteration)
    public void newSuccessor() {
        successor = cluster.newClient();
    }

    @Benchmark
    public long reopenAfterCrash() {
        opened = successor.open(store, cfg, WriterHooks.NONE);
        byte[] v = opened.get(probeKey);
        return opened.keyCount() + (v == null ? 0 : v.length);
    }

    /** Reports what the open replayed; then the writer this iteration opened dies the way its predecessor did. */
    @TearDown(Level.Iteration)
    public void crashSuccessor() {
        BookKeeperStore.ReplayStats rs = opened.replayStats();
        long fromSeq = opened.checkpoints().stream().filter(c -> c.id() == rs.checkpointId()).mapToLong(c -> c.txnSeq())
                .findFirst().orElse(0);
        System.out.printf("%nreopen history=%d checkpoints=%s crash=%s: checkpoint %d, replayed %d entries, %d WAL bytes, %d txns; "
                + "replay %d ms%n", history, checkpoints, crash, rs.checkpointId(), rs.entries(), rs.logicalBytes(),
                rs.transactions() - fromSeq, rs.millis());
        // The next open must recover a ledger a writer was writing to, as after a real task failure.
        List<CompletableFuture<Lsn>> last = new ArrayList<>();
        for (int t = 0; t < TXNS_BEFORE_EACH_CRASH; t++) {
            last.add(opened.putAllAsync(transaction(written++)));
        }
        last.forEach(CompletableFuture::join);
        successor.crash();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cluster.close();
    }
}
