package io.ledgerkv.wal;

/**
 * One operation of a transaction: a put ({@code value != null}) or a delete ({@code value == null}).
 * Arrays are owned by the store once a mutation is created (callers' arrays are copied first).
 */
public record Mutation(byte[] key, byte[] value) {
    public boolean isDelete() {
        return value == null;
    }

    /** Encoded size of this operation in a WAL transaction record. */
    public int encodedSize() {
        return TxnRecord.encodedSize(this);
    }

    @Override
    public String toString() {
        return (value == null ? "DEL[" : "PUT[") + key.length + "B" + (value == null ? "" : "=" + value.length + "B") + "]";
    }
}
