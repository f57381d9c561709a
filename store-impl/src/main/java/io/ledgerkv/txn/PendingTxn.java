package io.ledgerkv.txn;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A transaction accepted by the committer: its operations, the size of their WAL record and its
 * future. The record itself is encoded only when the transaction is written, straight into its
 * batch (or, for a transaction larger than an entry, into an array of its own).
 */
final class PendingTxn {
    /** Final once the committer has resolved {@link #deferred} (the committer thread rewrites them once, before writing). */
    List<Mutation> ops;
    /** {@link TxnRecord#encodedSize(List)} of {@link #ops}. */
    int size;
    /** Conditions and counter increments to resolve at commit, or null. */
    final Deferred deferred;
    final CompletableFuture<Lsn> future = new CompletableFuture<>();
    /** Bytes held from the committer's pending-bytes budget until the transaction finishes. */
    final int permits;
    /** {@code System.nanoTime()} when commit was called (before any wait for pending-bytes room): the start of its commit latency. */
    final long createdNanos;
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Assigned by the committer thread when the transaction is written. */
    long seq = -1;
    /** Assigned when its entry is acknowledged. */
    Lsn lsn;
    /** Non-null for a control task the committer thread runs between batches instead of a transaction. */
    final Runnable control;

    PendingTxn(List<Mutation> ops, int size, int permits, long createdNanos, Deferred deferred) {
        this.createdNanos = createdNanos;
        this.deferred = deferred;
        this.ops = ops;
        this.size = size;
        this.permits = permits;
        this.control = null;
    }

    private PendingTxn(Runnable control) {
        this.ops = List.of();
        this.size = 0;
        this.permits = 0;
        this.control = control;
        this.createdNanos = 0;
        this.deferred = null;
    }

    static PendingTxn control(Runnable task) {
        return new PendingTxn(task);
    }

    int size() {
        return size;
    }

    /** True exactly once: the caller then owns releasing the permits and completing the future. */
    boolean markFinished() {
        return finished.compareAndSet(false, true);
    }
}
