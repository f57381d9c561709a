package io.ledgerkv.api;

/**
 * An encrypted entry cannot be read because its key is not configured: the store (or backup) was
 * written with a key id this handle does not have, or this handle has no keys at all. Nothing was
 * read past that entry and nothing was changed.
 */
public class EncryptionKeyException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public EncryptionKeyException(String message) {
        super(message);
    }
}
