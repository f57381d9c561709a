package io.ledgerkv.api;

/**
 * A transaction's condition did not hold when it committed (or a counter could not be
 * incremented); the whole transaction was refused and nothing of it was written. The message names
 * the key, what was expected and what was seen.
 */
public class ConditionFailedException extends LedgerKvException {
    private static final long serialVersionUID = 1L;
    private final transient byte[] key;
    private final transient Lsn seenVersion;

    public ConditionFailedException(String store, byte[] key, String expected, byte[] seenValue, Lsn seenVersion) {
        super("store '" + store + "': condition on key " + Keys.describe(key) + " failed: expected " + expected + ", seen "
                + (seenValue == null ? "no value" : "version " + seenVersion + " (" + seenValue.length + "-byte value)")
                + "; the transaction was not written");
        this.key = key.clone();
        this.seenVersion = seenValue == null ? null : seenVersion;
    }

    /** A failure that is not a comparison (a counter that is not one, an overflow). */
    public ConditionFailedException(String store, byte[] key, String problem) {
        super("store '" + store + "': key " + Keys.describe(key) + ": " + problem + "; the transaction was not written");
        this.key = key.clone();
        this.seenVersion = null;
    }

    public byte[] key() {
        return key.clone();
    }

    /** The version the key had when the condition was evaluated, or null if it had no value. */
    public Lsn seenVersion() {
        return seenVersion;
    }
}
