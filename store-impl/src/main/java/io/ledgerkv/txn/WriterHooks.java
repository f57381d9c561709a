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
     * Called at each step of a checkpoint (a {@code BookKeeperStore.CheckpointStep}); may throw to
     * stop the checkpoint there, as a crash would.
     */
    public void checkpointStep(Enum<?> step) {
    }

    /** BUG for checker validation: report commits as done when they are sent, before the ack quorum answers. */
    public boolean ackBeforeQuorum() {
        return false;
    }

    /** BUG for checker validation: on replay, rebuild a large transaction from its first part only (half of it is lost). */
    public boolean applyPartsOnReplay() {
        return false;
    }
}
