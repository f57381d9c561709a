package io.ledgerkv.txn;

import io.ledgerkv.wal.WalEntry;

/**
 * Points where tests and the fault-injection harness can step into the write path. Production code
 * uses {@link #NONE}. The "bug" switches deliberately break the store so that the checkers can be
 * shown to catch the breakage; they exist for that purpose only.
 */
public class WriterHooks {
    public static final WriterHooks NONE = new WriterHooks();

    /**
     * Called on the committer thread just before an entry is sent to the bookies. May block (for
     * example on a latch) to hold the committer at an exact point, e.g. between the parts of a
     * large transaction.
     *
     * @param type      what the entry holds
     * @param firstSeq  sequence number of its first transaction
     * @param partIndex part index for large transactions, 0 otherwise
     */
    public void beforeSubmit(WalEntry.Type type, long firstSeq, int partIndex) throws InterruptedException {
    }

    /** Called (on a BookKeeper callback thread) once an entry is acknowledged by the ack quorum, in log order. */
    public void afterAck(WalEntry.Type type, long firstSeq, int partIndex) {
    }

    /**
     * Called at each step of a checkpoint (a {@code store.Checkpointer.Step}); may throw to
     * stop the checkpoint there, as a crash would.
     */
    public void checkpointStep(Enum<?> step) {
    }

    /** BUG for checker validation: report commits as done when they are sent, before the ack quorum answers. */
    public boolean ackBeforeQuorum() {
        return false;
    }

    /**
     * BUG for checker validation: write transaction {@code txnSeq} (of a batch) to the log as an
     * empty transaction while still applying it in memory and acknowledging it: one acknowledged
     * transaction lost in the middle of an epoch, visible only after recovery.
     */
    public boolean loseFromLog(long txnSeq) {
        return false;
    }

    /**
     * BUG for checker validation: a fenced writer reports the commits it still had in flight (sent
     * or still queued) as acknowledged instead of failing them, though most never reached the log.
     */
    public boolean ackInFlightWhenFenced() {
        return false;
    }

    /** BUG for checker validation: on replay, rebuild a large transaction from its first part only (half of it is lost). */
    public boolean applyPartsOnReplay() {
        return false;
    }

    /**
     * BUG for checker validation: a tailing reader sets its cursor to the last-add-confirmed it just
     * read even when that is older than what it already read (the standby stopped at "transaction N
     * appears again" until 2026-11-30).
     */
    public boolean cursorFollowsOlderLac() {
        return false;
    }
}
