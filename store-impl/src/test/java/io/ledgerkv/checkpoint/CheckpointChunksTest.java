package io.ledgerkv.checkpoint;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import io.ledgerkv.wal.WalEntry;
import io.ledgerkv.wal.WalFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The chunk format of checkpoints and backups without a cluster: states cut at the configured
 * size, round-tripped with their expiries and (versioned chunks) versions, and every chunk that is
 * not the one expected, or whose version trailer does not add up, refused with the reason.
 */
class CheckpointChunksTest {
    private static final WalEntry.CodecSource CODECS = WalEntry.CodecSource.plain();
    private static final long EPOCH = 3;
    private static final long TXN_SEQ = 7;
    private static final long STATE_TIME = 12_345;
    /** Bytes per key of a versioned chunk's trailer: ledger sequence, entry id, slot. */
    private static final int VERSION_BYTES = 20;

    /** Ten keys of equal encoded size; every third expires. */
    private static List<LocalIndex.Entry> state() {
        List<LocalIndex.Entry> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long expireAt = i % 3 == 0 ? 1_000_000 + i : Mutation.NEVER;
            out.add(new LocalIndex.Entry(b(String.format("k%03d", i)), b(String.format("v%03d", i)), new Lsn(1, 100 + i, i % 2), expireAt));
        }
        return out;
    }

    /** The encoded size of the largest operation of {@link #state()} (the expiring ones). */
    private static int opBytes() {
        return new Mutation(b("k000"), b("v000"), 1).encodedSize();
    }

    private static WalEntry.Encoder plainEncoder() {
        return new WalEntry.Encoder(CodecType.NONE.newCodec(), 0, 0.0);
    }

    private record Written(List<byte[]> entries, CheckpointChunks.Summary summary) {
    }

    private static Written write(boolean versioned, List<LocalIndex.Entry> state, int chunkBytes) throws Exception {
        List<byte[]> entries = new ArrayList<>();
        CheckpointChunks.ChunkSink sink = (index, entry) -> {
            assertThat(index).isEqualTo(entries.size());
            entries.add(entry);
        };
        CheckpointChunks.Summary s = versioned
                ? CheckpointChunks.writeVersioned(state.iterator(), plainEncoder(), EPOCH, TXN_SEQ, chunkBytes, STATE_TIME, sink)
                : CheckpointChunks.write(state.iterator(), plainEncoder(), EPOCH, TXN_SEQ, chunkBytes, STATE_TIME, sink);
        return new Written(entries, s);
    }

    private static List<String> describe(List<Mutation> ops) {
        return ops.stream().map(m -> s(m.key()) + "=" + s(m.value()) + (m.expires() ? "@" + m.expireAt() : "")).toList();
    }

    private static byte[] forged(WalEntry.Type type, byte[] payload) {
        return WalEntry.encode(type, CodecType.NONE.newCodec(), EPOCH, TXN_SEQ, 0, STATE_TIME, payload, 0, payload.length);
    }

    @Test
    void aStateIsCutIntoChunksOfTheConfiguredSizeAndReadBack() throws Exception {
        // ops of "k000", "k003", ... carry an expiry; size the chunks on the others so the cut points are exact
        int plainOp = new Mutation(b("k001"), b("v001")).encodedSize();
        Written w = write(false, state(), opBytes() + 2 * plainOp); // keys 0-2 reach the size exactly
        List<Integer> sizes = new ArrayList<>();
        List<String> all = new ArrayList<>();
        long logical = 0;
        long stored = 0;
        CheckpointChunks.Aggregate agg = new CheckpointChunks.Aggregate();
        for (int i = 0; i < w.entries().size(); i++) {
            byte[] e = w.entries().get(i);
            CheckpointChunks.Chunk c = CheckpointChunks.decodeChunk(e, i, TXN_SEQ, CODECS, null);
            assertThat(c.versions()).as("backup chunks keep no versions").isNull();
            assertThat(c.writerTimeMillis()).isEqualTo(STATE_TIME);
            assertThat(describe(CheckpointChunks.decode(e, i, TXN_SEQ, CODECS, null))).isEqualTo(describe(c.ops()));
            assertThat(WalEntry.decode(e, CODECS).type()).isEqualTo(WalEntry.Type.CHECKPOINT_CHUNK);
            sizes.add(c.ops().size());
            all.addAll(describe(c.ops()));
            logical += WalEntry.decode(e, CODECS).payload().length;
            stored += e.length;
            agg.add(e);
        }
        assertThat(sizes).containsExactly(3, 3, 3, 1);
        assertThat(all).isEqualTo(describe(state().stream().map(kv -> new Mutation(kv.key(), kv.value(), kv.expireAt())).toList()));
        assertThat(all.get(0)).isEqualTo("k000=v000@1000000");
        assertThat(w.summary()).isEqualTo(new CheckpointChunks.Summary(10, logical, stored, 4, agg.value()));
    }

    @Test
    void versionedChunksCountTheirVersionTrailerAndKeepEachKeysVersion() throws Exception {
        int plainOp = new Mutation(b("k001"), b("v001")).encodedSize();
        // keys 0-1 reach the size exactly; then the expiring keys 3, 6, 9 cost more than the plain ones
        Written w = write(true, state(), opBytes() + plainOp + 2 * VERSION_BYTES);
        List<Lsn> versions = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < w.entries().size(); i++) {
            CheckpointChunks.Chunk c = CheckpointChunks.decodeChunk(w.entries().get(i), i, TXN_SEQ, CODECS, null);
            assertThat(WalEntry.decode(w.entries().get(i), CODECS).type()).isEqualTo(WalEntry.Type.CHECKPOINT_CHUNK_VERSIONED);
            sizes.add(c.ops().size());
            versions.addAll(c.versions());
        }
        assertThat(sizes).containsExactly(2, 2, 3, 3);
        assertThat(versions).isEqualTo(state().stream().map(LocalIndex.Entry::version).toList());
        assertThat(w.summary().keyCount()).isEqualTo(10);
        assertThat(w.summary().chunks()).isEqualTo(4);
    }

    @Test
    void anEmptyStateWritesNoChunk() throws Exception {
        Written w = write(true, List.of(), 100);
        assertThat(w.entries()).isEmpty();
        assertThat(w.summary()).isEqualTo(new CheckpointChunks.Summary(0, 0, 0, 0, new CheckpointChunks.Aggregate().value()));
    }

    @Test
    void aChunkMustBeTheOneExpected() throws Exception {
        byte[] first = write(false, state(), 1).entries().get(0);
        assertThatThrownBy(() -> CheckpointChunks.decode(first, 1, TXN_SEQ, CODECS, null)).isInstanceOf(WalFormatException.class)
                .hasMessage("chunk 0 of a snapshot at transaction 7 where chunk 1 at 7 was expected");
        assertThatThrownBy(() -> CheckpointChunks.decode(first, 0, 8, CODECS, null))
                .hasMessage("chunk 0 of a snapshot at transaction 7 where chunk 0 at 8 was expected");
        byte[] batch = forged(WalEntry.Type.BATCH, TxnRecord.encode(List.of(new Mutation(b("k"), b("v")))));
        assertThatThrownBy(() -> CheckpointChunks.decode(batch, 0, TXN_SEQ, CODECS, null))
                .hasMessage("expected a checkpoint chunk, found a BATCH entry");
        byte[] withDelete = forged(WalEntry.Type.CHECKPOINT_CHUNK,
                TxnRecord.encode(List.of(new Mutation(b("k"), b("v")), new Mutation(b("gone"), null))));
        assertThatThrownBy(() -> CheckpointChunks.decode(withDelete, 0, TXN_SEQ, CODECS, null))
                .hasMessage("a checkpoint chunk holds a delete");
    }

    /** A versioned payload: a 4-byte record length, the record, then {@code versionBytes} bytes of trailer. */
    private static byte[] versionedPayload(int declaredLength, byte[] record, int versionBytes) {
        return ByteBuffer.allocate(4 + record.length + versionBytes).putInt(declaredLength).put(record).array();
    }

    @Test
    void aVersionedChunksRecordLengthAndTrailerAreChecked() {
        byte[] rec = TxnRecord.encode(List.of(new Mutation(b("k"), b("v"))));
        List<byte[]> bad = List.of(
                forged(WalEntry.Type.CHECKPOINT_CHUNK_VERSIONED, new byte[3]),
                forged(WalEntry.Type.CHECKPOINT_CHUNK_VERSIONED, versionedPayload(rec.length + 1, rec, 0)),
                forged(WalEntry.Type.CHECKPOINT_CHUNK_VERSIONED, versionedPayload(Integer.MIN_VALUE, rec, 0)),
                forged(WalEntry.Type.CHECKPOINT_CHUNK_VERSIONED, versionedPayload(rec.length, rec, 0)),
                forged(WalEntry.Type.CHECKPOINT_CHUNK_VERSIONED, versionedPayload(rec.length, rec, VERSION_BYTES - 1)),
                forged(WalEntry.Type.CHECKPOINT_CHUNK_VERSIONED, new byte[4]));
        List<String> messages = List.of(
                "versioned chunk declares a -1-byte record in a 3-byte payload",
                "versioned chunk declares a " + (rec.length + 1) + "-byte record in a " + (rec.length + 4) + "-byte payload",
                "versioned chunk declares a -2147483648-byte record in a " + (rec.length + 4) + "-byte payload",
                "versioned chunk has 0 version bytes for 1 keys (20 each expected)",
                "versioned chunk has 19 version bytes for 1 keys (20 each expected)",
                // four bytes are a length (of an empty record), not a payload too short to hold one
                "record ends inside a varint");
        for (int i = 0; i < bad.size(); i++) {
            byte[] e = bad.get(i);
            assertThatThrownBy(() -> CheckpointChunks.decodeChunk(e, 0, TXN_SEQ, CODECS, null)).as("case %d", i)
                    .isInstanceOf(WalFormatException.class).hasMessage(messages.get(i));
        }
    }

    @Test
    void theAggregateIsACrcOfTheChunksCrcsInOrder() throws Exception {
        List<byte[]> entries = write(false, state(), 1).entries();
        ByteBuffer crcs = ByteBuffer.allocate(4 * entries.size());
        CheckpointChunks.Aggregate agg = new CheckpointChunks.Aggregate();
        for (byte[] e : entries) {
            int headerCrc = ByteBuffer.wrap(e).getInt(WalEntry.HEADER_BYTES - 4);
            assertThat(CheckpointChunks.entryCrc(e)).isEqualTo(headerCrc);
            crcs.putInt(headerCrc);
            agg.add(e);
        }
        CRC32C expected = new CRC32C();
        expected.update(crcs.array());
        assertThat(agg.value()).isEqualTo((int) expected.getValue());
        CheckpointChunks.Aggregate swapped = new CheckpointChunks.Aggregate();
        swapped.add(entries.get(1));
        swapped.add(entries.get(0));
        for (byte[] e : entries.subList(2, entries.size())) {
            swapped.add(e);
        }
        assertThat(swapped.value()).as("a reordered chunk changes the checksum").isNotEqualTo(agg.value());
    }

    @Test
    void aCheckpointInfoTakesANewIdAndKeepsTheRest() {
        CheckpointInfo info = new CheckpointInfo(1, 42, "1:2:3", 7, 3, 10, 100, 80, 2, 0xabc, "ZSTD", 999);
        assertThat(info.sealedFor()).isNull();
        assertThat(info.withId(5)).isEqualTo(new CheckpointInfo(5, 42, "1:2:3", 7, 3, 10, 100, 80, 2, 0xabc, "ZSTD", 999, null));
        CheckpointInfo sealed = new CheckpointInfo(1, 42, "1:2:3", 7, 3, 10, 100, 80, 2, 0xabc, "ZSTD", 999, "ns/other");
        assertThat(sealed.withId(2).sealedFor()).isEqualTo("ns/other");
    }
}
