package io.ledgerkv.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * An atomic multi-key transaction. Writes are buffered in the transaction; {@link #get} sees them
 * (read-your-writes) and otherwise reads the store's committed state. {@link #commit()} makes all
 * of them visible at once, at one {@link Lsn}, or none of them; that holds across crashes.
 *
 * <pre>{@code
 * try (Txn txn = store.begin()) {
 *     txn.put(from, debit(txn.get(from), amount));
 *     txn.put(to, credit(txn.get(to), amount));
 *     Lsn lsn = txn.commit();
 * }
 * }</pre>
 *
 * <p>A {@code Txn} is used by one thread at a time. Every method checks the {@link State} first
 * and throws {@link IllegalStateException} naming the state the caller got wrong.
 */
public interface Txn extends AutoCloseable {

    /** Life cycle: OPEN → COMMITTING → COMMITTED or FAILED; OPEN → ABORTED. */
    enum State {
        /** Accepting reads and writes. */
        OPEN,
        /** Handed to the committer; waiting for the ack quorum. */
        COMMITTING,
        /** Durable on the ack quorum and applied. */
        COMMITTED,
        /** Abandoned by the caller; nothing was written. */
        ABORTED,
        /** The commit failed; see the exception it completed with. */
        FAILED
    }

    State state();

    /** The value of {@code key} as this transaction sees it, or {@code null}. */
    byte[] get(byte[] key);

    Txn put(byte[] key, byte[] value);

    /**
     * Puts {@code value} with a time to live: from {@code ttl} after now on the writer's clock the key
     * reads as absent everywhere (gets, scans, counts, conditions, counters), and the writer later
     * deletes it through an ordinary WAL delete. A later put of the key without a ttl keeps it for
     * good. A zero or negative {@code ttl} is an {@link IllegalArgumentException}; nothing is buffered.
     */
    Txn put(byte[] key, byte[] value, Duration ttl);

    Txn delete(byte[] key);

    /**
     * Adds a condition on {@code key}, checked when the transaction commits against the state after
     * every transaction submitted before it. If any condition fails, the commit fails with
     * {@link ConditionFailedException} and nothing of the transaction is written. A
     * {@link Condition#version} newer than anything this store has applied is refused at once
     * ({@link IllegalArgumentException}): no client can have seen it.
     */
    Txn check(byte[] key, Condition condition);

    /**
     * Adds {@code delta} to the counter at {@code key} (an 8-byte big-endian long; an absent key
     * counts as 0) when the transaction commits; {@link #counter} then gives the new value. A key
     * incremented here cannot also be put or deleted in the same transaction, and {@link #get}
     * refuses it (its value is decided at commit). A value that is not 8 bytes, or an overflow,
     * fails the commit with {@link ConditionFailedException}.
     */
    Txn increment(byte[] key, long delta);

    /** The new value of a counter this transaction incremented; only once it is COMMITTED. */
    long counter(byte[] key);

    /** Number of operations buffered so far (later writes to the same key replace earlier ones). */
    int size();

    /**
     * Hands the transaction to the committer. The future completes with the transaction's LSN once
     * its entry is acknowledged by the ack quorum and applied, or exceptionally with
     * {@link StoreFencedException}, {@link StoreFailedException} or {@link StoreClosedException}.
     */
    CompletableFuture<Lsn> commitAsync();

    /** Blocking form of {@link #commitAsync()}; throws the commit's exception unwrapped. */
    default Lsn commit() {
        return Futures.join(commitAsync());
    }

    /** Discards the buffered writes. Nothing is written. */
    void abort();

    /** Aborts the transaction if it is still OPEN; otherwise does nothing. */
    @Override
    void close();
}
