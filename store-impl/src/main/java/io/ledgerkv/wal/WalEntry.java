package io.ledgerkv.wal;

import io.ledgerkv.api.EncryptionKeyException;
import io.ledgerkv.codec.Codec;
import io.ledgerkv.codec.CodecCache;
import io.ledgerkv.codec.CodecType;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One WAL entry as stored in a BookKeeper ledger entry (format version 1, big-endian):
 *
 * <pre>
 * offset size field
 *  0     2    magic 0x4C4B ("LK")
 *  2     1    format version (1)
 *  3     1    codec id ({@link CodecType#id()})
 *  4     1    flags: bit 0 RAW = payload stored uncompressed although the codec is not NONE;
 *                    bit 1 ENCRYPTED = stored payload is AES-GCM: nonce || ciphertext || tag (see {@link EntryCipher})
 *  5     1    type: 1 BATCH (whole transactions), 2 TXN_PART, 3 TXN_COMMIT (last part of a large transaction),
 *                   4 CHECKPOINT_CHUNK (checkpoint ledgers and backup files only)
 *  6     2    encryption key id (ENCRYPTED entries; 0 otherwise)
 *  8     4    dictionary id (0 = none)
 * 12     8    writer epoch
 * 20     8    first transaction sequence number in this entry
 * 28     4    count: BATCH = number of transactions; TXN_PART/TXN_COMMIT = part index
 * 32     8    writer wall clock, millis
 * 40     4    uncompressed payload length
 * 44     4    stored payload length
 * 48     4    CRC32C over bytes [0, 48) and the uncompressed payload (ENCRYPTED: and the stored payload)
 * 52     ..   stored payload
 * </pre>
 *
 * The CRC covers the header as well as the payload, so any flipped bit or truncation is detected;
 * it is checked after decompression, so a codec fault cannot yield a silently wrong value. An
 * encrypted entry's CRC covers the ciphertext instead (a checksum of the plaintext would help guess
 * low-entropy values); its integrity and the header's are authenticated by AES-GCM, checked before
 * decompression.
 */
public final class WalEntry {
    public static final int MAGIC = 0x4C4B;
    public static final int FORMAT_VERSION = 1;
    public static final int HEADER_BYTES = 52;
    static final int CRC_OFFSET = 48;
    public static final int FLAG_RAW = 1;
    public static final int FLAG_ENCRYPTED = 2;

    /** What an entry holds. */
    public enum Type {
        BATCH(1), TXN_PART(2), TXN_COMMIT(3),
        /** A chunk of a checkpoint or backup: one record of PUT operations; count = chunk index. */
        CHECKPOINT_CHUNK(4),
        /**
         * A checkpoint chunk that also carries each key's version: a 4-byte record length, the
         * record of PUT operations, then per operation the LSN of the key's last write (8-byte
         * ledger sequence, 8-byte entry id, 4-byte slot). Written by checkpoints since versions
         * became part of the API; backups keep writing {@link #CHECKPOINT_CHUNK}.
         */
        CHECKPOINT_CHUNK_VERSIONED(5);

        final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    private final CodecType codec;
    private final int flags;
    private final Type type;
    private final int dictId;
    private final long epoch;
    private final long firstTxnSeq;
    private final int count;
    private final long writerTimeMillis;
    private final byte[] payload;
    private final int storedLength;

    private WalEntry(CodecType codec, int flags, Type type, int dictId, long epoch, long firstTxnSeq, int count,
                     long writerTimeMillis, byte[] payload, int storedLength) {
        this.codec = codec;
        this.flags = flags;
        this.type = type;
        this.dictId = dictId;
        this.epoch = epoch;
        this.firstTxnSeq = firstTxnSeq;
        this.count = count;
        this.writerTimeMillis = writerTimeMillis;
        this.payload = payload;
        this.storedLength = storedLength;
    }

    /**
     * Frames {@code payload[off, off+len)} as an entry with a one-off {@link Encoder} (tests and
     * tools; the committer keeps one encoder and reuses its buffers).
     */
    public static byte[] encode(Type type, Codec codec, long epoch, long firstTxnSeq, int count, long writerTimeMillis,
                                byte[] payload, int off, int len) {
        return new Encoder(codec, 0, 0.0).encode(type, epoch, firstTxnSeq, count, writerTimeMillis, payload, off, len);
    }

    /**
     * Frames payloads as entries. Compresses with its codec when the payload is at least
     * {@code minCompressBytes} and the result saves at least {@code minSavings} (a fraction);
     * otherwise stores the payload raw with {@link #FLAG_RAW} set (the codec id stays that of the
     * store's codec). Reuses one compression buffer; allocates only the entry itself. One per thread.
     */
    public static final class Encoder {
        private volatile Codec codec;
        private final int minCompressBytes;
        private final double minSavings;
        private final EntryCipher cipher;
        private byte[] scratch = new byte[0];

        public Encoder(Codec codec, int minCompressBytes, double minSavings) {
            this(codec, minCompressBytes, minSavings, null);
        }

        /** An encoder that also encrypts every payload with {@code cipher}'s active key (null: none). */
        public Encoder(Codec codec, int minCompressBytes, double minSavings, EntryCipher cipher) {
            this.codec = codec;
            this.minCompressBytes = minCompressBytes;
            this.minSavings = minSavings;
            this.cipher = cipher;
        }

        public EntryCipher cipher() {
            return cipher;
        }

        public Codec codec() {
            return codec;
        }

        /** Switches codec (e.g. to a newly trained dictionary); takes effect from the next entry. */
        public void setCodec(Codec codec) {
            this.codec = codec;
        }

        public byte[] encode(Type type, long epoch, long firstTxnSeq, int count, long writerTimeMillis,
                             byte[] payload, int off, int len) {
            Codec c = codec;
            CodecType ct = c.type();
            byte[] out = null;
            int flags = 0;
            int dictId = 0;
            if (ct != CodecType.NONE) {
                if (len >= minCompressBytes) {
                    int bound = c.maxCompressedLength(len);
                    if (scratch.length < bound) {
                        scratch = new byte[Math.max(bound, scratch.length * 2)];
                    }
                    int stored = c.compress(payload, off, len, scratch, 0);
                    if (stored < len && stored <= (long) (len * (1.0 - minSavings))) {
                        out = new byte[HEADER_BYTES + stored];
                        System.arraycopy(scratch, 0, out, HEADER_BYTES, stored);
                        dictId = c.dictionaryId();
                    }
                }
                if (out == null) {
                    flags |= FLAG_RAW;
                }
            }
            if (out == null) {
                out = new byte[HEADER_BYTES + len];
                System.arraycopy(payload, off, out, HEADER_BYTES, len);
            }
            int keyId = 0;
            byte[] body = null;
            if (cipher != null) {
                body = out;
                out = new byte[body.length + EntryCipher.OVERHEAD];
                flags |= FLAG_ENCRYPTED;
                keyId = cipher.activeKeyId();
            }
            ByteBuffer h = ByteBuffer.wrap(out, 0, HEADER_BYTES);
            h.putShort((short) MAGIC).put((byte) FORMAT_VERSION).put((byte) ct.id()).put((byte) flags).put((byte) type.code)
                    .putShort((short) keyId).putInt(dictId).putLong(epoch).putLong(firstTxnSeq).putInt(count)
                    .putLong(writerTimeMillis).putInt(len).putInt(out.length - HEADER_BYTES);
            CRC32C crc = new CRC32C();
            crc.update(out, 0, CRC_OFFSET);
            if (body != null) {
                cipher.seal(out, CRC_OFFSET, body, HEADER_BYTES, body.length - HEADER_BYTES, out, HEADER_BYTES);
                crc.update(out, HEADER_BYTES, out.length - HEADER_BYTES);
            } else {
                crc.update(payload, off, len);
            }
            h.putInt((int) crc.getValue());
            return out;
        }
    }

    /** Supplies a codec for a codec id and dictionary id met while reading. */
    @FunctionalInterface
    public interface CodecSource {
        Codec codecFor(CodecType type, int dictId);

        /** Codecs without dictionaries only (tests, and stores that never trained one). */
        static CodecSource plain() {
            return (t, d) -> t.newCodec();
        }

        static CodecSource of(CodecCache cache) {
            return cache::get;
        }
    }

    /**
     * Checks that {@code cipher} (null: no keys) can read this entry: for an encrypted entry, that its
     * key is configured and authenticates it (no decompression); a plaintext entry always passes. Used
     * before a writer claims a store, so that an opener with wrong keys fences nobody.
     */
    public static void checkReadable(byte[] data, EntryCipher cipher) throws WalFormatException {
        if (data.length < HEADER_BYTES) {
            throw new WalFormatException("entry is " + data.length + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
        }
        ByteBuffer h = ByteBuffer.wrap(data, 0, HEADER_BYTES);
        int flags = h.get(4) & 0xff;
        int keyId = h.getShort(6) & 0xffff;
        if ((flags & FLAG_ENCRYPTED) == 0) {
            return;
        }
        decrypt(data, keyId, data.length - HEADER_BYTES, cipher);
    }

    /** The plaintext payload of an encrypted entry; without a cipher, an {@link EncryptionKeyException}. */
    private static byte[] decrypt(byte[] data, int keyId, int stored, EntryCipher cipher) throws WalFormatException {
        if (cipher == null) {
            throw new EncryptionKeyException("entry is encrypted (key id " + keyId + ") but no encryption keys "
                    + "are configured (StoreConfig.encryption, or --encryption-key-file / encryptionKeyFile)");
        }
        return cipher.open(keyId, data, CRC_OFFSET, data, HEADER_BYTES, stored);
    }

    /** Parses and verifies an entry of a store without encryption keys. */
    public static WalEntry decode(byte[] data, CodecSource codecs) throws WalFormatException {
        return decode(data, codecs, null);
    }

    /**
     * Parses and verifies an entry; every failure says exactly which check failed. {@code cipher}
     * (null: no keys) decrypts ENCRYPTED entries; an encrypted entry without a cipher or with a key id
     * it lacks is an {@link EncryptionKeyException}.
     */
    public static WalEntry decode(byte[] data, CodecSource codecs, EntryCipher cipher) throws WalFormatException {
        if (data.length < HEADER_BYTES) {
            throw new WalFormatException("entry is " + data.length + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
        }
        ByteBuffer h = ByteBuffer.wrap(data, 0, HEADER_BYTES);
        int magic = h.getShort() & 0xffff;
        if (magic != MAGIC) {
            throw new WalFormatException(String.format("bad magic 0x%04x (not a ledgerkv WAL entry)", magic));
        }
        int version = h.get() & 0xff;
        if (version != FORMAT_VERSION) {
            throw new WalFormatException("unsupported format version " + version
                    + " (this version reads " + FORMAT_VERSION + "; written by a newer ledgerkv?)");
        }
        int codecId = h.get() & 0xff;
        CodecType codec = CodecType.byId(codecId);
        if (codec == null) {
            throw new WalFormatException("unknown codec id " + codecId + " (written by a newer ledgerkv?)");
        }
        int flags = h.get() & 0xff;
        int typeCode = h.get() & 0xff;
        Type type = Type.of(typeCode);
        if (type == null) {
            throw new WalFormatException("unknown entry type " + typeCode);
        }
        int keyId = h.getShort() & 0xffff;
        int dictId = h.getInt();
        long epoch = h.getLong();
        long firstTxnSeq = h.getLong();
        int count = h.getInt();
        long time = h.getLong();
        int len = h.getInt();
        int stored = h.getInt();
        int expectedCrc = h.getInt();
        if (len < 0 || stored < 0 || stored != data.length - HEADER_BYTES) {
            throw new WalFormatException("stored length " + stored + " does not match the " + (data.length - HEADER_BYTES)
                    + " payload bytes present (truncated or padded entry)");
        }
        byte[] src = data;
        int srcOff = HEADER_BYTES;
        int srcLen = stored;
        boolean encrypted = (flags & FLAG_ENCRYPTED) != 0;
        if (encrypted) {
            CRC32C crc = new CRC32C();
            crc.update(data, 0, CRC_OFFSET);
            crc.update(data, HEADER_BYTES, stored);
            if ((int) crc.getValue() != expectedCrc) {
                throw new WalFormatException(String.format("CRC32C mismatch: stored 0x%08x, computed 0x%08x",
                        expectedCrc, (int) crc.getValue()));
            }
            src = decrypt(data, keyId, stored, cipher);
            srcOff = 0;
            srcLen = src.length;
        } else if (keyId != 0) {
            throw new WalFormatException("key id " + keyId + " on an entry that is not encrypted");
        }
        byte[] payload;
        if (codec == CodecType.NONE || (flags & FLAG_RAW) != 0) {
            if (srcLen != len) {
                throw new WalFormatException("raw payload of " + srcLen + " bytes but uncompressed length " + len);
            }
            payload = new byte[len];
            System.arraycopy(src, srcOff, payload, 0, len);
        } else {
            payload = new byte[len];
            Codec c;
            try {
                c = codecs.codecFor(codec, dictId);
            } catch (CodecCache.MissingDictionaryException e) {
                throw new WalFormatException(codec + " entry needs dictionary " + dictId + ", which cannot be loaded: "
                        + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new WalFormatException(codec + " entry with dictionary id " + dictId + " cannot be decoded: "
                        + e.getMessage(), e);
            }
            try {
                c.decompress(src, srcOff, srcLen, payload, 0, len);
            } catch (RuntimeException e) {
                throw new WalFormatException(codec + " payload does not decompress: " + e.getMessage(), e);
            }
        }
        if (!encrypted) {
            CRC32C crc = new CRC32C();
            crc.update(data, 0, CRC_OFFSET);
            crc.update(payload, 0, len);
            if ((int) crc.getValue() != expectedCrc) {
                throw new WalFormatException(String.format("CRC32C mismatch: stored 0x%08x, computed 0x%08x",
                        expectedCrc, (int) crc.getValue()));
            }
        }
        return new WalEntry(codec, flags, type, dictId, epoch, firstTxnSeq, count, time, payload, stored);
    }

    public CodecType codec() {
        return codec;
    }

    public boolean isEncrypted() {
        return (flags & FLAG_ENCRYPTED) != 0;
    }

    public boolean isRaw() {
        return (flags & FLAG_RAW) != 0;
    }

    public Type type() {
        return type;
    }

    public int dictId() {
        return dictId;
    }

    public long epoch() {
        return epoch;
    }

    public long firstTxnSeq() {
        return firstTxnSeq;
    }

    /** BATCH: number of transactions; parts: the part index. */
    public int count() {
        return count;
    }

    public long writerTimeMillis() {
        return writerTimeMillis;
    }

    /** The uncompressed payload. */
    public byte[] payload() {
        return payload;
    }

    public int storedLength() {
        return storedLength;
    }
}
