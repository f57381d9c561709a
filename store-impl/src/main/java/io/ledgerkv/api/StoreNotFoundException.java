package io.ledgerkv.api;

/** No store of that name exists in the namespace (read-only opens never create stores). */
public class StoreNotFoundException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public StoreNotFoundException(String namespace, String store) {
        super("store '" + store + "' does not exist in namespace '" + namespace + "'");
    }
}
