package io.ledgerkv.txn;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFailedException;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.log.LogError;
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.log.WriteLedger;
import io.ledgerkv.meta.EpochChangedException;
import io.ledgerkv.meta.EpochClaim;
import io.ledgerkv.meta.LedgerList;
import io.ledgerkv.meta.LedgerRef;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.meta.Versioned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer's chain of WAL ledgers as ZooKeeper's ledger list records it: the roll and trim
 * protocol. Appending the next ledger (and closing the one before it at the end its metadata fixed)
 * is one compare-and-set guarded by the writer's epoch; so are trimming ledgers a checkpoint covers
 * and recording the last ledger closed. Retries run until operationTimeout. Outcomes come back as
 * values and failures as the API's exceptions: {@link StoreFencedException} when another writer
 * took over, {@link StoreFailedException} when the cluster did not answer in time,
 * {@link StoreClosedException} when the writer was interrupted. The committer decides what to do.
 * Only the committer thread calls it.
 */
final class LedgerChain {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerChain.class);
    /** Doublings of the retry pause: 20 (about 2^4.3) times the first pause at most. */
    private static final int MAX_BACKOFF_STEPS = 5;

    private final String store;
    private final StoreConfig cfg;
    private final WalLedgers ledgers;
    private final StoreMetadata meta;
    private final EpochClaim claim;
    private final Duration operationTimeout;
    private final long backoffNanos;
    private volatile Versioned<LedgerList> list;

    /** A ledger appended to the chain: its position in the list and its handle. */
    record Link(long seq, WriteLedger ledger) {
    }

    /** The ledger the chain moves on from: its position, its last entry, its last transaction (parts counted). */
    record Closing(long seq, long lastEntry, long lastTxnSeq) {
    }

    LedgerChain(String store, StoreConfig cfg, WalLedgers ledgers, StoreMetadata meta, EpochClaim claim,
                Versioned<LedgerList> list, ClientConfig client) {
        this.store = store;
        this.cfg = cfg;
        this.ledgers = ledgers;
        this.meta = meta;
        this.claim = claim;
        this.list = list;
        this.operationTimeout = client.operationTimeout();
        this.backoffNanos = client.retryBackoff().toNanos();
    }

    /** The ledger list as this writer last wrote it. */
    LedgerList list() {
        return list.value();
    }

    /** Sleeps before retry {@code attempt}: the first pause, doubled per attempt, at most 20 times it. */
    void backoff(int attempt) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(Math.min(20 * backoffNanos, backoffNanos << Math.min(attempt, MAX_BACKOFF_STEPS)));
    }

    /**
     * Creates a ledger and appends it to the list (marking {@code closing}, if any, closed) in one
     * compare-and-set guarded by the epoch. Retries while bookies or ZooKeeper are unavailable, up
     * to operationTimeout; returns null once {@code stop} holds (the writer failed meanwhile).
     *
     * @throws StoreFailedException not done within operationTimeout; its cause is the last failure
     */
    Link append(Closing closing, BooleanSupplier stop) {
        return append(closing, stop, null);
    }

    /** {@link #append(Closing, BooleanSupplier)} of a ledger already created ({@code created}; null: create one). */
    Link append(Closing closing, BooleanSupplier stop, WriteLedger created) {
        long deadline = System.nanoTime() + operationTimeout.toNanos();
        WriteLedger lh = created;
        for (int attempt = 0; ; attempt++) {
            if (stop.getAsBoolean()) {
                abandon(lh);
                return null;
            }
            try {
                if (lh == null) {
                    lh = ledgers.create(WalLedgers.Kind.WAL, cfg, claim.epoch());
                }
                LedgerList next = list.value();
                if (closing != null) {
                    next = next.replace(next.bySeq(closing.seq()).closed(closing.lastEntry(), closing.lastTxnSeq()));
                }
                long seq = next.nextSeq();
                next = next.append(lh.id(), claim.epoch());
                int v = meta.casLedgers(claim, next, list.version());
                list = new Versioned<>(next, v);
                return new Link(seq, lh);
            } catch (EpochChangedException e) {
                abandon(lh);
                throw new StoreFencedException("store '" + store + "': " + e.getMessage());
            } catch (LogException | LedgerKvException e) {
                if (e instanceof LogException le && le.error() == LogError.INTERRUPTED) {
                    abandon(lh);
                    throw new StoreClosedException("store '" + store + "': interrupted while creating a ledger");
                }
                LOG.warn("store '{}': creating the next ledger failed (attempt {}): {}", store, attempt, e.toString());
                if (System.nanoTime() > deadline) {
                    abandon(lh);
                    throw new StoreFailedException("store '" + store + "': could not create a new ledger within "
                            + ConfigFile.format(operationTimeout) + ": " + e.getMessage() + ledgers.tlsHint(), e);
                }
            }
            try {
                backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abandon(lh);
                throw new StoreClosedException("store '" + store + "': interrupted while creating a ledger");
            }
        }
    }

    /**
     * Gives up a ledger this writer created for the list: closes it, and deletes it unless the list
     * names it. An update whose response was lost may have registered it after all (and a successor
     * that fenced us then recovers it), so a ledger is deleted only when the list is read and it is
     * not there; when the list cannot be read, it stays as an unreferenced ledger.
     */
    private void abandon(WriteLedger lh) {
        if (lh == null) {
            return;
        }
        try {
            lh.close();
        } catch (LogException e) {
            // an empty ledger; nothing to lose
        }
        try {
            for (LedgerRef r : meta.readLedgers().value().ledgers()) {
                if (r.ledgerId() == lh.id()) {
                    LOG.warn("store '{}': ledger {} is in the ledger list after all (an update whose response was lost); kept",
                            store, lh.id());
                    return;
                }
            }
        } catch (LedgerKvException e) {
            LOG.warn("store '{}': ledger {} left unreferenced: the ledger list could not be read to check it: {}", store,
                    lh.id(), e.getMessage());
            return;
        }
        ledgers.deleteQuietly(lh.id());
    }

    /**
     * Closes a ledger and returns its last entry id as its closed metadata records it.
     *
     * @throws StoreFencedException another writer recovered the ledger
     * @throws StoreFailedException not closed within operationTimeout
     */
    long close(WriteLedger lh) throws InterruptedException {
        long deadline = System.nanoTime() + operationTimeout.toNanos();
        for (int attempt = 0; ; attempt++) {
            try {
                return lh.close();
            } catch (LogException e) {
                if (e.error() == LogError.FENCED || e.error() == LogError.METADATA_VERSION) {
                    throw new StoreFencedException("store '" + store + "': ledger " + lh.id()
                            + " was recovered by another writer while this one was closing it", e);
                }
                if (e.error() == LogError.INTERRUPTED) {
                    throw new InterruptedException("closing ledger " + lh.id());
                }
                LOG.warn("store '{}': closing ledger {} failed (attempt {}): {}", store, lh.id(), attempt, e.toString());
            }
            if (System.nanoTime() > deadline) {
                throw new StoreFailedException("store '" + store + "': could not close ledger " + lh.id() + " within " + ConfigFile.format(operationTimeout),
                        null);
            }
            backoff(attempt);
        }
    }

    /** Closes the chain's last ledger and records it closed (a graceful stop). */
    void closeLast(long seq, WriteLedger lh, long lastTxnSeq) throws LogException, EpochChangedException {
        long last = lh.close();
        LedgerList next = list.value();
        next = next.replace(next.bySeq(seq).closed(last, lastTxnSeq));
        int v = meta.casLedgers(claim, next, list.version());
        list = new Versioned<>(next, v);
    }

    /**
     * Removes from the list every CLOSED ledger whose transactions all have sequence numbers at or
     * below {@code upToTxnSeq} (a checkpoint covers them), except {@code currentSeq}; returns them.
     *
     * @throws StoreFencedException the epoch changed
     */
    List<LedgerRef> trim(long upToTxnSeq, long currentSeq) {
        LedgerList now = list.value();
        List<LedgerRef> keep = new ArrayList<>();
        List<LedgerRef> removed = new ArrayList<>();
        for (LedgerRef r : now.ledgers()) {
            boolean covered = r.state() == LedgerRef.State.CLOSED && r.lastTxnSeq() >= 0
                    && r.lastTxnSeq() <= upToTxnSeq && r.seq() != currentSeq;
            (covered ? removed : keep).add(r);
        }
        if (!removed.isEmpty()) {
            LedgerList trimmed = new LedgerList(keep, now.nextSeq());
            try {
                int v = meta.casLedgers(claim, trimmed, list.version());
                list = new Versioned<>(trimmed, v);
            } catch (EpochChangedException e) {
                throw new StoreFencedException("store '" + store + "': " + e.getMessage());
            }
        }
        return removed;
    }
}
