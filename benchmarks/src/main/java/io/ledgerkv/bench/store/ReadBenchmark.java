package io.ledgerkv.bench.store;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import io.ledgerkv.bench.Slowdown;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reads served by the store's local index (in memory) against the bare map doing the same
 * lookups: a {@code ConcurrentSkipListMap<byte[], byte[]>} ordered by unsigned bytes, the structure
 * the index is built on, holding the same keys and values. {@code get} looks up a random existing
 * key (the store returns a copy of the value, as its API promises); {@code range} reads the
 * {@code scanLength} entries from a random key on. Target: store get at least 0.8x the map's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", BenchCluster.LOG, BenchCluster.OPEN_NIO, BenchCluster.OPEN_SUN_NIO,
    BenchCluster.OPEN_LANG, BenchCluster.OPEN_IO})
public class ReadBenchmark {
    @Param({"100000"})
    public int keys;

    @Param({"100"})
    public int valueBytes;

    @Param({"100"})
    public int scanLength;

    private BenchCluster cluster;
    private KvStore store;
    private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private byte[][] keyArray;

    /** Each thread's own key sequence. */
    @State(Scope.Thread)
    public static class Keys {
        private final SplittableRandom random = new SplittableRandom(42);
        long blocks;

        int next(int n) {
            return random.nextInt(n);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        cluster = new BenchCluster(3);
        store = cluster.client().open("reads", BenchCluster.storeConfig().build());
        keyArray = new byte[keys][];
        for (int base = 0; base < keys; base += 1000) {
            List<KvEntry> batch = new ArrayList<>(1000);
            for (int i = base; i < Math.min(keys, base + 1000); i++) {
                keyArray[i] = StoreWriter.key(i);
                byte[] v = DataShape.JSON.generate(valueBytes, i);
                batch.add(new KvEntry(keyArray[i], v));
                map.put(keyArray[i].clone(), v.clone());
            }
            store.putAll(batch);
        }
    }

    @Benchmark
    public byte[] storeGet(Keys k) {
        long t0 = Slowdown.start();
        byte[] v = store.get(keyArray[k.next(keys)]);
        Slowdown.end(t0);
        return v;
    }

    @Benchmark
    public byte[] mapGet(Keys k) {
        return map.get(keyArray[k.next(keys)]);
    }

    /**
     * Store get and map get side by side in the same fork, one thread each: the ratio of the two,
     * taken fork by fork, cancels what a fork's JIT, memory layout and the machine's moment do to
     * both (the regression gate's paired ratio, {@code store get / map get, same fork}).
     */
    @Benchmark
    @Group("getPair")
    @GroupThreads(1)
    public byte[] pairStoreGet(Keys k) {
        return storeGet(k);
    }

    @Benchmark
    @Group("getPair")
    @GroupThreads(1)
    public byte[] pairMapGet(Keys k) {
        return mapGet(k);
    }

    /** Nanoseconds spent in each side's blocks of {@link #getInterleaved}, summed per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class BlockNanos {
        public long storeNanos;
        public long mapNanos;

        @Setup(Level.Iteration)
        public void reset() {
            storeNanos = 0;
            mapNanos = 0;
        }
    }

    /** Gets per timed block in {@link #getInterleaved}: two clock reads per 32 gets. */
    static final int BLOCK = 32;

    /**
     * Store get and map get interleaved in one thread: each invocation times a block of
     * {@value #BLOCK} store gets and a block of {@value #BLOCK} map gets (the order alternating), so
     * both sides see the same moment of the machine, the same core and the same other threads; one
     * core stays free for the cluster's and JMH's own threads. The gate's ratio is
     * {@code mapNanos / storeNanos} per fork (store get throughput over map get throughput).
     * The {@code getPair} group ({@link #pairStoreGet}, {@link #pairMapGet}) runs the two sides on two
     * threads at once and its per-fork ratio spread 23-28 % over 20 forks; this variant exists to
     * narrow that.
     */
    @Benchmark
    public void getInterleaved(Keys k, BlockNanos n, Blackhole bh) {
        boolean storeFirst = (k.blocks++ & 1) == 0;
        for (int side = 0; side < 2; side++) {
            boolean store = storeFirst == (side == 0);
            long t0 = System.nanoTime();
            for (int i = 0; i < BLOCK; i++) {
                bh.consume(store ? storeGet(k) : mapGet(k));
            }
            long spent = System.nanoTime() - t0;
            if (store) {
                n.storeNanos += spent;
            } else {
                n.mapNanos += spent;
            }
        }
    }

    @Benchmark
    public void storeRange(Keys k, Blackhole bh) {
        long t0 = Slowdown.start();
        try (KvIterator it = store.range(keyArray[k.next(keys)], null)) {
            for (int i = 0; i < scanLength && it.hasNext(); i++) {
                bh.consume(it.next());
            }
        }
        Slowdown.end(t0);
    }

    @Benchmark
    public void mapRange(Keys k, Blackhole bh) {
        Iterator<Map.Entry<byte[], byte[]>> it = map.tailMap(keyArray[k.next(keys)], true).entrySet().iterator();
        for (int i = 0; i < scanLength && it.hasNext(); i++) {
            bh.consume(it.next());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        cluster.close();
    }
}
