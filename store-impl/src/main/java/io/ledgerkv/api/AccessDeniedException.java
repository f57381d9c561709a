package io.ledgerkv.api;

/**
 * ZooKeeper refused an operation on a store's metadata, because this client's identity
 * ({@code ClientConfig.zkDigest} or {@code zkSaslLoginContext}) is not the one the namespace was
 * created with, or refused the client's SASL login itself; or BookKeeper refused the store's ledger
 * password (a wrong {@code StoreConfig.ledgerPassword}). Nothing was changed.
 */
public class AccessDeniedException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public AccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
