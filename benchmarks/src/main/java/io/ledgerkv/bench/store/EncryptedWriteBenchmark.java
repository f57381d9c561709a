package io.ledgerkv.bench.store;

import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import io.ledgerkv.codec.CodecType;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Encryption at rest end to end: blocking {@code put}s of 100-byte and 4 KiB JSON values from 8
 * client threads into an LZ4 store on the embedded cluster, with AES-GCM off and on, in the same
 * run. Each commit's entry is encrypted on the committer thread before it goes to the bookies.
 * Not part of the presets; run by hand (benchmarks/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(8)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", BenchCluster.LOG, BenchCluster.OPEN_NIO, BenchCluster.OPEN_SUN_NIO,
    BenchCluster.OPEN_LANG, BenchCluster.OPEN_IO})
public class EncryptedWriteBenchmark {
    @Param({"off", "on"})
    public String encryption;

    @Param({"100", "4096"})
    public int valueBytes;

    private BenchCluster cluster;
    private KvStore store;
    private byte[][] values;
    private final AtomicInteger keys = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() {
        cluster = new BenchCluster(3);
        StoreConfig.Builder cfg = BenchCluster.storeConfig().codec(CodecType.LZ4);
        if (encryption.equals("on")) {
            byte[] key = new byte[32];
            new Random(7).nextBytes(key);
            cfg.encryption(EncryptionKeys.of(1, Map.of(1, key)));
        }
        store = cluster.client().open("encrypted-" + encryption, cfg.build());
        values = new byte[16][];
        for (int i = 0; i < values.length; i++) {
            values[i] = DataShape.JSON.generate(valueBytes, i);
        }
    }

    @Benchmark
    public Object put() {
        int k = keys.getAndIncrement();
        return store.put(StoreWriter.key(k % 100_000), values[k & 15]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        cluster.close();
    }
}
