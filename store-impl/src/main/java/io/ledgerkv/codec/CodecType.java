package io.ledgerkv.codec;

import java.util.Arrays;

/**
 * Registry of payload codecs. Each constant owns a stable id byte that is written into every WAL
 * entry, so entries stay readable after the store's codec changes. Never renumber or reuse an id;
 * adding a codec is one constant plus its {@link Codec} class.
 */
public enum CodecType {
    /** No compression: the payload is stored as is. */
    NONE(0) {
        @Override
        public Codec newCodec() {
            return NoneCodec.INSTANCE;
        }
    };

    private static final CodecType[] BY_ID = new CodecType[256];

    static {
        for (CodecType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;

    CodecType(int id) {
        this.id = id;
    }

    /** The id byte written into WAL entries and checkpoint chunks. */
    public int id() {
        return id;
    }

    /** A codec instance. Instances may hold native contexts and buffers: use one per thread. */
    public abstract Codec newCodec();

    /** Returns the codec for an id byte, or {@code null} if this version does not know it. */
    public static CodecType byId(int id) {
        return id < 0 || id > 255 ? null : BY_ID[id];
    }

    /** Parses a codec name case-insensitively; the error lists the known names. */
    public static CodecType parse(String name) {
        for (CodecType t : values()) {
            if (t.name().equalsIgnoreCase(name.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown codec '" + name + "', known: " + Arrays.toString(values()));
    }
}
