package io.ledgerkv.testing;

import java.nio.charset.StandardCharsets;

/** Short helpers for readable byte-array keys and values in tests. */
public final class Bytes {
    private Bytes() {
    }

    public static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** A value of exactly {@code n} bytes, deterministic in {@code seed}. */
    public static byte[] filled(int n, int seed) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (seed * 31 + i * 7);
        }
        return out;
    }
}
