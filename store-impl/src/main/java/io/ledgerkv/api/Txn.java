package io.ledgerkv.api;

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

    Txn delete(byte[] key);

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
