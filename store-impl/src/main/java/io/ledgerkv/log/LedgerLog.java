package io.ledgerkv.log;

import io.ledgerkv.api.DigestType;
import io.ledgerkv.log.bookkeeper.BookKeeperLog;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The store's one door to its write-ahead log's storage: BookKeeper ledgers as ledgerkv uses them.
 * {@link BookKeeperLog} is the implementation on a real cluster and
 * the only main class that talks to BookKeeper's client; the test suite's simulated log implements
 * the same semantics (fencing by recovery, a close outcome fixed by its first attempt, the frame
 * limit, ensemble changes that fail when bookies run out, a last-add-confirmed that trails the
 * writer) with faults on a seeded schedule.
 */
public interface LedgerLog extends AutoCloseable {

    /** Replication of a new ledger. */
    record Spec(int ensemble, int writeQuorum, int ackQuorum, DigestType digest) {
    }

    /** What the metadata of one ledger says, for status reports. */
    record LedgerInfo(boolean closed, long lastEntryId, long length, SortedMap<Long, List<String>> ensembles) {
    }

    /** Bookies registered with the cluster, by id. */
    record Bookies(List<String> writable, List<String> readOnly) {
    }

    /** Creates a ledger; {@code custom} goes into its metadata (who owns it, and why). */
    WriteLedger create(Spec spec, byte[] password, Map<String, byte[]> custom) throws LogException;

    /**
     * Opens a ledger for reading. With {@code recover}, an OPEN ledger is fenced (its writer's
     * later adds fail) and closed at its last recoverable entry, which may include entries whose
     * adds the writer saw fail or never heard back about.
     */
    ReadLedger open(long ledgerId, byte[] password, boolean recover) throws LogException;

    /** Deletes a ledger; BookKeeper asks for no password. */
    void delete(long ledgerId) throws LogException;

    LedgerInfo info(long ledgerId) throws LogException;

    Bookies bookies() throws LogException;

    /**
     * For messages about bookies that cannot be reached: the likely cause when connections use TLS
     * (an untrusted or expired certificate); empty otherwise.
     */
    default String unreachableHint() {
        return "";
    }

    @Override
    void close();
}
