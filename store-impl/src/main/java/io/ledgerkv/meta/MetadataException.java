package io.ledgerkv.meta;

import io.ledgerkv.api.LedgerKvException;

/** ZooKeeper metadata could not be read or written. */
public class MetadataException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public MetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
