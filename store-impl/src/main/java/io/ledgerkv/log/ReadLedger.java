package io.ledgerkv.log;
import java.util.List;


/** A ledger opened for reading, with or without recovery. Close it. */
public interface ReadLedger extends AutoCloseable {

    /** Receives entries in order. */
    @FunctionalInterface
    interface EntryConsumer {
        void accept(long entryId, byte[] data);
    }

    long id();

    /** Whether the ledger's metadata says closed (always, after an open with recovery). */
    boolean isClosed();

    /** The last entry known confirmed when the handle was opened (for a closed ledger, its last entry). */
    long lastAddConfirmed();

    /**
     * Asks the bookies how far the ledger is confirmed now: the last-add-confirmed piggybacked on
     * the newest entry, or the one an idle writer pushed explicitly, whichever is higher. It trails
     * the writer by up to one entry while the writer is busy.
     */
    long readLastConfirmed() throws LogException;

    /**
     * Reads entries {@code [first, last]} in order. May fail part way: entries before the failure
     * have then been handed to {@code consumer}.
     */
    void read(long first, long last, EntryConsumer consumer) throws LogException;

    /** One bookie's copy of an entry: its data, or why it could not be read ({@code data} then null). */
    record Replica(String bookie, byte[] data, String error) {
    }

    /**
     * Reads entry {@code entryId} from every bookie of its write set, each copy on its own and
     * checked against BookKeeper's digest. For when a copy that passed BookKeeper's check fails the
     * store's own (a bug above BookKeeper's checksum, or tampering): the other copies may be intact.
     */
    List<Replica> readReplicas(long entryId) throws LogException;

    /** Releases the handle; never throws (a read handle has nothing to lose). */
    @Override
    void close();
}
