package io.ledgerkv.api;

/** A write was attempted on a handle opened with {@code openReadOnly}. */
public class ReadOnlyStoreException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public ReadOnlyStoreException(String store) {
        super("store '" + store + "' was opened read-only; open it with open(...) to write");
    }
}
