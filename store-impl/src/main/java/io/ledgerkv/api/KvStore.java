package io.ledgerkv.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A durable key-value store whose every write is recorded in BookKeeper ledgers. Keys and values
 * are byte arrays; keys sort unsigned-lexicographically. Use {@link #typed} for typed access.
 *
 * <p>Writes are transactions: {@code put}, {@code putAll}, {@code delete} and {@code deleteAll}
 * are each one atomic transaction, and {@link #begin()} builds a multi-key one. Async methods are
 * the primitives; the blocking ones wait for them. A write returns once its WAL entry is
 * acknowledged by the ack quorum and applied to the local index, so a following {@code get} on
 * any thread sees it.
 *
 * <p>Reads ({@code get}, {@code getAll}, iterators) are served from the local index and see only
 * whole transactions. {@code getAll}, iterators and snapshots read one consistent state.
 *
 * <pre>{@code
 * try (LedgerKv kv = LedgerKv.connect(ClientConfig.builder("127.0.0.1:2181").build());
 *      KvStore store = kv.open("risk-scores", StoreConfig.builder().ledgerPassword(secret).build())) {
 *     store.put(key("acct-1"), score(0.93));
 *     byte[] v = store.get(key("acct-1"));
 * }
 * }</pre>
 *
 * <p>A handle is safe for use by many threads.
 */
public interface KvStore extends AutoCloseable {

    String name();

    /** True for handles opened with {@link LedgerKv#openReadOnly}. */
    boolean isReadOnly();

    // ---- reads -------------------------------------------------------------------------------

    /** The committed value of {@code key}, or {@code null}. The array belongs to the caller. */
    byte[] get(byte[] key);

    /**
     * The committed value of {@code key} and its version (the LSN of the transaction that last
     * wrote it), or {@code null}. The array belongs to the caller.
     */
    VersionedValue getWithVersion(byte[] key);

    /** Values for {@code keys} in the same order ({@code null} where absent), read from one consistent state. */
    List<byte[]> getAll(List<byte[]> keys);

    /**
     * Entries with {@code from <= key < to}, in key order, read from one consistent state. A
     * {@code null} bound is open (as in Kafka Streams' {@code range}): {@code range(k, null)} is
     * every key from {@code k} on.
     */
    KvIterator range(byte[] from, byte[] to);

    /** Every entry, in key order; same as {@code range(null, null)}. */
    KvIterator all();

    /**
     * At most {@code limit} entries of {@code range(from, to)}, in key order ({@code limit} 0 gives
     * none). A negative limit is an {@link IllegalArgumentException}.
     */
    default KvIterator range(byte[] from, byte[] to, int limit) {
        return KvIterators.limit(range(from, to), limit, "range");
    }

    /**
     * The entries of {@code range(from, to)} ({@code from <= key < to}, null bounds open) in
     * descending key order, read from one consistent state.
     */
    KvIterator reverseRange(byte[] from, byte[] to);

    /** Every entry in descending key order; same as {@code reverseRange(null, null)}. */
    default KvIterator reverseAll() {
        return reverseRange(null, null);
    }

    /**
     * Every entry whose key starts with {@code prefix}, in key order. An empty prefix is an
     * {@link IllegalArgumentException} (use {@link #all()} to read everything).
     */
    default KvIterator prefixScan(byte[] prefix) {
        return range(KvIterators.checkPrefix(prefix), KvIterators.prefixEnd(prefix));
    }

    /** Exact number of live keys; same as {@link #keyCount()}. */
    default long count() {
        return keyCount();
    }

    /** Exact number of live keys with {@code from <= key < to} (null bounds open), counted in one consistent state. */
    default long count(byte[] from, byte[] to) {
        long n = 0;
        try (KvIterator it = range(from, to)) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /** A stable view of {@code [from, to)} pinned at the current LSN; {@code null} bounds mean unbounded. */
    KvSnapshot snapshot(byte[] from, byte[] to);

    /** Exact number of live keys in the local index. */
    long keyCount();

    /** LSN of the last transaction applied to the local index ({@link Lsn#NONE} for an empty log). */
    Lsn lastAppliedLsn();

    // ---- writes (async primitives) -----------------------------------------------------------

    CompletableFuture<Lsn> putAsync(byte[] key, byte[] value);

    /** All entries in one atomic transaction. A key given twice keeps its last value. */
    CompletableFuture<Lsn> putAllAsync(Map<byte[], byte[]> entries);

    /** All entries in one atomic transaction, in list order (a later entry for the same key wins). */
    CompletableFuture<Lsn> putAllAsync(List<KvEntry> entries);

    /**
     * Puts {@code value} with a time to live in its own transaction (see {@link Txn#put(byte[], byte[],
     * Duration)}): from {@code ttl} after now on the writer's clock the key reads as absent,
     * and the writer deletes it through the WAL soon after. Zero or negative ttl: {@link IllegalArgumentException}.
     */
    default CompletableFuture<Lsn> putAsync(byte[] key, byte[] value, Duration ttl) {
        Txn t = begin();
        t.put(key, value, ttl);
        return t.commitAsync();
    }

    default Lsn put(byte[] key, byte[] value, Duration ttl) {
        return Futures.join(putAsync(key, value, ttl));
    }

    CompletableFuture<Lsn> deleteAsync(byte[] key);

    CompletableFuture<Lsn> deleteAllAsync(List<byte[]> keys);

    /** Starts a multi-key transaction. */
    Txn begin();

    // ---- conditional writes and counters (evaluated at commit, see Txn#check) ---------------------

    /** Puts {@code value} only if {@code key} has no value; otherwise {@link ConditionFailedException}, nothing written. */
    default Lsn putIfAbsent(byte[] key, byte[] value) {
        try (Txn t = begin()) {
            return t.check(key, Condition.absent()).put(key, value).commit();
        }
    }

    /** Puts {@code value} only if {@code key}'s version is still {@code expectedVersion} (etcd's compare-and-swap). */
    default Lsn replace(byte[] key, Lsn expectedVersion, byte[] value) {
        if (expectedVersion == null) {
            throw new NullPointerException("replace: expectedVersion must not be null (use putIfAbsent for a new key)");
        }
        try (Txn t = begin()) {
            return t.check(key, Condition.version(expectedVersion)).put(key, value).commit();
        }
    }

    /** Deletes {@code key} only if its version is still {@code expectedVersion}. */
    default Lsn delete(byte[] key, Lsn expectedVersion) {
        if (expectedVersion == null) {
            throw new NullPointerException("delete: expectedVersion must not be null");
        }
        try (Txn t = begin()) {
            return t.check(key, Condition.version(expectedVersion)).delete(key).commit();
        }
    }

    /**
     * Adds {@code delta} to the counter at {@code key} (an 8-byte big-endian long, absent = 0) in its
     * own transaction and completes with the new value. Increments never lose updates, also when
     * many are in flight at once: each is applied to the state its predecessors left.
     */
    default CompletableFuture<Long> incrementAsync(byte[] key, long delta) {
        Txn t = begin();
        t.increment(key, delta);
        return t.commitAsync().thenApply(lsn -> t.counter(key));
    }

    default long increment(byte[] key, long delta) {
        return Futures.join(incrementAsync(key, delta));
    }

    // ---- writes (blocking) -------------------------------------------------------------------

    default Lsn put(byte[] key, byte[] value) {
        return Futures.join(putAsync(key, value));
    }

    default Lsn putAll(List<KvEntry> entries) {
        return Futures.join(putAllAsync(entries));
    }

    default Lsn putAll(Map<byte[], byte[]> entries) {
        return Futures.join(putAllAsync(entries));
    }

    default Lsn delete(byte[] key) {
        return Futures.join(deleteAsync(key));
    }

    default Lsn deleteAll(List<byte[]> keys) {
        return Futures.join(deleteAllAsync(keys));
    }

    /**
     * Waits until every write submitted before this call is committed (or failed), then publishes
     * the store's statistics (key count, byte counts, last LSN) to ZooKeeper.
     */
    void flush();

    /**
     * Writes a checkpoint of the current state (writers continue meanwhile) and trims the WAL it
     * makes unnecessary; see {@code StoreConfig.checkpointRetention}. Writer handles only.
     */
    CheckpointStatus checkpoint();

    /** The store's registered checkpoints, oldest first. */
    List<CheckpointStatus> checkpoints();

    /** Typed view through serdes, like Samza's {@code KeyValueStore<K, V>}. */
    default <K, V> TypedStore<K, V> typed(Serde<K> keySerde, Serde<V> valueSerde) {
        return new TypedStore<>(this, keySerde, valueSerde);
    }

    /**
     * Flushes, closes the current ledger, records it as closed and gives up the writer role.
     * Idempotent.
     */
    @Override
    void close();
}
