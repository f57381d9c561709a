package io.ledgerkv.api;

/**
 * A WAL entry or checkpoint chunk failed its checks (magic, version, codec, length, CRC32C).
 * Nothing from it was applied. The message names the store, the ledger and the entry.
 */
public class CorruptEntryException extends LedgerKvException {
    private static final long serialVersionUID = 1L;
    private final String store;
    private final long ledgerId;
    private final long entryId;

    public CorruptEntryException(String store, long ledgerId, long entryId, String reason) {
        this(store, ledgerId, entryId, reason, null);
    }

    public CorruptEntryException(String store, long ledgerId, long entryId, String reason, Throwable cause) {
        super("corrupt entry in store '" + store + "', ledger " + ledgerId + ", entry " + entryId + ": " + reason, cause);
        this.store = store;
        this.ledgerId = ledgerId;
        this.entryId = entryId;
    }

    public String store() {
        return store;
    }

    public long ledgerId() {
        return ledgerId;
    }

    public long entryId() {
        return entryId;
    }
}
