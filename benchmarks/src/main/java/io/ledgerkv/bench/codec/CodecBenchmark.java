package io.ledgerkv.bench.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import io.ledgerkv.bench.Slowdown;
import io.ledgerkv.codec.Codec;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.codec.Dictionary;
import java.util.concurrent.TimeUnit;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
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
 * The codec layer ({@link Codec}, what the committer and readers call) against calling lz4-java and
 * zstd-jni directly with the same settings on the same bytes, in the same run. The target is layer
 * throughput at least 0.9x the library's. Throughput is in operations per second; multiply by
 * {@code size} for bytes (uncompressed) per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g", BenchCluster.LOG})
public class CodecBenchmark {
    private static final int POOL = 16;
    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

    @Param({"LZ4", "LZ4_HC", "ZSTD", "ZSTD_DICT"})
    public CodecType codec;

    @Param({"JSON", "RANDOM"})
    public DataShape shape;

    @Param({"200", "65536"})
    public int size;

    private byte[][] inputs;
    private byte[][] compressed;
    private int[] compressedLength;
    private byte[] dst;
    private byte[] out;
    private int next;

    private Codec layer;
    // The libraries, called directly with the same settings as the layer.
    private LZ4Compressor lz4Compressor;
    private LZ4SafeDecompressor lz4Decompressor;
    private ZstdCompressCtx zstdC;
    private ZstdDecompressCtx zstdD;

    @Setup(Level.Trial)
    public void setUp() {
        Dictionary dict = codec.usesDictionary() ? DataShape.jsonDictionary() : null;
        // Experimental control: allocate the library's native contexts before the layer's, to see
        // whether a difference follows the code or the allocation order.
        boolean libraryFirst = Boolean.getBoolean("ledgerkv.bench.libraryFirst");
        if (!libraryFirst) {
            layer = codec.newCodec(0, dict);
        }
        int level = codec.defaultLevel();
        switch (codec) {
            case LZ4 -> lz4Compressor = LZ4.fastCompressor();
            case LZ4_HC -> lz4Compressor = LZ4.highCompressor(level);
            case ZSTD, ZSTD_DICT -> {
                zstdC = new ZstdCompressCtx().setLevel(level).setChecksum(false);
                zstdD = new ZstdDecompressCtx();
                if (dict != null) {
                    zstdC.loadDict(new ZstdDictCompress(dict.bytes(), level));
                    zstdD.loadDict(new ZstdDictDecompress(dict.bytes()));
                }
            }
            default -> throw new IllegalArgumentException(codec.toString());
        }
        if (libraryFirst) {
            layer = codec.newCodec(0, dict);
        }
        lz4Decompressor = LZ4.safeDecompressor();
        inputs = new byte[POOL][];
        compressed = new byte[POOL][];
        compressedLength = new int[POOL];
        dst = new byte[Math.max(layer.maxCompressedLength(size), (int) Zstd.compressBound(size))];
        out = new byte[size];
        for (int i = 0; i < POOL; i++) {
            inputs[i] = shape.generate(size, 100 + i);
            compressed[i] = new byte[dst.length];
            compressedLength[i] = layer.compress(inputs[i], 0, size, compressed[i], 0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        layer.close();
        if (zstdC != null) {
            zstdC.close();
            zstdD.close();
        }
    }

    private int nextIndex() {
        int i = next;
        next = (i + 1) & (POOL - 1);
        return i;
    }

    @Benchmark
    public int layerCompress() {
        long t0 = Slowdown.start();
        int n = layer.compress(inputs[nextIndex()], 0, size, dst, 0);
        Slowdown.end(t0);
        return n;
    }

    @Benchmark
    public int libraryCompress() {
        byte[] in = inputs[nextIndex()];
        if (zstdC != null) {
            return zstdC.compressByteArray(dst, 0, dst.length, in, 0, size);
        }
        return lz4Compressor.compress(in, 0, size, dst, 0, dst.length);
    }

    @Benchmark
    public byte layerDecompress() {
        long t0 = Slowdown.start();
        int i = nextIndex();
        layer.decompress(compressed[i], 0, compressedLength[i], out, 0, size);
        Slowdown.end(t0);
        return out[size - 1];
    }

    @Benchmark
    public byte libraryDecompress() {
        int i = nextIndex();
        if (zstdD != null) {
            zstdD.decompressByteArray(out, 0, size, compressed[i], 0, compressedLength[i]);
        } else {
            lz4Decompressor.decompress(compressed[i], 0, compressedLength[i], out, 0, size);
        }
        return out[size - 1];
    }
}
