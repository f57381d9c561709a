package io.ledgerkv.api;

/** The store handle was closed (or its client crashed) before or during the operation. */
public class StoreClosedException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public StoreClosedException(String message) {
        super(message);
    }
}
