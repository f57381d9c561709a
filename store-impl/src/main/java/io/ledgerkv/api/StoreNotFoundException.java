package io.ledgerkv.api;

/** No store of that name exists in the namespace (read-only opens never create stores). */
public class StoreNotFoundException extends LedgerKvException {
    private static final long serialVersionUID = 1L;
    private final String namespace;
    private final String store;

    public StoreNotFoundException(String namespace, String store) {
        super("store '" + store + "' does not exist in namespace '" + namespace + "'");
        this.namespace = namespace;
        this.store = store;
    }

    /** The namespace that was searched. */
    public String namespace() {
        return namespace;
    }

    public String store() {
        return store;
    }
}
