package io.ledgerkv.meta;

/** Contents of the {@code stats} znode, published by the writer in batches (not per commit). */
public record StoreStats(long keyCount, long logicalBytes, long storedBytes, String lastLsn, long lastTxnSeq,
                         long updatedAtMillis) {
    public static final StoreStats EMPTY = new StoreStats(0, 0, 0, "0:-1:0", 0, 0);
}
