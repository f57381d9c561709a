package io.ledgerkv.wal;

/** Bytes that are not a valid WAL entry or transaction record; the caller adds store, ledger and entry. */
public class WalFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public WalFormatException(String message) {
        super(message);
    }

    public WalFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
