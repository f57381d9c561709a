package io.ledgerkv.log;

/**
 * A ledger this client created and writes. Entries get consecutive ids from 0; BookKeeper completes
 * them in id order. A failed add that BookKeeper cannot repair (no replacement bookie, timeout,
 * fenced) closes the handle at its last confirmed entry and fails every pending add with the same
 * error.
 */
public interface WriteLedger {

    /** Receives an add's outcome: {@code error} null on success (then {@code entryId} is its id). */
    @FunctionalInterface
    interface AppendCallback {
        void complete(LogError error, long entryId, Object ctx);
    }

    long id();

    /** Sends {@code data[off, off + len)} as the next entry; {@code cb} runs once, on a log thread, in entry order. */
    void append(byte[] data, int off, int len, AppendCallback cb, Object ctx);

    /** Adds one entry and waits for it (one-off ledgers: dictionaries, imported checkpoints). */
    long append(byte[] data) throws LogException;

    /**
     * Closes the ledger and returns the last entry id its closed metadata records: the entries up to
     * it are the ledger, whatever their add callbacks said. As in BookKeeper, the outcome of the
     * first close attempt of a handle (including one BookKeeper made itself after an unrecoverable
     * add error) is the outcome of every later one.
     */
    long close() throws LogException;

    /** The last entry acknowledged to this writer, in order. */
    long lastAddConfirmed();

    /** Bookies BookKeeper has replaced in this ledger's ensemble so far. */
    int ensembleChanges();
}
