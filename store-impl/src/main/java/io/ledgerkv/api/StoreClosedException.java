package io.ledgerkv.api;

/**
 * The store handle was closed (or its client crashed) before or during the operation. A commit it
 * fails after it was queued (a close that did not finish its commits within the timeout, a crash)
 * is <em>indeterminate</em>, as with {@link StoreFencedException}.
 */
public class StoreClosedException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public StoreClosedException(String message) {
        super(message);
    }
}
