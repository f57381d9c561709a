package io.ledgerkv.bench.codec;

import io.ledgerkv.bench.DataShape;
import io.ledgerkv.codec.Codec;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.codec.Dictionary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Compression ratio (uncompressed / compressed bytes) for each codec, data shape and size, over 64
 * different inputs each: the deterministic half of the codec results (JMH measures the speed).
 * Usage: {@code java -cp benchmarks.jar CodecRatios [out.json]}.
 */
public final class CodecRatios {
    private CodecRatios() {
    }

    public static void main(String[] args) throws IOException {
        Dictionary dict = DataShape.jsonDictionary();
        StringBuilder json = new StringBuilder("[\n");
        System.out.printf("%-10s %-7s %7s %8s%n", "codec", "shape", "size", "ratio");
        boolean first = true;
        for (CodecType t : CodecType.values()) {
            for (DataShape shape : DataShape.values()) {
                for (int size : new int[] {200, 4096, 65536}) {
                    long in = 0;
                    long outBytes = 0;
                    try (Codec c = t.newCodec(0, t.usesDictionary() ? dict : null)) {
                        byte[] dst = new byte[c.maxCompressedLength(size)];
                        for (int i = 0; i < 64; i++) {
                            byte[] data = shape.generate(size, 100 + i);
                            in += size;
                            outBytes += c.compress(data, 0, size, dst, 0);
                        }
                    }
                    double ratio = in / (double) outBytes;
                    System.out.printf(Locale.ROOT, "%-10s %-7s %7d %8.2f%n", t, shape, size, ratio);
                    json.append(first ? "" : ",\n").append(String.format(Locale.ROOT,
                            "  {\"codec\":\"%s\",\"shape\":\"%s\",\"size\":%d,\"ratio\":%.4f}", t, shape, size, ratio));
                    first = false;
                }
            }
        }
        json.append("\n]\n");
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), json);
        }
    }
}
