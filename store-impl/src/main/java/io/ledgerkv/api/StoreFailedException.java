package io.ledgerkv.api;

/**
 * The writer stopped after an unrecoverable WAL error (for example it could not create a new
 * ledger within {@code operationTimeout}, or no add was answered within the stall bound). Like a
 * fenced writer it fails every pending and later commit; acknowledged commits are safe.
 *
 * <p>A commit that fails with this exception is <em>indeterminate</em>, as with
 * {@link StoreFencedException}: its entry may have reached a bookie, and the next writer's recovery
 * may find it. Reopen the store and read to know.
 */
public class StoreFailedException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public StoreFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
