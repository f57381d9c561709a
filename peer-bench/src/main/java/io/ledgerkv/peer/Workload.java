package io.ledgerkv.peer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The update stream both systems get: update {@code s} (0-based) writes key {@code s % keys} with a
 * value of {@code valueBytes} bytes of the given {@link Shape}, derived from {@code s} alone, so
 * any process can recompute what every key's value must be after {@code updates} updates.
 *
 * @param keys       distinct keys, written round robin
 * @param updates    updates in the history ({@code H})
 * @param valueBytes bytes per value
 * @param shape      what the values look like
 */
record Workload(int keys, long updates, int valueBytes, Shape shape) {

    /** Value content: how compressible it is. */
    enum Shape {
        /** A JSON feature record (LZ4 roughly halves it; Zstd does better). */
        JSON,
        /** Uniform random bytes: nothing to compress. */
        RANDOM;

        static Shape parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    Workload {
        if (keys <= 0 || updates < keys || valueBytes < 16) {
            throw new IllegalArgumentException("need keys > 0, updates >= keys, valueBytes >= 16; got keys=" + keys + " updates="
                    + updates + " valueBytes=" + valueBytes);
        }
    }

    static final int KEY_BYTES = 11;

    static byte[] key(long k) {
        return String.format("k%010d", k).getBytes(StandardCharsets.US_ASCII);
    }

    byte[] keyOf(long update) {
        return key(update % keys);
    }

    /** The value update {@code s} writes. */
    byte[] value(long s) {
        SplittableRandom r = new SplittableRandom(s * 0x9E3779B97F4A7C15L + valueBytes);
        byte[] v = new byte[valueBytes];
        if (shape == Shape.RANDOM) {
            r.nextBytes(v);
        } else {
            StringBuilder b = new StringBuilder(valueBytes + 64);
            b.append("{\"seq\":").append(s).append(",\"user\":\"user-").append(s % keys).append("\",\"features\":{");
            int i = 0;
            while (b.length() < valueBytes) {
                b.append(i == 0 ? "" : ",").append("\"f").append(i++).append("\":").append(r.nextInt(1000) / 100.0);
            }
            byte[] json = b.toString().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(json, 0, v, 0, valueBytes);
            v[valueBytes - 1] = '}';
        }
        // The update's sequence number in the first 8 bytes of random values too: every value distinct.
        if (shape == Shape.RANDOM) {
            for (int j = 0; j < 8; j++) {
                v[j] = (byte) (s >>> (8 * j));
            }
        }
        return v;
    }

    /** The value key {@code k} holds after all {@link #updates} updates: that of its last update. */
    byte[] finalValue(long k) {
        long last = (updates - 1 - k) / keys * keys + k;
        return value(last);
    }

    boolean isFinal(long k, byte[] v) {
        return v != null && Arrays.equals(v, finalValue(k));
    }

    /** User bytes of one update (key and value), for MB/s. */
    int updateBytes() {
        return KEY_BYTES + valueBytes;
    }

    String label() {
        return valueBytes + "B-" + shape.name().toLowerCase(Locale.ROOT);
    }
}
