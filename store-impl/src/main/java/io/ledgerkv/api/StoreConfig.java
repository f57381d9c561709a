package io.ledgerkv.api;

import io.ledgerkv.codec.CodecType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Immutable, validated configuration of one store: replication, codec, group-commit batching,
 * size limits and backpressure. Build it with {@link #builder()}; {@code build()} checks every
 * field and throws {@link InvalidConfigException} naming the first bad one.
 *
 * <pre>{@code
 * StoreConfig cfg = StoreConfig.builder()
 *     .ledgerPassword(System.getenv("LEDGERKV_PASSWORD"))
 *     .ensembleSize(3).writeQuorum(3).ackQuorum(2)
 *     .build();
 * }</pre>
 *
 * <p>Replication settings and the codec apply to ledgers created from now on: a store can change
 * them on reopen, and old entries stay readable.
 */
public final class StoreConfig {
    /** BookKeeper's default netty frame limit is 5 MB; an entry must fit in one frame with its header. */
    public static final int MAX_ENTRY_BYTES = 4 * 1024 * 1024;

    /** Default {@link #checkpointEveryBytes()}: 16 MiB of WAL since the last checkpoint. */
    public static final long DEFAULT_CHECKPOINT_EVERY_BYTES = 16L * 1024 * 1024;

    /** Default {@link #checkpointStateFraction()}. */
    public static final double DEFAULT_CHECKPOINT_STATE_FRACTION = 0.5;

    private final int ensembleSize;
    private final int writeQuorum;
    private final int ackQuorum;
    private final DigestType digestType;
    private final CodecType codec;
    private final int codecLevel;
    private final int minCompressBytes;
    private final double minCompressionSavings;
    private final long dictTrainAfterBytes;
    private final int dictSizeBytes;
    private final int dictSampleBytes;
    private final int maxBatchBytes;
    private final int maxBatchTxns;
    private final long lingerMicros;
    private final int maxKeyBytes;
    private final int maxValueBytes;
    private final long maxTxnBytes;
    private final long maxInflightBytes;
    private final long maxPendingBytes;
    private final Duration maxBlock;
    private final long ledgerRollBytes;
    private final Duration statsInterval;
    private final long checkpointEveryBytes;
    private final double checkpointStateFraction;
    private final Duration checkpointInterval;
    private final int checkpointRetention;
    private final int checkpointChunkBytes;
    private final Duration standbyPollInterval;
    private final byte[] ledgerPassword;
    private final EncryptionKeys encryption;

    private StoreConfig(Builder b) {
        this.ensembleSize = b.ensembleSize;
        this.writeQuorum = b.writeQuorum;
        this.ackQuorum = b.ackQuorum;
        this.digestType = b.digestType;
        this.codec = b.codec;
        this.codecLevel = b.codecLevel;
        this.minCompressBytes = b.minCompressBytes;
        this.minCompressionSavings = b.minCompressionSavings;
        this.dictTrainAfterBytes = b.dictTrainAfterBytes;
        this.dictSizeBytes = b.dictSizeBytes;
        this.dictSampleBytes = b.dictSampleBytes;
        this.maxBatchBytes = b.maxBatchBytes;
        this.maxBatchTxns = b.maxBatchTxns;
        this.lingerMicros = b.lingerMicros;
        this.maxKeyBytes = b.maxKeyBytes;
        this.maxValueBytes = b.maxValueBytes;
        this.maxTxnBytes = b.maxTxnBytes;
        this.maxInflightBytes = b.maxInflightBytes;
        this.maxPendingBytes = b.maxPendingBytes;
        this.maxBlock = b.maxBlock;
        this.ledgerRollBytes = b.ledgerRollBytes;
        this.statsInterval = b.statsInterval;
        this.checkpointEveryBytes = b.checkpointEveryBytes;
        this.checkpointStateFraction = b.checkpointStateFraction;
        this.checkpointInterval = b.checkpointInterval;
        this.checkpointRetention = b.checkpointRetention;
        this.checkpointChunkBytes = b.checkpointChunkBytes;
        this.standbyPollInterval = b.standbyPollInterval;
        this.ledgerPassword = b.ledgerPassword == null ? null : b.ledgerPassword.clone();
        this.encryption = b.encryption;
        validate();
    }

    private void validate() {
        require(ensembleSize >= 1 && ensembleSize <= 64, "ensembleSize", "must be in [1, 64], got " + ensembleSize);
        require(writeQuorum >= 1 && writeQuorum <= ensembleSize, "writeQuorum",
                "must be in [1, ensembleSize=" + ensembleSize + "], got " + writeQuorum);
        require(ackQuorum >= 1 && ackQuorum <= writeQuorum, "ackQuorum",
                "must be in [1, writeQuorum=" + writeQuorum + "], got " + ackQuorum);
        require(digestType != null, "digestType", "must not be null");
        require(codec != null, "codec", "must not be null");
        String badLevel = codec.checkLevel(codecLevel);
        require(badLevel == null, "codecLevel", badLevel);
        require(minCompressBytes >= 0, "minCompressBytes", "must be >= 0, got " + minCompressBytes);
        require(minCompressionSavings >= 0 && minCompressionSavings < 1, "minCompressionSavings",
                "must be in [0, 1), got " + minCompressionSavings);
        require(dictTrainAfterBytes >= 0, "dictTrainAfterBytes", "must be >= 0 (0 = never train automatically), got "
                + dictTrainAfterBytes);
        require(dictTrainAfterBytes == 0 || codec == CodecType.ZSTD_DICT, "dictTrainAfterBytes",
                "automatic dictionary training needs codec ZSTD_DICT, codec is " + codec);
        require(dictSizeBytes >= 256 && dictSizeBytes <= 1 << 20, "dictSizeBytes", "must be in [256, 1048576], got " + dictSizeBytes);
        require(dictSampleBytes >= 8L * dictSizeBytes, "dictSampleBytes",
                "must be at least 8 x dictSizeBytes=" + dictSizeBytes + " (zstd needs many samples per dictionary byte), got "
                        + dictSampleBytes);
        require(maxBatchBytes >= 1024 && maxBatchBytes <= MAX_ENTRY_BYTES, "maxBatchBytes",
                "must be in [1024, " + MAX_ENTRY_BYTES + "], got " + maxBatchBytes);
        require(maxBatchTxns >= 1, "maxBatchTxns", "must be >= 1, got " + maxBatchTxns);
        require(lingerMicros >= 0 && lingerMicros <= 1_000_000, "lingerMicros", "must be in [0, 1000000], got " + lingerMicros);
        require(maxKeyBytes >= 1, "maxKeyBytes", "must be >= 1, got " + maxKeyBytes);
        require(maxValueBytes >= 0, "maxValueBytes", "must be >= 0, got " + maxValueBytes);
        require(maxTxnBytes >= maxKeyBytes, "maxTxnBytes", "must be >= maxKeyBytes=" + maxKeyBytes + ", got " + maxTxnBytes);
        require(maxPendingBytes >= maxTxnBytes, "maxPendingBytes",
                "must be >= maxTxnBytes=" + maxTxnBytes + " so that one transaction always fits, got " + maxPendingBytes);
        require(maxInflightBytes >= maxBatchBytes, "maxInflightBytes",
                "must be >= maxBatchBytes=" + maxBatchBytes + ", got " + maxInflightBytes);
        require(maxBlock != null && !maxBlock.isNegative(), "maxBlock", "must be >= 0, got " + ConfigFile.format(maxBlock));
        require(ledgerRollBytes >= maxBatchBytes, "ledgerRollBytes",
                "must be >= maxBatchBytes=" + maxBatchBytes + ", got " + ledgerRollBytes);
        require(statsInterval != null && !statsInterval.isNegative() && !statsInterval.isZero(), "statsInterval",
                "must be > 0, got " + statsInterval);
        require(checkpointEveryBytes >= 0, "checkpointEveryBytes", "must be >= 0 (0 = off), got " + checkpointEveryBytes);
        require(checkpointStateFraction >= 0 && checkpointStateFraction <= 100, "checkpointStateFraction",
                "must be in [0, 100] (0 = checkpointEveryBytes alone), got " + checkpointStateFraction);
        require(checkpointInterval != null && !checkpointInterval.isNegative(), "checkpointInterval",
                "must be >= 0 (0 = off), got " + checkpointInterval);
        require(checkpointRetention >= 1, "checkpointRetention", "must be >= 1, got " + checkpointRetention);
        require(checkpointChunkBytes >= 4096 && checkpointChunkBytes <= MAX_ENTRY_BYTES / 2, "checkpointChunkBytes",
                "must be in [4096, " + MAX_ENTRY_BYTES / 2 + "], got " + checkpointChunkBytes);
        require(standbyPollInterval != null && !standbyPollInterval.isNegative() && !standbyPollInterval.isZero(),
                "standbyPollInterval", "must be > 0, got " + standbyPollInterval);
        require(ledgerPassword != null && ledgerPassword.length > 0, "ledgerPassword",
                "must be set (from configuration, e.g. the LEDGERKV_PASSWORD environment variable); ledgers are created and opened with it");
        require(encryption == null || codec != CodecType.ZSTD_DICT, "encryption",
                "cannot be combined with codec ZSTD_DICT: a trained dictionary holds samples of values and is stored unencrypted");
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidConfigException(field, message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- settings as key/value pairs (config files) ------------------------------------------------

    /**
     * The settings a config file may hold: the builder's one-argument setters, by name (the
     * password is not one of them: it comes from a file or the environment, never a settings file).
     */
    public static Set<String> keys() {
        return SETTERS.keySet();
    }

    private static final Map<String, Method> SETTERS = setters();

    private static Map<String, Method> setters() {
        Map<String, Method> m = new TreeMap<>();
        for (Method setter : Builder.class.getMethods()) {
            if (setter.getParameterCount() == 1 && setter.getReturnType() == Builder.class
                    && !setter.getName().equals("ledgerPassword") && !setter.getName().equals("encryption")) {
                m.put(setter.getName(), setter);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Applies settings read from {@code source} (a file name, for messages) to this builder. An
     * unknown key or a value of the wrong type is an {@link InvalidConfigException} naming the key,
     * the source and, for a typo, the nearest valid key.
     */
    public static Builder apply(Builder b, Map<String, String> settings, String source) {
        for (Map.Entry<String, String> e : settings.entrySet()) {
            Method setter = SETTERS.get(e.getKey());
            if (setter == null) {
                throw ConfigFile.unknownSetting(e.getKey(), keys(), source);
            }
            Class<?> type = setter.getParameterTypes()[0];
            Object value;
            String v = e.getValue().trim();
            try {
                if (type == int.class) {
                    value = Integer.parseInt(v);
                } else if (type == long.class) {
                    value = Long.parseLong(v);
                } else if (type == double.class) {
                    value = Double.parseDouble(v);
                } else if (type == Duration.class) {
                    value = ConfigFile.duration(v);
                } else if (type == CodecType.class) {
                    value = CodecType.parse(v);
                } else if (type == DigestType.class) {
                    value = DigestType.valueOf(v.toUpperCase(Locale.ROOT));
                } else {
                    throw new IllegalStateException("no parser for " + type);
                }
            } catch (IllegalArgumentException ex) {
                throw new InvalidConfigException(e.getKey(), "in " + source + ": cannot read '" + v + "' as "
                        + (type.isEnum() ? "one of " + Arrays.toString(type.getEnumConstants()) : type.getSimpleName())
                        + (ex.getMessage() == null || ex instanceof NumberFormatException ? "" : " (" + ex.getMessage() + ")"));
            }
            try {
                setter.invoke(b, value);
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return b;
    }

    /** Every setting of this config as a string a settings file can hold (the password left out); {@link #apply} reads it back. */
    public Map<String, String> toSettings() {
        Map<String, String> out = new TreeMap<>();
        for (String key : keys()) {
            try {
                Object v = StoreConfig.class.getMethod(key).invoke(this);
                out.put(key, v instanceof Enum<?> en ? en.name() : String.valueOf(v));
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException("StoreConfig has a setter " + key + " without a getter", ex);
            }
        }
        return out;
    }

    /** A builder holding this config's values, to derive a changed config (e.g. a new codec on reopen). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ensembleSize = ensembleSize;
        b.writeQuorum = writeQuorum;
        b.ackQuorum = ackQuorum;
        b.digestType = digestType;
        b.codec = codec;
        b.codecLevel = codecLevel;
        b.minCompressBytes = minCompressBytes;
        b.minCompressionSavings = minCompressionSavings;
        b.dictTrainAfterBytes = dictTrainAfterBytes;
        b.dictSizeBytes = dictSizeBytes;
        b.dictSampleBytes = dictSampleBytes;
        b.maxBatchBytes = maxBatchBytes;
        b.maxBatchTxns = maxBatchTxns;
        b.lingerMicros = lingerMicros;
        b.maxKeyBytes = maxKeyBytes;
        b.maxValueBytes = maxValueBytes;
        b.maxTxnBytes = maxTxnBytes;
        b.maxInflightBytes = maxInflightBytes;
        b.maxPendingBytes = maxPendingBytes;
        b.maxBlock = maxBlock;
        b.ledgerRollBytes = ledgerRollBytes;
        b.statsInterval = statsInterval;
        b.checkpointEveryBytes = checkpointEveryBytes;
        b.checkpointStateFraction = checkpointStateFraction;
        b.checkpointInterval = checkpointInterval;
        b.checkpointRetention = checkpointRetention;
        b.checkpointChunkBytes = checkpointChunkBytes;
        b.standbyPollInterval = standbyPollInterval;
        b.ledgerPassword = ledgerPassword.clone();
        b.encryption = encryption;
        return b;
    }

    /** Bookies each ledger is striped over. */
    public int ensembleSize() {
        return ensembleSize;
    }

    /** Bookies each entry is written to. */
    public int writeQuorum() {
        return writeQuorum;
    }

    /** Bookies that must acknowledge an entry before its transactions count as committed. */
    public int ackQuorum() {
        return ackQuorum;
    }

    public DigestType digestType() {
        return digestType;
    }

    /** Codec for new WAL entries and checkpoint chunks. */
    public CodecType codec() {
        return codec;
    }

    /** Codec level, 0 = the codec's default (LZ4_HC 9, ZSTD 3). */
    public int codecLevel() {
        return codecLevel;
    }

    /** Entries with a smaller payload are stored uncompressed (flagged RAW). */
    public int minCompressBytes() {
        return minCompressBytes;
    }

    /** A compressed payload is kept only if it saves at least this fraction; else the entry is stored RAW. */
    public double minCompressionSavings() {
        return minCompressionSavings;
    }

    /** With ZSTD_DICT and no dictionary yet: train one automatically after this many bytes of writes (0 = never). */
    public long dictTrainAfterBytes() {
        return dictTrainAfterBytes;
    }

    /** Size of trained dictionaries. */
    public int dictSizeBytes() {
        return dictSizeBytes;
    }

    /** Bytes of the store's records sampled to train a dictionary. */
    public int dictSampleBytes() {
        return dictSampleBytes;
    }

    /** Group commit: largest WAL entry payload; a bigger transaction spans several entries. */
    public int maxBatchBytes() {
        return maxBatchBytes;
    }

    /** Group commit: most transactions packed into one entry. */
    public int maxBatchTxns() {
        return maxBatchTxns;
    }

    /** Group commit: how long the committer waits for more transactions before writing a partly filled entry (0 = never wait). */
    public long lingerMicros() {
        return lingerMicros;
    }

    public int maxKeyBytes() {
        return maxKeyBytes;
    }

    public int maxValueBytes() {
        return maxValueBytes;
    }

    /** Largest encoded transaction (keys, values and a few bytes of framing per operation). */
    public long maxTxnBytes() {
        return maxTxnBytes;
    }

    /** Backpressure: bytes of entries sent to bookies and not yet acknowledged. */
    public long maxInflightBytes() {
        return maxInflightBytes;
    }

    /** Backpressure: bytes of transactions accepted and not yet committed; past it, commits block for up to {@link #maxBlock()}. */
    public long maxPendingBytes() {
        return maxPendingBytes;
    }

    public Duration maxBlock() {
        return maxBlock;
    }

    /** The writer moves to a new ledger once the current one holds this many bytes. */
    public long ledgerRollBytes() {
        return ledgerRollBytes;
    }

    /** How often the writer publishes key count, byte counts and last LSN to ZooKeeper. */
    public Duration statsInterval() {
        return statsInterval;
    }

    /**
     * Take a checkpoint once this many bytes of WAL (uncompressed) were written since the last one,
     * or {@link #checkpointStateFraction()} of the live state if that is more (0 = not by size).
     */
    public long checkpointEveryBytes() {
        return checkpointEveryBytes;
    }

    /**
     * With {@link #checkpointEveryBytes()} on, the WAL since the last checkpoint may grow to this
     * fraction of the live state's bytes before the next one: a large state is not rewritten every
     * {@code checkpointEveryBytes}. Checkpoint bytes written stay at most 1/fraction of WAL bytes,
     * and the WAL a reopen replays at most max(checkpointEveryBytes, fraction x state).
     */
    public double checkpointStateFraction() {
        return checkpointStateFraction;
    }

    /**
     * The WAL bytes since the last checkpoint that start the next one, for a live state of
     * {@code liveStateBytes}; {@code Long.MAX_VALUE} when checkpoints by size are off.
     */
    public long checkpointThresholdBytes(long liveStateBytes) {
        if (checkpointEveryBytes == 0) {
            return Long.MAX_VALUE;
        }
        return Math.max(checkpointEveryBytes, (long) Math.min(Long.MAX_VALUE / 2.0, checkpointStateFraction * liveStateBytes));
    }

    /** Take a checkpoint this often (0 = not by time). */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** Checkpoints kept; the WAL is kept back to the oldest of them, so each stays a fallback. */
    public int checkpointRetention() {
        return checkpointRetention;
    }

    /** Uncompressed payload per checkpoint chunk. */
    public int checkpointChunkBytes() {
        return checkpointChunkBytes;
    }

    /** How often a standby reader checks for new entries. */
    public Duration standbyPollInterval() {
        return standbyPollInterval;
    }

    /** The secret every ledger of the store is created and opened with. A copy. */
    public byte[] ledgerPassword() {
        return ledgerPassword.clone();
    }

    /** The keys WAL entries and checkpoint chunks are encrypted with (AES-GCM), or null for none. */
    public EncryptionKeys encryption() {
        return encryption;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StoreConfig c)) {
            return false;
        }
        return ensembleSize == c.ensembleSize && writeQuorum == c.writeQuorum && ackQuorum == c.ackQuorum
                && digestType == c.digestType && codec == c.codec && codecLevel == c.codecLevel
                && minCompressBytes == c.minCompressBytes && minCompressionSavings == c.minCompressionSavings
                && dictTrainAfterBytes == c.dictTrainAfterBytes && dictSizeBytes == c.dictSizeBytes
                && dictSampleBytes == c.dictSampleBytes && maxBatchBytes == c.maxBatchBytes
                && maxBatchTxns == c.maxBatchTxns && lingerMicros == c.lingerMicros && maxKeyBytes == c.maxKeyBytes
                && maxValueBytes == c.maxValueBytes && maxTxnBytes == c.maxTxnBytes
                && maxInflightBytes == c.maxInflightBytes && maxPendingBytes == c.maxPendingBytes
                && maxBlock.equals(c.maxBlock) && ledgerRollBytes == c.ledgerRollBytes
                && statsInterval.equals(c.statsInterval) && checkpointEveryBytes == c.checkpointEveryBytes
                && checkpointStateFraction == c.checkpointStateFraction
                && checkpointInterval.equals(c.checkpointInterval) && checkpointRetention == c.checkpointRetention
                && checkpointChunkBytes == c.checkpointChunkBytes && standbyPollInterval.equals(c.standbyPollInterval)
                && Arrays.equals(ledgerPassword, c.ledgerPassword) && Objects.equals(encryption, c.encryption);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ensembleSize, writeQuorum, ackQuorum, digestType, codec, codecLevel, maxBatchBytes, maxBatchTxns,
                lingerMicros, maxKeyBytes, maxValueBytes, maxTxnBytes, maxInflightBytes, maxPendingBytes, maxBlock,
                ledgerRollBytes, statsInterval);
    }

    @Override
    public String toString() {
        return "StoreConfig{ensemble=" + ensembleSize + ", writeQuorum=" + writeQuorum + ", ackQuorum=" + ackQuorum
                + ", digest=" + digestType + ", codec=" + codec + ", codecLevel=" + codecLevel
                + ", minCompressBytes=" + minCompressBytes + ", minCompressionSavings=" + minCompressionSavings
                + ", dictTrainAfterBytes=" + dictTrainAfterBytes + ", dictSizeBytes=" + dictSizeBytes
                + ", dictSampleBytes=" + dictSampleBytes + ", maxBatchBytes=" + maxBatchBytes
                + ", maxBatchTxns=" + maxBatchTxns + ", lingerMicros=" + lingerMicros + ", maxKeyBytes=" + maxKeyBytes
                + ", maxValueBytes=" + maxValueBytes + ", maxTxnBytes=" + maxTxnBytes
                + ", maxInflightBytes=" + maxInflightBytes + ", maxPendingBytes=" + maxPendingBytes
                + ", maxBlock=" + ConfigFile.format(maxBlock) + ", ledgerRollBytes=" + ledgerRollBytes + ", statsInterval=" + ConfigFile.format(statsInterval)
                + ", checkpointEveryBytes=" + checkpointEveryBytes + ", checkpointStateFraction=" + checkpointStateFraction
                + ", checkpointInterval=" + ConfigFile.format(checkpointInterval)
                + ", checkpointRetention=" + checkpointRetention + ", checkpointChunkBytes=" + checkpointChunkBytes
                + ", standbyPollInterval=" + ConfigFile.format(standbyPollInterval)
                + ", ledgerPassword=<redacted>, encryption=" + (encryption == null ? "off" : encryption) + "}";
    }

    /** Builder with production defaults; only {@link #ledgerPassword} has none. */
    public static final class Builder {
        private int ensembleSize = 3;
        private int writeQuorum = 3;
        private int ackQuorum = 2;
        private DigestType digestType = DigestType.CRC32C;
        private CodecType codec = CodecType.NONE;
        private int codecLevel = 0;
        private int minCompressBytes = 64;
        private double minCompressionSavings = 0.05;
        private long dictTrainAfterBytes = 0;
        private int dictSizeBytes = 16 * 1024;
        private int dictSampleBytes = 1024 * 1024;
        private int maxBatchBytes = 128 * 1024;
        private int maxBatchTxns = 1024;
        private long lingerMicros = 0;
        private int maxKeyBytes = 64 * 1024;
        private int maxValueBytes = 16 * 1024 * 1024;
        private long maxTxnBytes = 64L * 1024 * 1024;
        private long maxInflightBytes = 8L * 1024 * 1024;
        private long maxPendingBytes = 128L * 1024 * 1024;
        private Duration maxBlock = Duration.ofSeconds(60);
        private long ledgerRollBytes = 256L * 1024 * 1024;
        private Duration statsInterval = Duration.ofSeconds(1);
        // On by default: without checkpoints a writer's open replays the whole history (docs/decisions.md 40).
        private long checkpointEveryBytes = DEFAULT_CHECKPOINT_EVERY_BYTES;
        private double checkpointStateFraction = DEFAULT_CHECKPOINT_STATE_FRACTION;
        private Duration checkpointInterval = Duration.ZERO;
        private int checkpointRetention = 2;
        private int checkpointChunkBytes = 1024 * 1024;
        private Duration standbyPollInterval = Duration.ofMillis(100);
        private byte[] ledgerPassword;
        private EncryptionKeys encryption;

        private Builder() {
        }

        public Builder ensembleSize(int v) {
            ensembleSize = v;
            return this;
        }

        public Builder writeQuorum(int v) {
            writeQuorum = v;
            return this;
        }

        public Builder ackQuorum(int v) {
            ackQuorum = v;
            return this;
        }

        /** Sets ensemble, write and ack quorum at once. */
        public Builder quorum(int ensemble, int write, int ack) {
            ensembleSize = ensemble;
            writeQuorum = write;
            ackQuorum = ack;
            return this;
        }

        public Builder digestType(DigestType v) {
            digestType = v;
            return this;
        }

        public Builder codec(CodecType v) {
            codec = v;
            return this;
        }

        /** Codec and level at once (level 0 = the codec's default). */
        public Builder codec(CodecType v, int level) {
            codec = v;
            codecLevel = level;
            return this;
        }

        public Builder codecLevel(int v) {
            codecLevel = v;
            return this;
        }

        public Builder minCompressBytes(int v) {
            minCompressBytes = v;
            return this;
        }

        public Builder minCompressionSavings(double v) {
            minCompressionSavings = v;
            return this;
        }

        public Builder dictTrainAfterBytes(long v) {
            dictTrainAfterBytes = v;
            return this;
        }

        public Builder dictSizeBytes(int v) {
            dictSizeBytes = v;
            return this;
        }

        public Builder dictSampleBytes(int v) {
            dictSampleBytes = v;
            return this;
        }

        public Builder maxBatchBytes(int v) {
            maxBatchBytes = v;
            return this;
        }

        public Builder maxBatchTxns(int v) {
            maxBatchTxns = v;
            return this;
        }

        public Builder lingerMicros(long v) {
            lingerMicros = v;
            return this;
        }

        public Builder maxKeyBytes(int v) {
            maxKeyBytes = v;
            return this;
        }

        public Builder maxValueBytes(int v) {
            maxValueBytes = v;
            return this;
        }

        public Builder maxTxnBytes(long v) {
            maxTxnBytes = v;
            return this;
        }

        public Builder maxInflightBytes(long v) {
            maxInflightBytes = v;
            return this;
        }

        public Builder maxPendingBytes(long v) {
            maxPendingBytes = v;
            return this;
        }

        public Builder maxBlock(Duration v) {
            maxBlock = v;
            return this;
        }

        public Builder ledgerRollBytes(long v) {
            ledgerRollBytes = v;
            return this;
        }

        public Builder statsInterval(Duration v) {
            statsInterval = v;
            return this;
        }

        public Builder checkpointEveryBytes(long v) {
            checkpointEveryBytes = v;
            return this;
        }

        public Builder checkpointStateFraction(double v) {
            checkpointStateFraction = v;
            return this;
        }

        public Builder checkpointInterval(Duration v) {
            checkpointInterval = v;
            return this;
        }

        public Builder checkpointRetention(int v) {
            checkpointRetention = v;
            return this;
        }

        public Builder checkpointChunkBytes(int v) {
            checkpointChunkBytes = v;
            return this;
        }

        public Builder standbyPollInterval(Duration v) {
            standbyPollInterval = v;
            return this;
        }

        public Builder ledgerPassword(byte[] v) {
            ledgerPassword = v == null ? null : v.clone();
            return this;
        }

        /**
         * Encrypts every WAL entry and checkpoint chunk (and backup) of the store with AES-GCM under
         * {@code keys}' active key, after compression; null (the default) for none. Not with ZSTD_DICT.
         */
        public Builder encryption(EncryptionKeys keys) {
            encryption = keys;
            return this;
        }

        /** The password as UTF-8. */
        public Builder ledgerPassword(String v) {
            ledgerPassword = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public StoreConfig build() {
            return new StoreConfig(this);
        }
    }
}
