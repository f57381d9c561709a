package io.ledgerkv.bench.raw;

import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * the sizes the store writes. Like the store's committer it bounds the bytes in flight
 * ({@code maxInflightBytes}, the store's default 8 MiB; at most 1024 entries, since thousands of
 * outstanding small adds stall in-process bookies). Score: entries per second; {@code mb} counts
 * megabytes (10^6 B) of entry payload per second.
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

    private BenchCluster cluster;
    private BookKeeper bk;
    private LedgerHandle ledger;
    private Semaphore window;
    private int windowEntries;
    private byte[][] payloads;
    private int next;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** Payload megabytes added, per second of measurement. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double mb;

        @Setup(Level.Iteration)
        public void reset() {
            mb = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        cluster = new BenchCluster(3);
        bk = cluster.rawClient();
        windowEntries = (int) Math.max(1, Math.min(1024, maxInflightBytes / entryBytes));
        window = new Semaphore(windowEntries);
        payloads = new byte[64][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = DataShape.RANDOM.generate(entryBytes, i);
        }
    }

    /** A fresh ledger per iteration, as the store rolls ledgers (not timed). */
    @Setup(Level.Iteration)
    public void newLedger() throws Exception {
        drainAndClose();
        ledger = bk.createLedger(3, 3, 2, BookKeeper.DigestType.CRC32C, BenchCluster.PASSWORD.getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public void add(Bytes bytes) throws Exception {
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("raw add failed: " + f, f);
        }
        window.acquire();
        byte[] p = payloads[next++ & 63];
        ledger.asyncAddEntry(p, (rc, lh, entryId, ctx) -> {
            if (rc != BKException.Code.OK) {
                failure.compareAndSet(null, BKException.create(rc));
            }
            window.release();
        }, null);
        bytes.mb += p.length / 1e6;
    }

    private void drainAndClose() throws Exception {
        if (ledger != null) {
            if (!window.tryAcquire(windowEntries, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("raw adds did not complete within 60 s");
            }
            window.release(windowEntries);
            ledger.close(); // kept, as the store keeps its WAL ledgers
            ledger = null;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        drainAndClose();
        bk.close();
        cluster.close();
    }
}
