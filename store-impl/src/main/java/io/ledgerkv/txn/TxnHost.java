package io.ledgerkv.txn;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.wal.Mutation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What a transaction needs from its store: limits, committed reads and the committer. */
public interface TxnHost {
    /** Checks a key (null, size) and returns a private copy. {@code op} names the operation for the message. */
    byte[] checkKey(byte[] key, String op);

    /** Checks a value (null, size) and returns a private copy. */
    byte[] checkValue(byte[] value, String op);

    /**
     * The writer-clock time from which a value put now with time to live {@code ttl} is absent.
     * Throws {@link IllegalArgumentException} for a zero or negative ttl, {@link NullPointerException}
     * for null.
     */
    long expireAt(Duration ttl, String op);

    /** The configured limit on a transaction's encoded size. */
    long maxTxnBytes();

    /** Committed value, or null; a private copy. */
    byte[] get(byte[] key);

    /** Commits operations that were already checked; they form one atomic transaction. */
    CompletableFuture<Lsn> commit(List<Mutation> ops);

    /**
     * Commits a transaction with conditions or counter increments, resolved by the committer (the
     * ops hold an 8-byte placeholder put for every incremented key).
     */
    CompletableFuture<Lsn> commit(List<Mutation> ops, Deferred deferred);

    /** LSN of the last transaction applied. */
    Lsn lastAppliedLsn();

    /** Throws if the store cannot accept writes (read-only, closed, fenced). */
    void checkWritable();
}
