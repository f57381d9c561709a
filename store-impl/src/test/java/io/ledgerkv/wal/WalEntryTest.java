package io.ledgerkv.wal;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.codec.Codec;
import io.ledgerkv.codec.CodecCache;
import io.ledgerkv.codec.CodecTest;
import io.ledgerkv.codec.CodecType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalEntryTest {
    private static final WalEntry.CodecSource CODECS = WalEntry.CodecSource.plain();

    private static byte[] sampleEntry() {
        byte[] t1 = TxnRecord.encode(List.of(new Mutation(b("a"), b("1")), new Mutation(b("b"), null)));
        byte[] t2 = TxnRecord.encode(List.of(new Mutation(b("c"), new byte[0])));
        byte[] payload = new byte[t1.length + t2.length];
        System.arraycopy(t1, 0, payload, 0, t1.length);
        System.arraycopy(t2, 0, payload, t1.length, t2.length);
        return WalEntry.encode(WalEntry.Type.BATCH, CodecType.NONE.newCodec(), 7, 41, 2, 1234L, payload, 0, payload.length);
    }

    @Test
    void roundTripKeepsEveryField() throws Exception {
        WalEntry e = WalEntry.decode(sampleEntry(), CODECS);
        assertThat(e.type()).isEqualTo(WalEntry.Type.BATCH);
        assertThat(e.codec()).isEqualTo(CodecType.NONE);
        assertThat(e.epoch()).isEqualTo(7);
        assertThat(e.firstTxnSeq()).isEqualTo(41);
        assertThat(e.count()).isEqualTo(2);
        assertThat(e.writerTimeMillis()).isEqualTo(1234L);
        List<List<Mutation>> txns = TxnRecord.decodeAll(e.payload(), 0, e.payload().length, 2);
        assertThat(txns).hasSize(2);
        assertThat(txns.get(0).get(0).key()).isEqualTo(b("a"));
        assertThat(txns.get(0).get(0).value()).isEqualTo(b("1"));
        assertThat(txns.get(0).get(1).isDelete()).isTrue();
        assertThat(txns.get(1).get(0).value()).isEmpty();
    }

    @Test
    void everySingleBitFlipIsDetected() {
        byte[] good = sampleEntry();
        for (int i = 0; i < good.length * 8; i++) {
            byte[] bad = good.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            final int bit = i;
            assertThatThrownBy(() -> WalEntry.decode(bad, CODECS))
                    .as("bit %d", bit)
                    .isInstanceOf(WalFormatException.class);
        }
    }

    @Test
    void everyTruncationIsDetected() {
        byte[] good = sampleEntry();
        for (int len = 0; len < good.length; len++) {
            byte[] bad = Arrays.copyOf(good, len);
            assertThatThrownBy(() -> WalEntry.decode(bad, CODECS)).isInstanceOf(WalFormatException.class);
        }
        byte[] padded = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> WalEntry.decode(padded, CODECS))
                .isInstanceOf(WalFormatException.class).hasMessageContaining("truncated or padded");
    }

    @Test
    void errorsSayWhichCheckFailed() {
        byte[] e = sampleEntry();
        byte[] magic = e.clone();
        magic[0] = 0;
        assertThatThrownBy(() -> WalEntry.decode(magic, CODECS)).hasMessageContaining("bad magic");
        byte[] version = e.clone();
        version[2] = 9;
        assertThatThrownBy(() -> WalEntry.decode(version, CODECS))
                .hasMessageContaining("unsupported format version 9").hasMessageContaining("newer");
        byte[] codec = e.clone();
        codec[3] = (byte) 200;
        assertThatThrownBy(() -> WalEntry.decode(codec, CODECS))
                .hasMessageContaining("unknown codec id 200").hasMessageContaining("newer");
        byte[] payload = e.clone();
        payload[payload.length - 1] ^= 1;
        assertThatThrownBy(() -> WalEntry.decode(payload, CODECS)).hasMessageContaining("CRC32C mismatch");
    }

    @Test
    void malformedRecordsAreRejected() {
        byte[] rec = TxnRecord.encode(List.of(new Mutation(b("key"), b("value"))));
        assertThatThrownBy(() -> TxnRecord.decodeSingle(rec, 0, rec.length - 1)).isInstanceOf(WalFormatException.class);
        byte[] badOp = rec.clone();
        badOp[1] = 7;
        assertThatThrownBy(() -> TxnRecord.decodeSingle(badOp, 0, badOp.length))
                .hasMessageContaining("unknown operation type 7");
        assertThatThrownBy(() -> TxnRecord.decodeAll(rec, 0, rec.length, 2)).hasMessageContaining("header says 2");
    }

    @Test
    void varintsRoundTripAtTheirBoundaries() throws Exception {
        for (int v : new int[] {0, 1, 127, 128, 16383, 16384, (1 << 21) - 1, 1 << 21, Integer.MAX_VALUE}) {
            byte[] buf = new byte[5];
            int end = TxnRecord.putVarint(buf, 0, v);
            assertThat(end).isEqualTo(TxnRecord.varintSize(v));
            assertThat(TxnRecord.getVarint(buf, new int[] {0}, end)).isEqualTo(v);
        }
    }

    /**
     * A codec whose output size a test chooses exactly: it drops a payload's trailing zero bytes
     * and restores them on decompression (real codecs cannot be steered to a given size).
     */
    private static final class TrailingZeroCodec implements Codec {
        @Override
        public CodecType type() {
            return CodecType.LZ4;
        }

        @Override
        public int maxCompressedLength(int length) {
            return length;
        }

        @Override
        public int compress(byte[] src, int srcOff, int length, byte[] dst, int dstOff) {
            int n = length;
            while (n > 0 && src[srcOff + n - 1] == 0) {
                n--;
            }
            System.arraycopy(src, srcOff, dst, dstOff, n);
            return n;
        }

        @Override
        public void decompress(byte[] src, int srcOff, int length, byte[] dst, int dstOff, int originalLength) {
            System.arraycopy(src, srcOff, dst, dstOff, length);
            Arrays.fill(dst, dstOff + length, dstOff + originalLength, (byte) 0);
        }
    }

    /** {@code len} bytes of 0x07 whose last {@code zeros} are zero. */
    private static byte[] withTrailingZeros(int len, int zeros) {
        byte[] p = new byte[len];
        Arrays.fill(p, 0, len - zeros, (byte) 7);
        return p;
    }

    private static WalEntry encodeAndDecode(WalEntry.Encoder enc, byte[] payload) throws Exception {
        byte[] entry = enc.encode(WalEntry.Type.BATCH, 1, 1, 0, 0, payload, 0, payload.length);
        WalEntry e = WalEntry.decode(entry, (t, d) -> new TrailingZeroCodec());
        assertThat(e.payload()).isEqualTo(payload);
        assertThat(e.storedLength()).isEqualTo(entry.length - WalEntry.HEADER_BYTES);
        return e;
    }

    @Test
    void payloadsBelowTheCompressionThresholdAreStoredRaw() throws Exception {
        WalEntry.Encoder enc = new WalEntry.Encoder(new TrailingZeroCodec(), 10, 0.0);
        WalEntry atThreshold = encodeAndDecode(enc, withTrailingZeros(10, 1));
        assertThat(atThreshold.isRaw()).isFalse();
        assertThat(atThreshold.storedLength()).isEqualTo(9);
        WalEntry below = encodeAndDecode(enc, withTrailingZeros(9, 1));
        assertThat(below.isRaw()).isTrue();
        assertThat(below.storedLength()).isEqualTo(9);
        assertThat(below.codec()).as("the codec id stays the store's").isEqualTo(CodecType.LZ4);
    }

    @Test
    void compressionMustSaveAtLeastTheMinimumFraction() throws Exception {
        WalEntry.Encoder noSavingsNeeded = new WalEntry.Encoder(new TrailingZeroCodec(), 0, 0.0);
        WalEntry same = encodeAndDecode(noSavingsNeeded, withTrailingZeros(100, 0));
        assertThat(same.isRaw()).as("compressed to its own size: raw is as small and cheaper to read").isTrue();
        assertThat(encodeAndDecode(noSavingsNeeded, withTrailingZeros(100, 1)).isRaw()).isFalse();

        WalEntry.Encoder quarter = new WalEntry.Encoder(new TrailingZeroCodec(), 0, 0.25);
        WalEntry exactlyAQuarter = encodeAndDecode(quarter, withTrailingZeros(100, 25));
        assertThat(exactlyAQuarter.isRaw()).isFalse();
        assertThat(exactlyAQuarter.storedLength()).isEqualTo(75);
        WalEntry justShort = encodeAndDecode(quarter, withTrailingZeros(100, 24));
        assertThat(justShort.isRaw()).isTrue();
        assertThat(justShort.storedLength()).isEqualTo(100);
    }

    @Test
    void oneEncoderServesGrowingPayloadsAndSwitchesCodecForTheNextEntry() throws Exception {
        Codec lz4 = CodecType.LZ4.newCodec();
        WalEntry.Encoder enc = new WalEntry.Encoder(lz4, 0, 0.0);
        assertThat(enc.codec()).isSameAs(lz4);
        assertThat(enc.cipher()).isNull();
        for (int len : new int[] {100, 5_000, 300_000}) {
            byte[] p = new byte[len];
            Arrays.fill(p, (byte) 'x');
            WalEntry e = WalEntry.decode(enc.encode(WalEntry.Type.BATCH, 1, 1, 0, 0, p, 0, len), CODECS);
            assertThat(e.payload()).as("%d bytes", len).isEqualTo(p);
            assertThat(e.isRaw()).isFalse();
        }
        Codec zstd = CodecType.ZSTD.newCodec();
        enc.setCodec(zstd);
        assertThat(enc.codec()).isSameAs(zstd);
        byte[] p = new byte[1000];
        assertThat(WalEntry.decode(enc.encode(WalEntry.Type.BATCH, 1, 1, 0, 0, p, 0, p.length), CODECS).codec())
                .isEqualTo(CodecType.ZSTD);
    }

    @Test
    void aDictionaryEntryRecordsItsDictionaryId() throws Exception {
        byte[] p = new byte[4096];
        Arrays.fill(p, (byte) 'y');
        byte[] entry = new WalEntry.Encoder(CodecType.ZSTD_DICT.newCodec(0, CodecTest.DICT), 0, 0.0)
                .encode(WalEntry.Type.BATCH, 1, 1, 0, 0, p, 0, p.length);
        WalEntry e = WalEntry.decode(entry, WalEntry.CodecSource.of(new CodecCache(id -> CodecTest.DICT)));
        assertThat(e.dictId()).isEqualTo(CodecTest.DICT.id()).isNotZero();
        assertThat(e.payload()).isEqualTo(p);
    }

    @Test
    void anEmptyPayloadIsAHeaderOnlyEntry() throws Exception {
        byte[] entry = WalEntry.encode(WalEntry.Type.BATCH, CodecType.NONE.newCodec(), 1, 1, 0, 0, new byte[0], 0, 0);
        assertThat(entry).hasSize(WalEntry.HEADER_BYTES);
        WalEntry.checkReadable(entry, null);
        WalEntry e = WalEntry.decode(entry, CODECS);
        assertThat(e.payload()).isEmpty();
        assertThat(e.storedLength()).isZero();
        assertThat(e.isEncrypted()).isFalse();
        assertThat(e.isRaw()).isFalse();
        byte[] shorter = Arrays.copyOf(entry, WalEntry.HEADER_BYTES - 1);
        assertThatThrownBy(() -> WalEntry.checkReadable(shorter, null)).isInstanceOf(WalFormatException.class)
                .hasMessage("entry is 51 bytes, shorter than the 52-byte header");
    }

    @Test
    void aPlaintextEntryIsReadableWithoutKeys() throws Exception {
        byte[] entry = sampleEntry();
        WalEntry.checkReadable(entry, null);
        assertThat(WalEntry.decode(entry, CODECS, null).isEncrypted()).isFalse();
    }

    @Test
    void thePlainCodecSourceDecodesCompressedEntries() throws Exception {
        byte[] p = new byte[2048];
        byte[] entry = new WalEntry.Encoder(CodecType.LZ4.newCodec(), 0, 0.0).encode(WalEntry.Type.BATCH, 1, 1, 0, 0, p, 0, p.length);
        WalEntry e = WalEntry.decode(entry, WalEntry.CodecSource.plain());
        assertThat(e.isRaw()).isFalse();
        assertThat(e.payload()).isEqualTo(p);
    }

    @Test
    void aPaddedEntryReportsBothLengths() {
        byte[] good = sampleEntry();
        int stored = good.length - WalEntry.HEADER_BYTES;
        byte[] padded = Arrays.copyOf(good, good.length + 3);
        assertThatThrownBy(() -> WalEntry.decode(padded, CODECS)).hasMessageStartingWith(
                "stored length " + stored + " does not match the " + (stored + 3) + " payload bytes present");
    }

    @Test
    void negativeLengthsAndAKeyIdOnAPlaintextEntryAreRefused() {
        byte[] good = sampleEntry();
        byte[] negative = good.clone();
        ByteBuffer.wrap(negative).putInt(40, -1);
        assertThatThrownBy(() -> WalEntry.decode(negative, CODECS)).hasMessageContaining("truncated or padded");
        byte[] keyId = good.clone();
        ByteBuffer.wrap(keyId).putShort(6, (short) 3);
        assertThatThrownBy(() -> WalEntry.decode(keyId, CODECS)).hasMessage("key id 3 on an entry that is not encrypted");
    }
}
