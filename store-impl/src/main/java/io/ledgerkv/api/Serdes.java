package io.ledgerkv.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Built-in serdes. Long and integer serdes are big-endian with the sign bit flipped, so byte order equals numeric order. */
public final class Serdes {
    private Serdes() {
    }

    public static Serde<byte[]> bytes() {
        return BYTES;
    }

    public static Serde<String> string() {
        return STRING;
    }

    public static Serde<Long> longs() {
        return LONG;
    }

    public static Serde<Integer> ints() {
        return INT;
    }

    private static final Serde<byte[]> BYTES = new Serde<>() {
        @Override
        public byte[] toBytes(byte[] object) {
            return object;
        }

        @Override
        public byte[] fromBytes(byte[] bytes) {
            return bytes;
        }
    };

    private static final Serde<String> STRING = new Serde<>() {
        @Override
        public byte[] toBytes(String object) {
            return object == null ? null : object.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String fromBytes(byte[] bytes) {
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    };

    private static final Serde<Long> LONG = new Serde<>() {
        @Override
        public byte[] toBytes(Long object) {
            return object == null ? null : ByteBuffer.allocate(8).putLong(object ^ Long.MIN_VALUE).array();
        }

        @Override
        public Long fromBytes(byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (bytes.length != 8) {
                throw new IllegalArgumentException("a long is 8 bytes, got " + bytes.length);
            }
            return ByteBuffer.wrap(bytes).getLong() ^ Long.MIN_VALUE;
        }
    };

    private static final Serde<Integer> INT = new Serde<>() {
        @Override
        public byte[] toBytes(Integer object) {
            return object == null ? null : ByteBuffer.allocate(4).putInt(object ^ Integer.MIN_VALUE).array();
        }

        @Override
        public Integer fromBytes(byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (bytes.length != 4) {
                throw new IllegalArgumentException("an int is 4 bytes, got " + bytes.length);
            }
            return ByteBuffer.wrap(bytes).getInt() ^ Integer.MIN_VALUE;
        }
    };
}
