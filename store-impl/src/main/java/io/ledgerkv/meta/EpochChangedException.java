package io.ledgerkv.meta;

/** A conditional metadata update failed because another writer claimed a newer epoch (or changed what we guarded). */
public class EpochChangedException extends Exception {
    private static final long serialVersionUID = 1L;

    public EpochChangedException(String message) {
        super(message);
    }
}
