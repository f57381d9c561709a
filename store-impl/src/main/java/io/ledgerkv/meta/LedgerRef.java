package io.ledgerkv.meta;

/**
 * One ledger of a store's WAL.
 *
 * @param seq         position in the store's ledger list (1, 2, ...; never reused); the first part of an LSN
 * @param ledgerId    BookKeeper ledger id
 * @param epoch       writer epoch that created it
 * @param state       OPEN while its writer may still add to it, CLOSED once its end is fixed
 * @param lastEntryId last entry of a CLOSED ledger (-1 if empty)
 * @param lastTxnSeq  sequence number of the last transaction committed in or before this ledger (-1 if unknown)
 */
public record LedgerRef(long seq, long ledgerId, long epoch, State state, long lastEntryId, long lastTxnSeq) {
    public enum State {
        OPEN, CLOSED
    }

    public LedgerRef closed(long lastEntry, long lastTxn) {
        return new LedgerRef(seq, ledgerId, epoch, State.CLOSED, lastEntry, lastTxn);
    }
}
