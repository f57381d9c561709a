package io.ledgerkv.api;

/**
 * The writer stopped after an unrecoverable WAL error (for example it could not create a new
 * ledger within {@code operationTimeout}). Like a fenced writer it fails every pending and later
 * commit; acknowledged commits are safe. Reopen the store to continue.
 */
public class StoreFailedException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public StoreFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
