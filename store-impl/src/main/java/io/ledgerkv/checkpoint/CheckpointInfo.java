package io.ledgerkv.checkpoint;

/**
 * Contents of a {@code checkpoints/ckpt-N} znode: a verified snapshot of the store's index at
 * transaction {@code txnSeq} ({@code lsn}), stored as {@code chunks} CHECKPOINT_CHUNK entries of
 * ledger {@code ledgerId}.
 *
 * @param id           1, 2, ... (the znode's sequence number + 1)
 * @param checksum     CRC32C over the chunks' own CRC32C fields, in order (detects a missing, extra or reordered chunk)
 * @param logicalBytes uncompressed chunk payload bytes
 * @param storedBytes  chunk entry bytes as stored
 * @param sealedFor    the store identity ({@code namespace/store}) encrypted chunks are bound to, when it is not
 *                     this store's (a checkpoint restored from another store's backup); null otherwise
 */
public record CheckpointInfo(int id, long ledgerId, String lsn, long txnSeq, long epoch, long keyCount, long logicalBytes,
                             long storedBytes, int chunks, int checksum, String codec, long createdAtMillis, String sealedFor) {

    public CheckpointInfo(int id, long ledgerId, String lsn, long txnSeq, long epoch, long keyCount, long logicalBytes,
                          long storedBytes, int chunks, int checksum, String codec, long createdAtMillis) {
        this(id, ledgerId, lsn, txnSeq, epoch, keyCount, logicalBytes, storedBytes, chunks, checksum, codec, createdAtMillis, null);
    }

    public CheckpointInfo withId(int newId) {
        return new CheckpointInfo(newId, ledgerId, lsn, txnSeq, epoch, keyCount, logicalBytes, storedBytes, chunks, checksum,
                codec, createdAtMillis, sealedFor);
    }
}
