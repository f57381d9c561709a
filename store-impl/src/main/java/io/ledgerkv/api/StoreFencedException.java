package io.ledgerkv.api;

/**
 * This handle is no longer the store's writer: a newer writer bumped the epoch and fenced its
 * ledger, its ZooKeeper session was lost, or its ledger list changed under it.
 *
 * <p>A commit that fails with this exception was <em>not acknowledged</em>. Its outcome is
 * indeterminate: it may or may not be visible to the writer that fenced this one (an entry that
 * reached fewer bookies than the ack quorum can still be recovered into the log). Every commit
 * that <em>was</em> acknowledged stays visible. The handle stays fenced; open the store again to
 * write.
 */
public class StoreFencedException extends LedgerKvException {
    private static final long serialVersionUID = 1L;

    public StoreFencedException(String message) {
        super(message);
    }

    public StoreFencedException(String message, Throwable cause) {
        super(message, cause);
    }
}
