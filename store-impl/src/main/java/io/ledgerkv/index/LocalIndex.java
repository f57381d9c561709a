package io.ledgerkv.index;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.VersionedValue;
import io.ledgerkv.wal.Mutation;
import java.util.Iterator;
import java.util.List;

/**
 * The store's materialized state. One thread applies committed transactions in LSN order; any
 * number of threads read. Readers never see part of a transaction: a transaction's writes become
 * visible together when {@link #apply} publishes its sequence number.
 */
public interface LocalIndex {

    /**
     * Applies one committed transaction, recorded by its writer at {@code writerTimeMillis}. Called by
     * one thread at a time, in sequence order.
     */
    void apply(long txnSeq, Lsn lsn, long writerTimeMillis, List<Mutation> ops);

    /**
     * The time (epoch millis) against which expiry is judged now: the writer's clock for a writer,
     * the newest writer time recorded in the applied WAL otherwise.
     */
    long now();

    /**
     * Up to {@code max} current values that have expired at {@code now} (soonest first), with their
     * versions: what the writer's reaper deletes.
     */
    List<Entry> expired(long now, int max);

    /** True if {@code key}'s current value is still the one written at {@code version} and has expired at {@code now}. */
    boolean expiredAt(byte[] key, Lsn version, long now);

    /** The latest visible value, or null. The returned array is internal: copy before handing it out. */
    byte[] get(byte[] key);

    /** The latest visible value and the LSN that wrote it, or null. The value array is internal. */
    VersionedValue getVersioned(byte[] key);

    /** A pinned read position; versions it needs are kept until it is released. */
    Pin pin();

    /** Sequence number of the last applied transaction. */
    long lastSeq();

    Lsn lastLsn();

    /** Exact number of live keys as of {@link #lastSeq()}, not counting expired ones. */
    long keyCount();

    /** Sum of key and value sizes of live keys. */
    long liveBytes();

    /** A read position; {@code close} releases it. */
    interface Pin extends AutoCloseable {
        long seq();

        Lsn lsn();

        /** The time at which this position judges expiry (fixed when it was pinned). */
        long now();

        /** The value at this position, or null. Internal array. */
        byte[] get(byte[] key);

        /** Live entries with {@code from <= key < to} at this position, ascending; null bounds are open. Internal arrays. */
        default Iterator<byte[][]> scan(byte[] from, byte[] to) {
            return scan(from, to, false);
        }

        /** The same entries, in descending key order when {@code descending}. */
        Iterator<byte[][]> scan(byte[] from, byte[] to, boolean descending);

        /**
         * Every value at this position with the LSN of its last write and its expiry time, ascending,
         * expired ones included (a checkpoint keeps them with their expiry). Internal arrays.
         */
        default Iterator<Entry> scanVersioned() {
            return scanVersioned(true);
        }

        /** {@link #scanVersioned()}, leaving out values expired at {@link #now()} unless {@code includeExpired}. */
        Iterator<Entry> scanVersioned(boolean includeExpired);

        @Override
        void close();
    }

    /** A key, its value, its version (the LSN that wrote it) and its expiry ({@link Mutation#NEVER} for none). */
    record Entry(byte[] key, byte[] value, Lsn version, long expireAt) {
    }
}
