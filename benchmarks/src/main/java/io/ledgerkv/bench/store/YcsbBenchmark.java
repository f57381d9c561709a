package io.ledgerkv.bench.store;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Txn;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import io.ledgerkv.bench.Slowdown;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.distribution.ZipfDistribution;
import org.apache.commons.math3.random.Well19937c;
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
 * YCSB core workloads on the store, so users can compare with numbers they know: A (50 % read,
 * 50 % update), B (95/5), C (read only), F (50 % read, 50 % read-modify-write in one transaction).
 * {@code records} records of 1000 bytes (YCSB's 10 fields of 100 bytes, here JSON-like), keys
 * chosen by YCSB's scrambled zipfian (constant 0.99). Updates are synchronous durable commits, as a
 * YCSB client's would be; 16 client threads, so group commit has something to group. Score:
 * operations per second over all threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(16)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", BenchCluster.LOG, BenchCluster.OPEN_NIO, BenchCluster.OPEN_SUN_NIO,
    BenchCluster.OPEN_LANG, BenchCluster.OPEN_IO})
public class YcsbBenchmark {
    /** Workload letter: A, B, C or F. */
    @Param({"A", "B", "C", "F"})
    public String workload;

    @Param({"50000"})
    public int records;

    private static final int FIELD_BYTES = 1000;
    private BenchCluster cluster;
    private KvStore store;
    private byte[][] keys;
    private byte[][] values;
    private int readPercent;

    /** One client thread: its own zipfian key chooser and operation mix. */
    @State(Scope.Thread)
    public static class Client {
        private ZipfDistribution zipf;
        private SplittableRandom random;
        private int n;

        @Setup(Level.Trial)
        public void setUp(YcsbBenchmark b) {
            n = b.records;
            long seed = Thread.currentThread().getId();
            zipf = new ZipfDistribution(new Well19937c(seed), n, 0.99);
            random = new SplittableRandom(seed);
        }

        /** YCSB's ScrambledZipfianGenerator: a zipfian rank, hashed (FNV-1a 64) so hot keys spread over the key space. */
        int nextKey() {
            long rank = zipf.sample();
            long h = 0xCBF29CE484222325L;
            for (int i = 0; i < 8; i++) {
                h ^= (rank >>> (i * 8)) & 0xFF;
                h *= 0x100000001B3L;
            }
            return (int) Math.floorMod(h, (long) n);
        }

        boolean read(int readPercent) {
            return random.nextInt(100) < readPercent;
        }

        int valueIndex() {
            return random.nextInt(1024);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        readPercent = switch (workload) {
            case "A", "F" -> 50;
            case "B" -> 95;
            case "C" -> 100;
            default -> throw new IllegalArgumentException("YCSB workload must be A, B, C or F, got " + workload);
        };
        cluster = new BenchCluster(3);
        store = cluster.client().open("ycsb", BenchCluster.storeConfig().build());
        values = new byte[1024][];
        for (int i = 0; i < values.length; i++) {
            values[i] = DataShape.JSON.generate(FIELD_BYTES, 1000L + i);
        }
        keys = new byte[records][];
        for (int base = 0; base < records; base += 1000) {
            List<KvEntry> batch = new ArrayList<>(1000);
            for (int i = base; i < Math.min(records, base + 1000); i++) {
                keys[i] = StoreWriter.key(i);
                batch.add(new KvEntry(keys[i], values[i % values.length]));
            }
            store.putAll(batch);
        }
    }

    @Benchmark
    public Object operation(Client c) {
        long t0 = Slowdown.start();
        byte[] key = keys[c.nextKey()];
        Object result;
        if (c.read(readPercent)) {
            result = store.get(key);
        } else if ("F".equals(workload)) {
            Txn t = store.begin();
            byte[] old = t.get(key);
            byte[] v = values[c.valueIndex()].clone();
            v[0] = old == null ? 0 : (byte) (old[0] + 1);
            t.put(key, v);
            result = t.commit();
        } else {
            result = store.put(key, values[c.valueIndex()]);
        }
        Slowdown.end(t0);
        return result;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        cluster.close();
    }
}
