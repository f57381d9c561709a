package io.ledgerkv.wal;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.codec.CodecType;
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
}
