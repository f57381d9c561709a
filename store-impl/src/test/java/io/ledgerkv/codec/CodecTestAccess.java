package io.ledgerkv.codec;

import java.util.Random;

/** Lets tests in other packages reuse {@link CodecTest}'s record generator. */
public final class CodecTestAccess {
    private CodecTestAccess() {
    }

    public static byte[] jsonRecord(Random r, int i) {
        return CodecTest.jsonRecord(r, i);
    }
}
