package io.ledgerkv.log;

/**
 * Why a ledger operation failed, in the terms the store decides on. The BookKeeper implementation
 * maps BookKeeper's result codes onto these; the simulated log returns them directly.
 */
public enum LogError {
    /** Another writer opened the ledger with recovery: this writer may not add to it any more. */
    FENCED,
    /** The password does not match the one the ledger was created with. */
    UNAUTHORIZED,
    /** The ledger does not exist (deleted, or never created). */
    NO_SUCH_LEDGER,
    /** Too few writable bookies to form or repair an ensemble. */
    NOT_ENOUGH_BOOKIES,
    /** A bookie could not be reached. */
    BOOKIE_UNAVAILABLE,
    /** No answer in time (add or read timeout). */
    TIMEOUT,
    /** The ledger's metadata changed under this handle (for example closed by a recovery). */
    METADATA_VERSION,
    /** The metadata store (ZooKeeper) could not be reached. */
    METADATA_UNAVAILABLE,
    /** The ledger is closed: no more adds. */
    LEDGER_CLOSED,
    /** An entry could not be read from enough bookies, or failed BookKeeper's digest check. */
    READ_FAILED,
    /** Recovery (fencing and finding the ledger's end) did not complete. */
    RECOVERY_FAILED,
    /** The entry is larger than a bookie frame may carry. */
    TOO_LARGE,
    /** The calling thread was interrupted. */
    INTERRUPTED,
    /** The BookKeeper client was closed. */
    CLIENT_CLOSED,
    /** Anything else; the message says what. */
    OTHER;

    /** Errors after which this writer must stop: the ledger now belongs to someone else. */
    public boolean fencesWriter() {
        return this == FENCED || this == UNAUTHORIZED;
    }
}
