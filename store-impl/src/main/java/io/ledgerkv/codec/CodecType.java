package io.ledgerkv.codec;

import java.util.Arrays;

/**
 * Registry of payload codecs. Each constant owns a stable id byte that is written into every WAL
 * entry and checkpoint chunk, so data stays readable after the store's codec changes. Never
 * renumber or reuse an id; adding a codec is one constant plus its {@link Codec} class.
 *
 * <p>Levels: {@code 0} means the codec's default. Only the compressor uses the level, so it is
 * not recorded with the data.
 */
public enum CodecType {
    /** No compression. */
    NONE(0, 0, 0, 0, false) {
        @Override
        Codec create(int level, Dictionary dict) {
            return NoneCodec.INSTANCE;
        }
    },
    /** LZ4 (fast compressor, safe decompressor): cheapest CPU, about 2-4x on text-like data. */
    LZ4(1, 0, 0, 0, false) {
        @Override
        Codec create(int level, Dictionary dict) {
            return new Lz4Codec(this, 0);
        }
    },
    /** LZ4 high compression: slow to compress (tens of MB/s), same fast decompression, a better ratio. */
    LZ4_HC(2, 9, 1, 17, false) {
        @Override
        Codec create(int level, Dictionary dict) {
            return new Lz4Codec(this, level);
        }
    },
    /** Zstandard: a better ratio than LZ4 at a few hundred MB/s; levels -7 (fastest) to 22. */
    ZSTD(3, 3, -7, 22, false) {
        @Override
        Codec create(int level, Dictionary dict) {
            return new ZstdCodec(this, level, null);
        }
    },
    /**
     * Zstandard with a dictionary trained on the store's own data: for small records (100 B to a
     * few KiB) where plain Zstandard barely compresses. Entries record the dictionary id.
     */
    ZSTD_DICT(4, 3, -7, 22, true) {
        @Override
        Codec create(int level, Dictionary dict) {
            if (dict == null) {
                throw new IllegalArgumentException("ZSTD_DICT needs a dictionary");
            }
            return new ZstdCodec(this, level, dict);
        }
    };

    private static final CodecType[] BY_ID = new CodecType[256];

    static {
        for (CodecType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;
    private final boolean usesDictionary;

    CodecType(int id, int defaultLevel, int minLevel, int maxLevel, boolean usesDictionary) {
        this.id = id;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
        this.usesDictionary = usesDictionary;
    }

    abstract Codec create(int level, Dictionary dict);

    /** The id byte written into WAL entries and checkpoint chunks. */
    public int id() {
        return id;
    }

    public boolean usesDictionary() {
        return usesDictionary;
    }

    public boolean usesLevel() {
        return maxLevel != minLevel;
    }

    /** The level {@code 0} stands for. */
    public int defaultLevel() {
        return defaultLevel;
    }

    /** Null if {@code level} is valid for this codec (0 always is), else why not. */
    public String checkLevel(int level) {
        if (level == 0) {
            return null;
        }
        if (!usesLevel()) {
            return this + " takes no level, got " + level;
        }
        if (level < minLevel || level > maxLevel) {
            return this + " levels are " + minLevel + ".." + maxLevel + " (0 = default " + defaultLevel + "), got " + level;
        }
        return null;
    }

    /** A codec at its default level. Instances hold native contexts and buffers: use one per thread. */
    public Codec newCodec() {
        return newCodec(0, null);
    }

    /**
     * A codec at {@code level} (0 = default) with {@code dict} ({@code null} unless
     * {@link #usesDictionary()}).
     */
    public Codec newCodec(int level, Dictionary dict) {
        String bad = checkLevel(level);
        if (bad != null) {
            throw new IllegalArgumentException(bad);
        }
        return create(level == 0 ? defaultLevel : level, dict);
    }

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
