package io.ledgerkv.api;

/**
 * Base class of every exception ledgerkv throws on purpose. Subclasses say what went wrong;
 * the message names the store, the limit, the field or the ledger/entry involved.
 */
public class LedgerKvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LedgerKvException(String message) {
        super(message);
    }

    public LedgerKvException(String message, Throwable cause) {
        super(message, cause);
    }
}
