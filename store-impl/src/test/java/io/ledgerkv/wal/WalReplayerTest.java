package io.ledgerkv.wal;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.testing.Bytes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalReplayerTest {
    private final List<String> applied = new ArrayList<>();
    private final WalReplayer replayer = new WalReplayer("s", 0,
            (seq, lsn, time, ops) -> applied.add(seq + "@" + lsn + "=" + s(ops.get(0).key())));

    private static WalEntry batch(long epoch, long first, String... keys) throws Exception {
        byte[] payload = new byte[0];
        for (String k : keys) {
            byte[] r = TxnRecord.encode(List.of(new Mutation(b(k), b("v"))));
            byte[] n = new byte[payload.length + r.length];
            System.arraycopy(payload, 0, n, 0, payload.length);
            System.arraycopy(r, 0, n, payload.length, r.length);
            payload = n;
        }
        return decode(WalEntry.encode(WalEntry.Type.BATCH, CodecType.NONE.newCodec(), epoch, first, keys.length, 0, payload, 0, payload.length));
    }

    private static WalEntry[] large(long epoch, long seq, String key, int parts) throws Exception {
        byte[] rec = TxnRecord.encode(List.of(new Mutation(b(key), new byte[parts * 10])));
        int chunk = (rec.length + parts - 1) / parts;
        WalEntry[] out = new WalEntry[parts];
        for (int i = 0; i < parts; i++) {
            int off = i * chunk;
            int len = Math.min(chunk, rec.length - off);
            WalEntry.Type t = i == parts - 1 ? WalEntry.Type.TXN_COMMIT : WalEntry.Type.TXN_PART;
            out[i] = decode(WalEntry.encode(t, CodecType.NONE.newCodec(), epoch, seq, i, 0, rec, off, len));
        }
        return out;
    }

    private static WalEntry decode(byte[] data) throws Exception {
        return WalEntry.decode(data, WalEntry.CodecSource.plain());
    }

    @Test
    void batchesApplyInOrderWithTheirLsns() throws Exception {
        replayer.accept(1, 10, 0, batch(1, 1, "a", "b"));
        replayer.accept(1, 10, 1, batch(1, 3, "c"));
        assertThat(applied).containsExactly("1@1:0:0=a", "2@1:0:1=b", "3@1:1:0=c");
        assertThat(replayer.lastSeq()).isEqualTo(3);
    }

    @Test
    void largeTransactionAppliesOnlyAtItsCommitEntry() throws Exception {
        WalEntry[] parts = large(1, 1, "big", 3);
        replayer.accept(1, 10, 0, parts[0]);
        replayer.accept(1, 10, 1, parts[1]);
        assertThat(applied).isEmpty();
        assertThat(replayer.hasPendingParts()).isTrue();
        replayer.accept(2, 11, 0, parts[2]); // parts may straddle a ledger roll
        assertThat(applied).containsExactly("1@2:0:0=big");
    }

    @Test
    void partsOfACrashedWriterAreDroppedWhenTheNextEpochStarts() throws Exception {
        WalEntry[] parts = large(1, 1, "lost", 3);
        replayer.accept(1, 10, 0, parts[0]);
        replayer.accept(1, 10, 1, parts[1]);
        replayer.accept(2, 11, 0, batch(2, 1, "next"));
        assertThat(applied).containsExactly("1@2:0:0=next");
        assertThat(replayer.hasPendingParts()).isFalse();
    }

    @Test
    void gapsDuplicatesAndBackwardEpochsAreCorruption() throws Exception {
        replayer.accept(1, 10, 0, batch(2, 1, "a"));
        assertThatThrownBy(() -> replayer.accept(1, 10, 1, batch(2, 3, "gap")))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining("store 's', ledger 10, entry 1")
                .hasMessageContaining("transactions 2..2 are missing");
        assertThatThrownBy(() -> replayer.accept(1, 10, 1, batch(2, 1, "dup")))
                .hasMessageContaining("appears again");
        assertThatThrownBy(() -> replayer.accept(1, 10, 1, batch(1, 2, "old")))
                .hasMessageContaining("epoch went backwards");
    }

    @Test
    void outOfOrderPartsAreCorruption() throws Exception {
        WalEntry[] parts = large(1, 1, "big", 3);
        replayer.accept(1, 10, 0, parts[0]);
        assertThatThrownBy(() -> replayer.accept(1, 10, 1, parts[2])).hasMessageContaining("out of order");
    }

    @Test
    void entriesBeforeTheStartingPointAreSkipped() throws Exception {
        WalReplayer fromCheckpoint = new WalReplayer("s", 2,
                (seq, lsn, time, ops) -> applied.add(seq + "=" + s(ops.get(0).key())));
        fromCheckpoint.accept(1, 10, 0, batch(1, 1, "a", "b", "c"));
        fromCheckpoint.accept(1, 10, 1, batch(1, 4, "d"));
        assertThat(applied).containsExactly("3=c", "4=d");
        assertThat(new Lsn(1, 0, 2)).isLessThan(new Lsn(1, 1, 0));
    }

    /** A failure roll split transaction 2 over two ledgers; a checkpoint at 2 covers it and the first ledger is gone. */
    @Test
    void laterPartsOfATransactionTheCheckpointHoldsAreSkipped() throws Exception {
        WalReplayer fromCheckpoint = new WalReplayer("s", 2,
                (seq, lsn, time, ops) -> applied.add(seq + "=" + s(ops.get(0).key())));
        WalEntry[] parts = large(1, 2, "big", 4);
        fromCheckpoint.accept(2, 11, 0, parts[2]);
        fromCheckpoint.accept(2, 11, 1, parts[3]);
        fromCheckpoint.accept(2, 11, 2, batch(1, 3, "after"));
        assertThat(applied).containsExactly("3=after");
        assertThat(fromCheckpoint.hasPendingParts()).isFalse();
    }

    /** The same later part where the replay has not reached the transaction: its first parts are missing, a gap. */
    @Test
    void laterPartsWithoutTheirFirstPartsAreAGap() throws Exception {
        replayer.accept(1, 10, 0, batch(1, 1, "a"));
        WalEntry[] parts = large(1, 3, "big", 3);
        assertThatThrownBy(() -> replayer.accept(2, 11, 0, parts[1]))
                .isInstanceOf(WalGapException.class)
                .hasMessageContaining("the first parts of transaction 3 and transactions 2..2 are missing");
        WalEntry[] next = large(1, 2, "big", 3);
        assertThatThrownBy(() -> replayer.accept(2, 11, 0, next[2]))
                .isInstanceOf(WalGapException.class)
                .hasMessageContaining("the first parts of transaction 2 are missing");
    }

    /** Once the replay has applied something, an old later part is a duplicate, not something to skip. */
    @Test
    void aLaterPartOfAnAppliedTransactionAfterTheStartIsADuplicate() throws Exception {
        WalEntry[] parts = large(1, 1, "big", 3);
        for (WalEntry p : parts) {
            replayer.accept(1, 10, 0, p);
        }
        replayer.accept(1, 10, 3, batch(1, 2, "b"));
        assertThatThrownBy(() -> replayer.accept(1, 10, 4, parts[2])).isInstanceOf(CorruptEntryException.class)
                .isNotInstanceOf(WalGapException.class).hasMessageContaining("out of order");
    }

    /**
     * A reader that read the first parts of transaction 1 and then fell behind a checkpoint that
     * trimmed the rest meets a later transaction: a gap (it reloads from the checkpoint), not corruption.
     */
    @Test
    void aLaterTransactionWhileALargeOneIsUnfinishedIsAGap() throws Exception {
        WalEntry[] parts = large(1, 1, "big", 3);
        replayer.accept(1, 10, 0, parts[0]);
        assertThatThrownBy(() -> replayer.accept(2, 11, 0, batch(1, 3, "later")))
                .isInstanceOf(WalGapException.class).hasMessageContaining("the rest of it and transactions 2..2 are missing");
        assertThatThrownBy(() -> replayer.accept(2, 11, 0, large(1, 2, "next", 2)[0]))
                .isInstanceOf(WalGapException.class).hasMessageContaining("large transaction 2 starting while large transaction 1");
        assertThatThrownBy(() -> replayer.accept(2, 11, 0, large(1, 2, "next", 3)[1]))
                .isInstanceOf(WalGapException.class).hasMessageContaining("part 1 of transaction 2 while large transaction 1");
        assertThatThrownBy(() -> replayer.accept(2, 11, 0, batch(1, 1, "same")))
                .isInstanceOf(CorruptEntryException.class).isNotInstanceOf(WalGapException.class)
                .hasMessageContaining("batch entry in the middle of large transaction 1");
    }

    /**
     * A reader that read part 0 of transaction 1, then fell behind a checkpoint that trimmed the
     * ledger holding parts 1 and 2, meets part 3 in the next ledger (a failure roll re-sent it there):
     * a gap it reloads from, not corruption. Found by the exhaustive simulation run of 2026-12-02
     * (seed 4794585889726732828: a standby stopped on "part 3 of transaction 11 out of order").
     * A part the replay has already passed is still corruption.
     */
    @Test
    void aLaterPartOfTheUnfinishedTransactionIsAGapAndAnEarlierOneCorruption() throws Exception {
        WalEntry[] parts = large(1, 1, "big", 5);
        replayer.accept(1, 10, 0, parts[0]);
        assertThatThrownBy(() -> replayer.accept(2, 11, 0, parts[3]))
                .isInstanceOf(WalGapException.class)
                .hasMessageContaining("part 3 of large transaction 1: parts 1..2 of it are missing from the log");
        replayer.accept(1, 10, 1, parts[1]);
        assertThatThrownBy(() -> replayer.accept(1, 10, 2, parts[1])).isInstanceOf(CorruptEntryException.class)
                .isNotInstanceOf(WalGapException.class).hasMessageContaining("part 1 of transaction 1 out of order (expected part 2");
    }

    /** {@code rec} cut at {@code cuts} into TXN_PART entries and a final TXN_COMMIT. */
    private static WalEntry[] split(long epoch, long seq, byte[] rec, int... cuts) throws Exception {
        WalEntry[] out = new WalEntry[cuts.length + 1];
        for (int i = 0; i <= cuts.length; i++) {
            int from = i == 0 ? 0 : cuts[i - 1];
            int to = i == cuts.length ? rec.length : cuts[i];
            WalEntry.Type t = i == cuts.length ? WalEntry.Type.TXN_COMMIT : WalEntry.Type.TXN_PART;
            out[i] = decode(WalEntry.encode(t, CodecType.NONE.newCodec(), epoch, seq, i, 0, rec, from, to - from));
        }
        return out;
    }

    @Test
    void entriesAndTheLastEpochAreCounted() throws Exception {
        assertThat(replayer.entries()).isZero();
        assertThat(replayer.lastEpoch()).isEqualTo(-1);
        replayer.accept(1, 10, 0, batch(3, 1, "a"));
        replayer.accept(1, 10, 1, batch(3, 2, "b"));
        assertThat(replayer.entries()).isEqualTo(2);
        assertThat(replayer.lastEpoch()).isEqualTo(3);
    }

    /** After the start, a part of the transaction just applied is a duplicate: corruption, not a reason to reload. */
    @Test
    void aRepeatedPartOfTheLastAppliedTransactionIsCorruption() throws Exception {
        WalEntry[] parts = large(1, 1, "big", 3);
        for (WalEntry p : parts) {
            replayer.accept(1, 10, 0, p);
        }
        assertThat(replayer.lastSeq()).isEqualTo(1);
        assertThatThrownBy(() -> replayer.accept(1, 10, 3, parts[1])).isInstanceOf(CorruptEntryException.class)
                .isNotInstanceOf(WalGapException.class).hasMessageContaining("out of order");
    }

    @Test
    void theFirstPartOfALargeTransactionIsCheckedForGapsAndDuplicates() throws Exception {
        replayer.accept(1, 10, 0, batch(1, 1, "a"));
        assertThatThrownBy(() -> replayer.accept(1, 10, 1, large(1, 3, "big", 2)[0]))
                .isInstanceOf(WalGapException.class).hasMessageContaining("transactions 2..2 are missing");
        replayer.accept(1, 10, 1, batch(1, 2, "b"));
        assertThatThrownBy(() -> replayer.accept(1, 10, 2, large(1, 2, "big", 2)[0]))
                .isInstanceOf(CorruptEntryException.class).hasMessageContaining("transaction 2 appears again after 2");
        assertThat(replayer.hasPendingParts()).isFalse();
    }

    @Test
    void aLargeTransactionTheStartingCheckpointHoldsIsNotAppliedAgain() throws Exception {
        WalReplayer fromCheckpoint = new WalReplayer("s", 2,
                (seq, lsn, time, ops) -> applied.add(seq + "=" + s(ops.get(0).key())));
        for (WalEntry p : large(1, 2, "big", 3)) {
            fromCheckpoint.accept(1, 10, 0, p);
        }
        assertThat(applied).isEmpty();
        assertThat(fromCheckpoint.hasPendingParts()).isFalse();
        fromCheckpoint.accept(1, 10, 3, batch(1, 3, "c"));
        assertThat(applied).containsExactly("3=c");
    }

    /** The reassembly buffer starts at 64 KiB: a first part above that, then growth that must keep what was read. */
    @Test
    void aLargeTransactionBeyondTheReassemblyBufferArrivesWhole() throws Exception {
        byte[] value = Bytes.filled(300_000, 3);
        byte[] rec = TxnRecord.encode(List.of(new Mutation(b("big"), value)));
        List<List<Mutation>> got = new ArrayList<>();
        WalReplayer r = new WalReplayer("s", 0, (seq, lsn, time, ops) -> got.add(ops));
        for (WalEntry p : split(1, 1, rec, 70_000, 80_000, 230_000)) {
            r.accept(1, 10, 0, p);
        }
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).hasSize(1);
        assertThat(got.get(0).get(0).value()).isEqualTo(value);
    }

    @Test
    void theRestOfAnUnfinishedTransactionAloneIsNamedWithoutARange() throws Exception {
        replayer.accept(1, 10, 0, large(1, 1, "big", 3)[0]);
        assertThatThrownBy(() -> replayer.accept(2, 11, 0, batch(1, 2, "next")))
                .isInstanceOf(WalGapException.class)
                .hasMessageContaining("batch entry while large transaction 1 is unfinished: the rest of it are missing from the log");
    }

    /** The planted bug must do what checkers are validated against: keep only the first part's whole operations. */
    @Test
    void theFirstPartOnlyBugKeepsTheFirstPartsOperations() throws Exception {
        byte[] rec = TxnRecord.encode(List.of(new Mutation(b("a"), b("1")), new Mutation(b("b"), b("2")),
                new Mutation(b("c"), new byte[100])));
        int cut = 1 + 5 + 5 + 3; // count, "a"=1, "b"=2, then the start of "c"
        List<String> keys = new ArrayList<>();
        WalReplayer buggy = new WalReplayer("s", 0, (seq, lsn, time, ops) -> ops.forEach(m -> keys.add(s(m.key()))));
        assertThat(buggy.applyFirstPartOnly()).isSameAs(buggy);
        for (WalEntry p : split(1, 1, rec, cut, cut + 50)) {
            buggy.accept(1, 10, 0, p);
        }
        assertThat(keys).containsExactly("a", "b");
        keys.clear();
        WalReplayer correct = new WalReplayer("s", 0, (seq, lsn, time, ops) -> ops.forEach(m -> keys.add(s(m.key()))));
        for (WalEntry p : split(1, 1, rec, cut, cut + 50)) {
            correct.accept(1, 10, 0, p);
        }
        assertThat(keys).containsExactly("a", "b", "c");
    }
}
