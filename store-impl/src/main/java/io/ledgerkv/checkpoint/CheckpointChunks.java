package io.ledgerkv.checkpoint;

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
 * operations in key order, about {@code chunkBytes} of payload each. The entry header's
 * transaction sequence is the snapshot's, its count field the chunk index.
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

    /** Cuts {@code entries} (key, value pairs in key order) into chunks. */
    public static Summary write(Iterator<byte[][]> entries, WalEntry.Encoder encoder, long epoch, long txnSeq, int chunkBytes,
                                long writerTimeMillis, ChunkSink sink) throws Exception {
        Aggregate agg = new Aggregate();
        List<Mutation> ops = new ArrayList<>();
        long opsBytes = 0;
        long keys = 0;
        long logical = 0;
        long stored = 0;
        int index = 0;
        while (entries.hasNext()) {
            byte[][] kv = entries.next();
            Mutation m = new Mutation(kv[0], kv[1]);
            ops.add(m);
            opsBytes += m.encodedSize();
            keys++;
            if (opsBytes >= chunkBytes || !entries.hasNext()) {
                byte[] rec = TxnRecord.encode(ops);
                byte[] entry = encoder.encode(WalEntry.Type.CHECKPOINT_CHUNK, epoch, txnSeq, index, writerTimeMillis, rec, 0, rec.length);
                agg.add(entry);
                sink.accept(index++, entry);
                logical += rec.length;
                stored += entry.length;
                ops.clear();
                opsBytes = 0;
            }
        }
        return new Summary(keys, logical, stored, index, agg.value());
    }

    /**
     * Decodes chunk {@code expectedIndex} of a snapshot at {@code expectedTxnSeq}, checking its
     * type, sequence number and index as well as its CRC.
     */
    public static List<Mutation> decode(byte[] entry, int expectedIndex, long expectedTxnSeq, WalEntry.CodecSource codecs)
            throws WalFormatException {
        WalEntry e = WalEntry.decode(entry, codecs);
        if (e.type() != WalEntry.Type.CHECKPOINT_CHUNK) {
            throw new WalFormatException("expected a checkpoint chunk, found a " + e.type() + " entry");
        }
        if (e.count() != expectedIndex || e.firstTxnSeq() != expectedTxnSeq) {
            throw new WalFormatException("chunk " + e.count() + " of a snapshot at transaction " + e.firstTxnSeq()
                    + " where chunk " + expectedIndex + " at " + expectedTxnSeq + " was expected");
        }
        List<Mutation> ops = TxnRecord.decodeSingle(e.payload(), 0, e.payload().length);
        for (Mutation m : ops) {
            if (m.isDelete()) {
                throw new WalFormatException("a checkpoint chunk holds a delete");
            }
        }
        return ops;
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
