package io.ledgerkv.testing;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HexFormat;
import java.util.stream.Collectors;

/** Short readable renderings of generated values for failure reports. */
public final class Describe {
    private Describe() {
    }

    public static String of(Object o) {
        if (o instanceof byte[] b) {
            return bytes(b);
        }
        if (o instanceof Collection<?> c) {
            return c.stream().map(Describe::of).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(o);
    }

    /** Printable ASCII as a quoted string, else hex; long arrays abbreviated. */
    public static String bytes(byte[] b) {
        if (b == null) {
            return "null";
        }
        boolean printable = true;
        for (byte x : b) {
            if (x < 0x20 || x > 0x7e) {
                printable = false;
                break;
            }
        }
        if (printable && b.length <= 40) {
            return "\"" + new String(b, StandardCharsets.US_ASCII) + "\"";
        }
        if (b.length <= 16) {
            return "0x" + HexFormat.of().formatHex(b);
        }
        return b.length + "B(0x" + HexFormat.of().formatHex(b, 0, 6) + "...)";
    }
}
