package io.ledgerkv.wal;

/**
 * One operation of a transaction: a put ({@code value != null}) or a delete ({@code value == null}).
 * A put may expire: {@code expireAt} is the writer-clock time (epoch millis) from which the key
 * reads as absent; {@link #NEVER} for none. Arrays are owned by the store once a mutation is
 * created (callers' arrays are copied first).
 */
public record Mutation(byte[] key, byte[] value, long expireAt) {
    /** The {@code expireAt} of a put without a time to live. */
    public static final long NEVER = Long.MAX_VALUE;

    public Mutation {
        if (expireAt != NEVER && value == null) {
            throw new IllegalArgumentException("a delete cannot expire");
        }
    }

    public Mutation(byte[] key, byte[] value) {
        this(key, value, NEVER);
    }

    public boolean isDelete() {
        return value == null;
    }

    public boolean expires() {
        return expireAt != NEVER;
    }

    /** Encoded size of this operation in a WAL transaction record. */
    public int encodedSize() {
        return TxnRecord.encodedSize(this);
    }

    @Override
    public String toString() {
        return (value == null ? "DEL[" : "PUT[") + key.length + "B" + (value == null ? "" : "=" + value.length + "B")
                + (expires() ? " until " + expireAt : "") + "]";
    }
}
