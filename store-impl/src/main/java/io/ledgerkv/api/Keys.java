package io.ledgerkv.api;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** How error messages show a key: as text when it is printable ASCII, else as hex; long keys are cut. */
public final class Keys {
    private static final int SHOWN = 64;

    private Keys() {
    }

    public static String describe(byte[] key) {
        int n = Math.min(key.length, SHOWN);
        boolean printable = true;
        for (int i = 0; i < n && printable; i++) {
            printable = key[i] >= 0x20 && key[i] < 0x7F;
        }
        String shown = printable ? "'" + new String(key, 0, n, StandardCharsets.US_ASCII) + "'" : "0x" + HexFormat.of().formatHex(key, 0, n);
        return key.length > SHOWN ? shown + "... (" + key.length + " bytes)" : shown;
    }
}
