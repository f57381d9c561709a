package io.ledgerkv.index;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.wal.Mutation;
import java.util.Iterator;
import java.util.List;

/**
 * The store's materialized state. One thread applies committed transactions in LSN order; any
 * number of threads read. Readers never see part of a transaction: a transaction's writes become
 * visible together when {@link #apply} publishes its sequence number.
 */
public interface LocalIndex {

    /** Applies one committed transaction. Called by one thread at a time, in sequence order. */
    void apply(long txnSeq, Lsn lsn, List<Mutation> ops);

    /** The latest visible value, or null. The returned array is internal: copy before handing it out. */
    byte[] get(byte[] key);

    /** The latest visible value and the LSN that wrote it, or null. The value array is internal. */
    io.ledgerkv.api.VersionedValue getVersioned(byte[] key);

    /** A pinned read position; versions it needs are kept until it is released. */
    Pin pin();

    /** Sequence number of the last applied transaction. */
    long lastSeq();

    Lsn lastLsn();

    /** Exact number of live keys as of {@link #lastSeq()}. */
    long keyCount();

    /** Sum of key and value sizes of live keys. */
    long liveBytes();

    /** A read position; {@code close} releases it. */
    interface Pin extends AutoCloseable {
        long seq();

        Lsn lsn();

        /** The value at this position, or null. Internal array. */
        byte[] get(byte[] key);

        /** Live entries with {@code from <= key < to} at this position, ascending; null bounds are open. Internal arrays. */
        default Iterator<byte[][]> scan(byte[] from, byte[] to) {
            return scan(from, to, false);
        }

        /** The same entries, in descending key order when {@code descending}. */
        Iterator<byte[][]> scan(byte[] from, byte[] to, boolean descending);

        /** Every live entry at this position with the LSN of its last write, ascending. Internal arrays. */
        Iterator<Entry> scanVersioned();

        @Override
        void close();
    }

    /** A key, its value and its version (the LSN that wrote it). */
    record Entry(byte[] key, byte[] value, Lsn version) {
    }
}
