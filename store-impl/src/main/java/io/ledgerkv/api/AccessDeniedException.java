package io.ledgerkv.api;

/**
 * ZooKeeper refused an operation on a store's metadata: this client's identity
 * ({@code ClientConfig.zkDigest}) is not the one the namespace was created with. Nothing was
 * changed.
 */
public class AccessDeniedException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public AccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
