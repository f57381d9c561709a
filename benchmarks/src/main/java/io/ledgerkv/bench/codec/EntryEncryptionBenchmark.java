package io.ledgerkv.bench.codec;

import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import io.ledgerkv.codec.CodecCache;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.wal.EntryCipher;
import io.ledgerkv.wal.WalEntry;
import io.ledgerkv.wal.WalFormatException;
import java.util.Map;
import java.util.Random;
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
 * What AES-GCM adds to framing one WAL entry: {@code encode} (compress, encrypt, header, CRC) and
 * {@code decode} (CRC, decrypt + authenticate, decompress) of a JSON payload, with encryption off
 * and on, per codec and payload size, in the same run. The committer thread encodes every entry;
 * replay and standbys decode every entry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g", BenchCluster.LOG})
public class EntryEncryptionBenchmark {
    @Param({"off", "on"})
    public String encryption;

    @Param({"NONE", "LZ4", "ZSTD"})
    public CodecType codec;

    @Param({"200", "65536"})
    public int size;

    private WalEntry.Encoder encoder;
    private EntryCipher cipher;
    private byte[] payload;
    private byte[] entry;
    /** Readers keep one codec per (codec, dictionary), as the store's readers do: creating a Zstandard context per entry would dominate. */
    private final CodecCache cache = new CodecCache(CodecCache.NO_DICTIONARIES);
    private final WalEntry.CodecSource codecs = WalEntry.CodecSource.of(cache);

    @Setup(Level.Trial)
    public void setUp() {
        byte[] key = new byte[32];
        new Random(7).nextBytes(key);
        cipher = encryption.equals("on") ? new EntryCipher(EncryptionKeys.of(1, Map.of(1, key)), "bench/store") : null;
        encoder = new WalEntry.Encoder(codec.newCodec(), 64, 0.05, cipher);
        payload = DataShape.JSON.generate(size, 11);
        entry = encode();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cache.close();
    }

    @Benchmark
    public byte[] encode() {
        return encoder.encode(WalEntry.Type.BATCH, 1, 1, 1, 1_000L, payload, 0, payload.length);
    }

    @Benchmark
    public byte[] decode() throws WalFormatException {
        return WalEntry.decode(entry, codecs, cipher).payload();
    }
}
