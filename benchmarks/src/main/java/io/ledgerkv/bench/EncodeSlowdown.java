package io.ledgerkv.bench;

import io.ledgerkv.bench.store.StoreWriter;
import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.WalEntry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The knob that proves the commit-path gate works: with {@code -Dledgerkv.bench.encodeSlowdown=0.10}
 * ({@code ledgerkv bench --encode-slowdown 0.10}), the committer thread burns extra CPU right after
 * it encodes each WAL entry, sized so that the store's own CPU per transaction (the caller's and the
 * {@code ledgerkv-*} threads', {@code ·cost.cpu.own} of {@code CommitCostProfiler}, which the gate
 * judges) grows by {@code s / (1 - s)} (11.1 % for 0.10): a commit path bound by that CPU would
 * lose {@code s} of its throughput, the same meaning {@link Slowdown} gives its fraction. Off by default; benchmarks pass {@link #hooks()} when they
 * open the store.
 *
 * <p>Sizing: a sampler thread of its own (not one of the store's, so its work is not counted) reads
 * the store's own CPU time ({@link ClientThreads.Usage#ownCpuNanos()}) and the acknowledged
 * transactions ({@link StoreWriter}) every {@value #SAMPLE_MILLIS} ms and keeps an estimate of the
 * CPU per transaction <em>without</em> the burn (the committer times each burn with its own thread
 * CPU clock, and the sampler takes that out). Each entry then owes {@code s / (1 - s)} of that
 * estimate per transaction it carries, in CPU nanoseconds, paid in {@link Blackhole#consumeCPU}
 * tokens; what a burn actually cost, on the committer's CPU clock, is what is taken off the debt,
 * so the added CPU is exact whatever a token costs. Until the first estimate it burns nothing. A
 * first version sampled on the committer thread itself every 32 entries: the sampling's own CPU
 * and allocation (reading ~150 threads' counters) added to the burn, and the store's CPU per
 * transaction grew by 30 %, not 11 %.
 */
public final class EncodeSlowdown extends WriterHooks {
    public static final double FRACTION = Double.parseDouble(System.getProperty("ledgerkv.bench.encodeSlowdown", "0"));
    static final int SAMPLE_MILLIS = 250;
    private static final double SMOOTHING = 0.3;
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private final double factor;
    private final AtomicLong burntNanos = new AtomicLong();
    /** The store's own CPU ns per transaction without the burn; NaN until the sampler has one. */
    private volatile double cpuPerTxn = Double.NaN;
    private long lastFirstSeq = -1;
    private double owedNanos;
    private double nanosPerToken = 1;
    private volatile boolean stopped;

    static {
        if (FRACTION < 0 || FRACTION >= 1) {
            throw new IllegalArgumentException("ledgerkv.bench.encodeSlowdown must be in [0, 1), got " + FRACTION);
        }
    }

    private EncodeSlowdown(double fraction) {
        this.factor = fraction / (1 - fraction);
        Thread sampler = new Thread(this::sample, "bench-encode-slowdown-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** The hooks a commit benchmark opens its store with: this knob when it is on, else none. */
    public static WriterHooks hooks() {
        if (FRACTION == 0) {
            return WriterHooks.NONE;
        }
        if (!ClientThreads.supported()) {
            throw new IllegalStateException("ledgerkv.bench.encodeSlowdown needs per-thread CPU time, which this JVM lacks");
        }
        return new EncodeSlowdown(FRACTION);
    }

    /** Stops the sampler of {@code hooks} if it is this knob (a trial's tear-down calls it); a no-op otherwise. */
    public static void stop(WriterHooks hooks) {
        if (hooks instanceof EncodeSlowdown e) {
            e.stopped = true;
        }
    }

    /** Called on the committer thread right after it encoded an entry (only entries that end transactions count). */
    @Override
    public void beforeSubmit(WalEntry.Type type, long firstSeq, int partIndex) {
        if (type != WalEntry.Type.BATCH && type != WalEntry.Type.TXN_COMMIT) {
            return;
        }
        long txns = lastFirstSeq < 0 ? 0 : Math.max(0, firstSeq - lastFirstSeq);
        lastFirstSeq = firstSeq;
        double perTxn = cpuPerTxn;
        if (Double.isNaN(perTxn) || txns == 0) {
            return;
        }
        owedNanos += factor * perTxn * txns;
        long tokens = (long) (owedNanos / nanosPerToken);
        if (tokens <= 0) {
            return;
        }
        long c0 = MX.getCurrentThreadCpuTime();
        Blackhole.consumeCPU(tokens);
        long spent = MX.getCurrentThreadCpuTime() - c0;
        owedNanos -= spent;
        burntNanos.addAndGet(spent);
        if (tokens >= 64 && spent > 0) {
            nanosPerToken += SMOOTHING * ((double) spent / tokens - nanosPerToken);
        }
    }

    private void sample() {
        ClientThreads.Snapshot last = ClientThreads.take();
        long lastAcked = StoreWriter.acknowledgedInThisJvm();
        long lastBurnt = burntNanos.get();
        while (!stopped) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS));
            ClientThreads.Snapshot now = ClientThreads.take();
            long acked = StoreWriter.acknowledgedInThisJvm();
            long burnt = burntNanos.get();
            if (acked > lastAcked) {
                double cpu = ClientThreads.between(last, now).ownCpuNanos() - (burnt - lastBurnt);
                double perTxn = Math.max(0, cpu / (acked - lastAcked));
                double was = cpuPerTxn;
                cpuPerTxn = Double.isNaN(was) ? perTxn : was + SMOOTHING * (perTxn - was);
            }
            last = now;
            lastAcked = acked;
            lastBurnt = burnt;
        }
    }
}
