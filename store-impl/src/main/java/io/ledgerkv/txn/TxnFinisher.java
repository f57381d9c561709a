package io.ledgerkv.txn;

import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Lsn;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How a transaction ends: its bytes go back to the pending-bytes budget and its future completes,
 * exactly once, whichever of the committer's paths gets there first. Futures complete on the
 * completions executor (an error always; a success from an acknowledgement too), so a caller's
 * continuation never runs on, and blocks, the committer thread or a BookKeeper callback thread.
 */
final class TxnFinisher {
    private final Semaphore pendingBytes;
    private final Executor completions;

    TxnFinisher(long maxPendingBytes, Executor completions) {
        this.pendingBytes = new Semaphore((int) Math.min(Integer.MAX_VALUE, maxPendingBytes));
        this.completions = completions;
    }

    /** Takes {@code permits} from the budget, waiting up to {@code nanos}; false if there was no room in time. */
    boolean acquire(int permits, long nanos) throws InterruptedException {
        return pendingBytes.tryAcquire(permits, nanos, TimeUnit.NANOSECONDS);
    }

    /** Completes a transaction that did not go through the acknowledged path. */
    void finish(PendingTxn t, Lsn lsn, LedgerKvException error) {
        if (t.markFinished()) {
            pendingBytes.release(t.permits);
            if (error == null) {
                t.future.complete(lsn);
            } else {
                completions.execute(() -> t.future.completeExceptionally(error));
            }
        }
    }

    /** Completes a transaction whose conditions held with nothing left to write, at {@code at}, on the completions executor. */
    void finishEmpty(PendingTxn t, Lsn at) {
        if (t.markFinished()) {
            pendingBytes.release(t.permits);
            completions.execute(() -> t.future.complete(at));
        }
    }

    /** Claims an applied transaction (true once): its bytes go back now, its future completes in {@link #completeApplied}. */
    boolean claimApplied(PendingTxn t) {
        if (t.markFinished()) {
            pendingBytes.release(t.permits);
            return true;
        }
        return false;
    }

    /** Completes the futures of transactions claimed by {@link #claimApplied}, at their LSNs, on the completions executor. */
    void completeApplied(List<PendingTxn> done) {
        completions.execute(() -> {
            for (PendingTxn t : done) {
                t.future.complete(t.lsn);
            }
        });
    }
}
