package io.ledgerkv.checkpoint;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.wal.EntryCipher;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import io.ledgerkv.wal.WalEntry;
import io.ledgerkv.wal.WalFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The chunk format shared by checkpoint ledgers and backup files: a state is cut into WAL-framed
 * {@code CHECKPOINT_CHUNK} entries (codec, CRC32C and all), each holding one record of PUT
 * operations in key order (PUT_TTL for values that expire), about {@code chunkBytes} of payload each.
 * The entry header's writer time is the time the state was judged at (a reader loading it starts
 * its log time there). The entry header's
 * transaction sequence is the snapshot's, its count field the chunk index. Checkpoints write
 * {@code CHECKPOINT_CHUNK_VERSIONED} entries, which also keep each key's version (the LSN of its
 * last write) so that versions survive a reopen from a checkpoint; backups do not (a restored
 * store starts a new log, where the old LSNs mean nothing).
 */
public final class CheckpointChunks {
    private CheckpointChunks() {
    }

    /** Receives each encoded chunk in order. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(int index, byte[] entry) throws Exception;
    }

    /** What a run of chunks holds. */
    public record Summary(long keyCount, long logicalBytes, long storedBytes, int chunks, int checksum) {
    }

    /**
     * Cuts {@code entries} (in key order) into {@code CHECKPOINT_CHUNK}s without versions (backups);
     * expiry times are kept, in the operations themselves.
     */
    public static Summary write(Iterator<LocalIndex.Entry> entries, WalEntry.Encoder encoder, long epoch, long txnSeq,
                                int chunkBytes, long writerTimeMillis, ChunkSink sink) throws Exception {
        return write(entries, false, encoder, epoch, txnSeq, chunkBytes, writerTimeMillis, sink);
    }

    /** Cuts {@code entries} (in key order) into {@code CHECKPOINT_CHUNK_VERSIONED}s that keep each key's version. */
    public static Summary writeVersioned(Iterator<LocalIndex.Entry> entries, WalEntry.Encoder encoder, long epoch, long txnSeq,
                                         int chunkBytes, long writerTimeMillis, ChunkSink sink) throws Exception {
        return write(entries, true, encoder, epoch, txnSeq, chunkBytes, writerTimeMillis, sink);
    }

    private static Summary write(Iterator<LocalIndex.Entry> entries, boolean versioned, WalEntry.Encoder encoder, long epoch,
                                 long txnSeq, int chunkBytes, long writerTimeMillis, ChunkSink sink) throws Exception {
        Aggregate agg = new Aggregate();
        List<Mutation> ops = new ArrayList<>();
        List<Lsn> versions = new ArrayList<>();
        long opsBytes = 0;
        long keys = 0;
        long logical = 0;
        long stored = 0;
        int index = 0;
        while (entries.hasNext()) {
            LocalIndex.Entry kv = entries.next();
            Mutation m = new Mutation(kv.key(), kv.value(), kv.expireAt());
            ops.add(m);
            versions.add(kv.version());
            opsBytes += m.encodedSize() + (versioned ? VERSION_BYTES : 0);
            keys++;
            if (opsBytes >= chunkBytes || !entries.hasNext()) {
                byte[] rec = versioned ? withVersions(TxnRecord.encode(ops), versions) : TxnRecord.encode(ops);
                WalEntry.Type type = versioned ? WalEntry.Type.CHECKPOINT_CHUNK_VERSIONED : WalEntry.Type.CHECKPOINT_CHUNK;
                byte[] entry = encoder.encode(type, epoch, txnSeq, index, writerTimeMillis, rec, 0, rec.length);
                agg.add(entry);
                sink.accept(index++, entry);
                logical += rec.length;
                stored += entry.length;
                ops.clear();
                versions.clear();
                opsBytes = 0;
            }
        }
        return new Summary(keys, logical, stored, index, agg.value());
    }

    /** Bytes per key of the version trailer: ledger sequence, entry id, slot. */
    private static final int VERSION_BYTES = 8 + 8 + 4;

    private static byte[] withVersions(byte[] record, List<Lsn> versions) {
        ByteBuffer b = ByteBuffer.allocate(4 + record.length + versions.size() * VERSION_BYTES);
        b.putInt(record.length).put(record);
        for (Lsn v : versions) {
            b.putLong(v.ledgerSeq()).putLong(v.entryId()).putInt(v.slot());
        }
        return b.array();
    }

    /**
     * A decoded chunk: its PUT operations (with their expiry times), for versioned chunks each one's
     * version (else null), and the writer time the state was judged at when the chunk was written.
     */
    public record Chunk(List<Mutation> ops, List<Lsn> versions, long writerTimeMillis) {
    }

    /**
     * Decodes chunk {@code expectedIndex} of a snapshot at {@code expectedTxnSeq}, checking its
     * type, sequence number and index as well as its CRC.
     */
    public static List<Mutation> decode(byte[] entry, int expectedIndex, long expectedTxnSeq, WalEntry.CodecSource codecs,
                                        EntryCipher cipher) throws WalFormatException {
        return decodeChunk(entry, expectedIndex, expectedTxnSeq, codecs, cipher).ops();
    }

    /** {@link #decode}, with the keys' versions when the chunk carries them. */
    public static Chunk decodeChunk(byte[] entry, int expectedIndex, long expectedTxnSeq, WalEntry.CodecSource codecs,
                                    EntryCipher cipher) throws WalFormatException {
        WalEntry e = WalEntry.decode(entry, codecs, cipher);
        boolean versioned = e.type() == WalEntry.Type.CHECKPOINT_CHUNK_VERSIONED;
        if (e.type() != WalEntry.Type.CHECKPOINT_CHUNK && !versioned) {
            throw new WalFormatException("expected a checkpoint chunk, found a " + e.type() + " entry");
        }
        if (e.count() != expectedIndex || e.firstTxnSeq() != expectedTxnSeq) {
            throw new WalFormatException("chunk " + e.count() + " of a snapshot at transaction " + e.firstTxnSeq()
                    + " where chunk " + expectedIndex + " at " + expectedTxnSeq + " was expected");
        }
        byte[] p = e.payload();
        List<Mutation> ops;
        List<Lsn> versions = null;
        if (versioned) {
            ByteBuffer b = ByteBuffer.wrap(p);
            int recLen = p.length >= 4 ? b.getInt() : -1;
            if (recLen < 0 || recLen > p.length - 4) {
                throw new WalFormatException("versioned chunk declares a " + recLen + "-byte record in a " + p.length + "-byte payload");
            }
            ops = TxnRecord.decodeSingle(p, 4, recLen);
            if (p.length - 4 - recLen != (long) ops.size() * VERSION_BYTES) {
                throw new WalFormatException("versioned chunk has " + (p.length - 4 - recLen) + " version bytes for " + ops.size()
                        + " keys (" + VERSION_BYTES + " each expected)");
            }
            b.position(4 + recLen);
            versions = new ArrayList<>(ops.size());
            for (int i = 0; i < ops.size(); i++) {
                versions.add(new Lsn(b.getLong(), b.getLong(), b.getInt()));
            }
        } else {
            ops = TxnRecord.decodeSingle(p, 0, p.length);
        }
        for (Mutation m : ops) {
            if (m.isDelete()) {
                throw new WalFormatException("a checkpoint chunk holds a delete");
            }
        }
        return new Chunk(ops, versions, e.writerTimeMillis());
    }

    /** The CRC32C stored in an encoded entry's header. */
    public static int entryCrc(byte[] entry) {
        return ByteBuffer.wrap(entry, WalEntry.HEADER_BYTES - 4, 4).getInt();
    }

    /** Running checksum over chunk CRCs, in order. */
    public static final class Aggregate {
        private final CRC32C crc = new CRC32C();
        private final byte[] buf = new byte[4];

        public void add(byte[] entry) {
            int c = entryCrc(entry);
            buf[0] = (byte) (c >>> 24);
            buf[1] = (byte) (c >>> 16);
            buf[2] = (byte) (c >>> 8);
            buf[3] = (byte) c;
            crc.update(buf);
        }

        public int value() {
            return (int) crc.getValue();
        }
    }
}
