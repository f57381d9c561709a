package io.ledgerkv.bench.raw;

import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.bookkeeper.client.BKException;
import org.apache.bookkeeper.client.BookKeeper;
import org.apache.bookkeeper.client.LedgerHandle;
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
 * The yardstick: {@code LedgerHandle.asyncAddEntry} on the same embedded bookies, client settings
 * (throttle off, CRC32C) and quorums (ensemble 3, write 3, ack 2) as the store, with entries of
 * the sizes the store writes, timed the way the store's {@code CommitThroughputBenchmark} is. Like
 * the store's committer it bounds the bytes in flight ({@code maxInflightBytes}, the store's default
 * 8 MiB; at most 1024 entries, since thousands of outstanding small adds stall in-process bookies)
 * and rolls to a new ledger after {@code ledgerRollBytes} (the store's default 256 MiB) inside the
 * timed loop, without draining: the old ledger is closed once its last add is acknowledged, as the
 * store does. Score: adds <em>submitted</em> per second. What was made durable is in the auxiliary
 * per-second counters, counted when BookKeeper acknowledged: {@code acked} (entries) and
 * {@code mb} (megabytes, 10^6 B, of their payload); the ratios against the store use {@code mb}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", BenchCluster.LOG, BenchCluster.OPEN_NIO, BenchCluster.OPEN_SUN_NIO,
    BenchCluster.OPEN_LANG, BenchCluster.OPEN_IO})
public class RawBookKeeperBenchmark {
    @Param({"1024", "4096", "16384", "65536", "131072", "1048576"})
    public int entryBytes;

    @Param({"8388608"})
    public long maxInflightBytes;

    @Param({"268435456"})
    public long ledgerRollBytes;

    private BenchCluster cluster;
    private BookKeeper bk;
    private Ledger ledger;
    private Semaphore window;
    private int windowEntries;
    private byte[][] payloads;
    private int next;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong ackedBytes = new AtomicLong();

    /** A ledger being written, closed once it is rolled away from and its last add is acknowledged. */
    private final class Ledger {
        final LedgerHandle handle;
        final AtomicInteger outstanding = new AtomicInteger();
        volatile boolean retired;
        long bytes;

        Ledger(LedgerHandle handle) {
            this.handle = handle;
        }

        void added() {
            if (outstanding.decrementAndGet() == 0 && retired) {
                closeAsync();
            }
        }

        void retire() {
            retired = true;
            if (outstanding.get() == 0) {
                closeAsync();
            }
        }

        private final AtomicInteger closes = new AtomicInteger();

        private void closeAsync() {
            if (closes.getAndIncrement() == 0) {
                handle.asyncClose((rc, lh, ctx) -> {
                    if (rc != BKException.Code.OK) {
                        failure.compareAndSet(null, BKException.create(rc));
                    }
                }, null); // kept, as the store keeps its WAL ledgers
            }
        }
    }

    /** Acknowledged adds and payload megabytes since the iteration started, as per-second rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double mb;
        public double acked;
        private long startAcked;
        private long startBytes;

        @Setup(Level.Iteration)
        public void reset(RawBookKeeperBenchmark b) {
            startAcked = b.acked.get();
            startBytes = b.ackedBytes.get();
            mb = 0;
            acked = 0;
        }

        void update(RawBookKeeperBenchmark b) {
            acked = b.acked.get() - startAcked;
            mb = (b.ackedBytes.get() - startBytes) / 1e6;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        cluster = new BenchCluster(3);
        bk = cluster.rawClient();
        windowEntries = (int) Math.max(1, Math.min(1024, maxInflightBytes / entryBytes));
        window = new Semaphore(windowEntries);
        payloads = new byte[64][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = DataShape.RANDOM.generate(entryBytes, i);
        }
        ledger = newLedger();
    }

    private Ledger newLedger() throws Exception {
        return new Ledger(bk.createLedger(3, 3, 2, BookKeeper.DigestType.CRC32C, BenchCluster.PASSWORD.getBytes(StandardCharsets.UTF_8)));
    }

    @Benchmark
    public void add(Bytes bytes) throws Exception {
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("raw add failed: " + f, f);
        }
        if (ledger.bytes >= ledgerRollBytes) {
            Ledger old = ledger;
            ledger = newLedger();
            old.retire();
        }
        window.acquire();
        byte[] p = payloads[next++ & 63];
        Ledger l = ledger;
        l.outstanding.incrementAndGet();
        l.bytes += p.length;
        l.handle.asyncAddEntry(p, (rc, lh, entryId, ctx) -> {
            if (rc != BKException.Code.OK) {
                failure.compareAndSet(null, BKException.create(rc));
            } else {
                ackedBytes.addAndGet(p.length);
                acked.incrementAndGet();
            }
            window.release();
            l.added();
        }, null);
        bytes.update(this);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (!window.tryAcquire(windowEntries, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("raw adds did not complete within 60 s");
        }
        ledger.handle.close();
        bk.close();
        cluster.close();
    }
}
