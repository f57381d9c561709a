package io.ledgerkv.api;

/** A registered checkpoint: the store's state at {@code lsn}, verified when it was taken. */
public record CheckpointStatus(int id, String lsn, long txnSeq, long keyCount, long logicalBytes, long storedBytes, int chunks,
                               String codec, long ledgerId, long epoch, long createdAtMillis) {
}
