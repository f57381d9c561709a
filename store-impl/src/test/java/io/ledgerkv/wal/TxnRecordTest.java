package io.ledgerkv.wal;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The transaction record on its own: every operation type round-trips, and every malformed or
 * cut-off record is refused with a message naming the field that is wrong, also when the record
 * sits inside a larger buffer whose bytes past the record's end must never be read.
 */
class TxnRecordTest {
    /** Every byte different, so a shift or byte-order slip in the expiry field cannot go unseen. */
    private static final long EXPIRE_AT = 0x0102030405060708L;

    /** {@code rec} at offset {@code off} of a larger buffer with {@code tail} bytes of 0x01 after it. */
    private static byte[] embedded(byte[] rec, int off, int tail) {
        byte[] buf = new byte[off + rec.length + tail];
        Arrays.fill(buf, (byte) 1);
        System.arraycopy(rec, 0, buf, off, rec.length);
        return buf;
    }

    private static List<String> describe(List<Mutation> ops) {
        return ops.stream().map(m -> s(m.key()) + (m.isDelete() ? " deleted" : "=" + s(m.value()))
                + (m.expires() ? " until " + m.expireAt() : "")).toList();
    }

    @Test
    void putsDeletesAndExpiringPutsRoundTrip() throws Exception {
        List<Mutation> ops = List.of(new Mutation(b("a"), b("1")), new Mutation(b("b"), null),
                new Mutation(b("c"), b("3"), EXPIRE_AT), new Mutation(b("d"), b("4"), 1));
        byte[] rec = TxnRecord.encode(ops);
        assertThat(rec).hasSize(TxnRecord.encodedSize(ops));
        byte[] buf = embedded(rec, 3, 4);
        assertThat(describe(TxnRecord.decodeSingle(buf, 3, rec.length)))
                .containsExactly("a=1", "b deleted", "c=3 until " + EXPIRE_AT, "d=4 until 1");
        // op of "c": type, key length, key, then the expiry big-endian
        int at = 1 + 3 + 2 + 3;
        assertThat(rec[at]).isEqualTo((byte) TxnRecord.OP_PUT_TTL);
        assertThat(ByteBuffer.wrap(rec, at + 3, 8).getLong()).isEqualTo(EXPIRE_AT);
    }

    @Test
    void anEmptyTransactionIsOneCountByte() throws Exception {
        byte[] rec = TxnRecord.encode(List.of());
        assertThat(rec).containsExactly(0);
        assertThat(TxnRecord.decodeSingle(rec, 0, 1)).isEmpty();
        assertThat(TxnRecord.decodeAll(new byte[] {0, 0}, 0, 2, 2)).hasSize(2).allSatisfy(t -> assertThat(t).isEmpty());
    }

    @Test
    void mutationsKnowTheirKindAndEncodedSize() {
        Mutation put = new Mutation(b("k"), b("vv"));
        Mutation del = new Mutation(b("k"), null);
        Mutation ttl = new Mutation(b("k"), b("v"), 99);
        assertThat(put.isDelete()).isFalse();
        assertThat(put.expires()).isFalse();
        assertThat(del.isDelete()).isTrue();
        assertThat(ttl.expires()).isTrue();
        for (Mutation m : List.of(put, del, ttl)) {
            // one count byte precedes the single operation
            assertThat(m.encodedSize()).isEqualTo(TxnRecord.encode(List.of(m)).length - 1);
        }
        assertThat(List.of(put.toString(), del.toString(), ttl.toString()))
                .containsExactly("PUT[1B=2B]", "DEL[1B]", "PUT[1B=1B until 99]");
        assertThatThrownBy(() -> new Mutation(b("k"), null, 5)).hasMessageContaining("a delete cannot expire");
    }

    @Test
    void trailingBytesAreCountedFromTheRecordsOffset() {
        byte[] rec = TxnRecord.encode(List.of(new Mutation(b("k"), b("v"))));
        byte[] buf = embedded(rec, 3, 2);
        assertThatThrownBy(() -> TxnRecord.decodeSingle(buf, 3, rec.length + 2))
                .isInstanceOf(WalFormatException.class).hasMessage("2 trailing bytes after the transaction record");
    }

    @Test
    void anOperationCountLargerThanTheRecordIsRefusedUpFront() {
        byte[] buf = {5, 2, 1, 'k', 1, 1, 1, 1, 1};
        assertThatThrownBy(() -> TxnRecord.decodeSingle(buf, 0, 4)).hasMessage("bad operation count 5");
        byte[] negative = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        assertThatThrownBy(() -> TxnRecord.decodeSingle(negative, 0, 5)).hasMessage("bad operation count -1");
    }

    @Test
    void aRecordThatEndsBeforeItsLastOperationIsRefused() {
        // two operations declared, one present; the buffer goes on past the record's end
        byte[] rec = {2, 2, 1, 'k'};
        byte[] buf = embedded(rec, 0, 3);
        assertThatThrownBy(() -> TxnRecord.decodeSingle(buf, 0, rec.length))
                .isInstanceOf(WalFormatException.class).hasMessage("record ends inside operation 1 of 2");
        byte[] exact = rec.clone();
        assertThatThrownBy(() -> TxnRecord.decodeSingle(exact, 0, exact.length))
                .isInstanceOf(WalFormatException.class).hasMessage("record ends inside operation 1 of 2");
    }

    @Test
    void aLengthPastTheRecordsEndIsRefused() {
        byte[] rec = TxnRecord.encode(List.of(new Mutation(b("key"), b("value"))));
        int cut = rec.length - 1;
        assertThatThrownBy(() -> TxnRecord.decodeSingle(rec, 0, cut))
                .isInstanceOf(WalFormatException.class).hasMessage("length 5 runs past the end of the record");
    }

    @Test
    void expiryTimesAreBoundedAndCutOffOnesRefused() {
        byte[] rec = TxnRecord.encode(List.of(new Mutation(b("k"), b("v"), EXPIRE_AT)));
        int expiryStart = 1 + 1 + 1 + 1;
        for (int cut = expiryStart; cut < expiryStart + 8; cut++) {
            int len = cut;
            assertThatThrownBy(() -> TxnRecord.decodeSingle(rec, 0, len)).as("cut at %d", cut)
                    .isInstanceOf(WalFormatException.class).hasMessage("record ends inside an expiry time");
        }
        // all eight expiry bytes present: what is missing now is the value
        assertThatThrownBy(() -> TxnRecord.decodeSingle(rec, 0, expiryStart + 8)).hasMessage("record ends inside a varint");
        for (long bad : new long[] {0, -1, Long.MIN_VALUE, Mutation.NEVER}) {
            byte[] r = rec.clone();
            ByteBuffer.wrap(r).putLong(expiryStart, bad);
            assertThatThrownBy(() -> TxnRecord.decodeSingle(r, 0, r.length)).hasMessage("bad expiry time " + bad);
        }
    }

    @Test
    void varintsEndAtTheRecordAndAtFiveBytes() throws Exception {
        byte[] cut = {(byte) 0x80, 0x01};
        assertThatThrownBy(() -> TxnRecord.getVarint(cut, new int[] {0}, 1)).hasMessage("record ends inside a varint");
        assertThat(TxnRecord.getVarint(cut, new int[] {0}, 2)).isEqualTo(128);
        byte[] six = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00};
        assertThatThrownBy(() -> TxnRecord.getVarint(six, new int[] {0}, six.length)).hasMessage("varint longer than 5 bytes");
    }

    @Test
    void aPrefixHoldsTheCompleteOperationsOfACutRecord() {
        List<Mutation> ops = List.of(new Mutation(b("a"), b("1")), new Mutation(b("b"), b("2")), new Mutation(b("c"), b("3")));
        byte[] rec = TxnRecord.encode(ops);
        byte[] buf = embedded(rec, 5, 0);
        assertThat(describe(TxnRecord.decodePrefix(buf, 5, rec.length))).containsExactly("a=1", "b=2", "c=3");
        assertThat(describe(TxnRecord.decodePrefix(buf, 5, rec.length - 1))).containsExactly("a=1", "b=2");
        assertThat(TxnRecord.decodePrefix(buf, 5, 0)).isEmpty();
    }

    @Test
    void aPrefixStopsAtTheDeclaredCountEvenIfMoreBytesFollow() {
        byte[] first = TxnRecord.encode(List.of(new Mutation(b("a"), b("1"))));
        // bytes after the record that happen to form a whole operation (an op without its count byte)
        byte[] more = TxnRecord.encode(List.of(new Mutation(b("b"), b("2"))));
        byte[] buf = new byte[first.length + more.length - 1];
        System.arraycopy(first, 0, buf, 0, first.length);
        System.arraycopy(more, 1, buf, first.length, more.length - 1);
        assertThat(describe(TxnRecord.decodePrefix(buf, 0, buf.length))).containsExactly("a=1");
    }
}
