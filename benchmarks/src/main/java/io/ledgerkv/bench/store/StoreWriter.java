package io.ledgerkv.bench.store;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.bench.DataShape;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Submits single-key transactions ({@code putAsync}) to a store with a bounded window of
 * outstanding commits, the way a stream task with many records in flight does; shared by the
 * throughput suites and the latency driver's saturation probe. Keys cycle over {@code keySpace}
 * (so the in-memory index stays bounded); values are drawn from a pool of distinct values of the
 * given shape.
 */
public final class StoreWriter {
    /** Acknowledged transactions of every writer in this JVM, for {@code CommitCostProfiler}. */
    private static final LongAdder ACKNOWLEDGED_IN_JVM = new LongAdder();
    private final KvStore store;
    private final byte[][] keys;
    private final byte[][] values;
    private final Semaphore window;
    private final int windowSize;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong acknowledgedBytes = new AtomicLong();
    private long next;

    public StoreWriter(KvStore store, int keySpace, int valueBytes, DataShape shape, long windowBytes) {
        this.store = store;
        this.keys = new byte[keySpace][];
        for (int i = 0; i < keySpace; i++) {
            keys[i] = key(i);
        }
        int pool = Math.max(16, Math.min(4096, (int) (16L * 1024 * 1024 / valueBytes)));
        this.values = new byte[pool][];
        for (int i = 0; i < pool; i++) {
            values[i] = shape.generate(valueBytes, 7919L * i + 1);
        }
        this.windowSize = (int) Math.max(1, windowBytes / valueBytes);
        this.window = new Semaphore(windowSize);
    }

    public static byte[] key(int i) {
        return String.format(Locale.ROOT, "user%010d", i).getBytes(StandardCharsets.US_ASCII);
    }

    /** Submits one transaction, waiting for window space first; returns the user bytes (key + value) it carries. */
    public int submit() throws InterruptedException {
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("a commit failed: " + f, f);
        }
        window.acquire();
        long n = next++;
        byte[] k = keys[(int) (n % keys.length)];
        byte[] v = values[(int) ((n * 31) % values.length)];
        var unused = store.putAsync(k, v).whenComplete((lsn, err) -> {
            if (err != null) {
                failure.compareAndSet(null, err);
            } else {
                acknowledgedBytes.addAndGet(k.length + v.length);
                acknowledged.incrementAndGet();
                ACKNOWLEDGED_IN_JVM.increment();
            }
            window.release();
        });
        return k.length + v.length;
    }

    /** Transactions whose commit was acknowledged (durable on the ack quorum) so far. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Transactions acknowledged so far to every writer in this JVM. */
    public static long acknowledgedInThisJvm() {
        return ACKNOWLEDGED_IN_JVM.sum();
    }

    /** The user bytes (key + value) of {@link #acknowledged} transactions. */
    public long acknowledgedBytes() {
        return acknowledgedBytes.get();
    }

    /** Waits until every submitted transaction has completed. */
    public void drain() throws InterruptedException {
        if (!window.tryAcquire(windowSize, 120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("commits did not complete within 120 s");
        }
        window.release(windowSize);
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("a commit failed: " + f, f);
        }
    }

    public byte[] value(long i) {
        return values[(int) (i % values.length)];
    }
}
