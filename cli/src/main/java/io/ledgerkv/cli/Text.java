package io.ledgerkv.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** How the CLI reads and prints keys and values: UTF-8 text, or hex when asked or when bytes are not text. */
final class Text {
    private Text() {
    }

    static byte[] parse(String s, boolean hex) {
        if (hex) {
            String h = s.startsWith("0x") ? s.substring(2) : s;
            try {
                return HexFormat.of().parseHex(h);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + s + "' is not hex: " + e.getMessage());
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String show(byte[] b, boolean hex) {
        if (b == null) {
            return "(absent)";
        }
        if (!hex) {
            String s = new String(b, StandardCharsets.UTF_8);
            if (s.chars().allMatch(c -> c >= 0x20 && c != 0xfffd && c != 0x7f) && Arrays.equals(s.getBytes(StandardCharsets.UTF_8), b)) {
                return s;
            }
        }
        return "0x" + HexFormat.of().formatHex(b);
    }
}
