package io.ledgerkv.bench;

import io.ledgerkv.codec.Dictionary;
import io.ledgerkv.codec.DictionaryTrainer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** The data the benchmarks write: JSON-like risk events (compressible) or random bytes (not). */
public enum DataShape {
    /** Records like {"account":"acct-00042","score":0.1234,...}, about 200 bytes each, concatenated. */
    JSON {
        @Override
        public byte[] generate(int size, long seed) {
            Random r = new Random(seed);
            byte[] out = new byte[size];
            int p = 0;
            for (int i = 0; p < size; i++) {
                byte[] rec = jsonRecord(r, i);
                int n = Math.min(rec.length, size - p);
                System.arraycopy(rec, 0, out, p, n);
                p += n;
            }
            return out;
        }
    },
    /** Uniformly random bytes: the worst case for every codec. */
    RANDOM {
        @Override
        public byte[] generate(int size, long seed) {
            byte[] out = new byte[size];
            new Random(seed).nextBytes(out);
            return out;
        }
    };

    /** {@code size} bytes of this shape; different seeds give different bytes. */
    public abstract byte[] generate(int size, long seed);

    /** One JSON-like record of 180-230 bytes. */
    public static byte[] jsonRecord(Random r, int i) {
        return String.format("{\"account\":\"acct-%05d\",\"score\":%.4f,\"amount\":%d.%02d,\"currency\":\"%s\",\"country\":\"%s\","
                + "\"status\":\"%s\",\"ts\":%d,\"rule\":\"velocity-%d\"}", r.nextInt(100_000), r.nextDouble(), r.nextInt(10_000),
                r.nextInt(100), r.nextBoolean() ? "EUR" : "USD", List.of("DE", "FR", "US", "GB").get(r.nextInt(4)),
                r.nextInt(10) == 0 ? "review" : "ok", 1_700_000_000_000L + r.nextInt(1_000_000), r.nextInt(20))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A 16 KiB dictionary trained on 2 MiB of JSON records (a different seed than the benchmark data). */
    public static Dictionary jsonDictionary() {
        Random r = new Random(1234);
        DictionaryTrainer t = new DictionaryTrainer(16 * 1024, 2 * 1024 * 1024);
        for (int i = 0; t.add(jsonRecord(r, i)); i++) {
            // until the sample budget is used
        }
        return new Dictionary(1, t.train());
    }
}
