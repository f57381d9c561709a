package io.ledgerkv.wal;

import io.ledgerkv.api.CorruptEntryException;

/**
 * The WAL read so far ends before the next entry starts: transactions are missing. For a reader
 * that fell behind a checkpoint that trimmed the WAL it still needed, this means "reload from the
 * newest checkpoint"; anywhere else it is corruption.
 */
public class WalGapException extends CorruptEntryException {
    private static final long serialVersionUID = 1L;

    public WalGapException(String store, long ledgerId, long entryId, String reason) {
        super(store, ledgerId, entryId, reason);
    }
}
