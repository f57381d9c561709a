package io.ledgerkv.api;

/** ZooKeeper or the bookies could not be reached, or did not answer within the configured timeout. */
public class ClusterUnavailableException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message) {
        super(message);
    }

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
