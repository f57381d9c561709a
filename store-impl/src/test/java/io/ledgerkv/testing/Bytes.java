package io.ledgerkv.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

    /** Whether {@code needle} occurs in {@code hay} (e.g. a plaintext or a secret in stored bytes). */
    public static boolean contains(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
