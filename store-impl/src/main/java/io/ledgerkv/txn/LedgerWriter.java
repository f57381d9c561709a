package io.ledgerkv.txn;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFailedException;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.log.LogError;
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.log.WriteLedger;
import io.ledgerkv.meta.EpochChangedException;
import io.ledgerkv.meta.LedgerList;
import io.ledgerkv.meta.LedgerRef;
import io.ledgerkv.metrics.StoreMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committer's side that faces the log: it sends WAL entries to the current ledger within the
 * in-flight window, tracks them in submission order, applies the acknowledged prefix to the local
 * index in order and only then completes the transactions, and rolls to a new ledger when an entry
 * fails.
 *
 * <p>A roll waits for the ledger's other outstanding entries, closes the ledger, and takes the
 * closed ledger's last entry id from its metadata as the truth: entries up to it are durable
 * (applied, acknowledged), entries after it are not in the log and are written again, with the same
 * bytes, to a new ledger ({@link LedgerChain} records the move). If the ledger was fenced, or the
 * ledger list can no longer be updated under our epoch, another writer has taken over: the writer
 * fails with {@link StoreFencedException}.
 *
 * <p>Threads: {@link #submit}, the rolls, {@link #awaitApplied} and {@link #stopGracefully} run on
 * the committer thread; add outcomes arrive on log threads; {@link #fail} may come from any thread.
 * No wait is unbounded: each gives up after the stall bound without any add outcome.
 */
final class LedgerWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);

    private final String store;
    private final StoreConfig cfg;
    private final WalLedgers ledgers;
    private final LedgerChain chain;
    private final LocalIndex index;
    private final StoreMetrics metrics;
    private final WriterHooks hooks;
    private final TxnFinisher finisher;
    /** Wakes the committer thread (a failure it must see while it waits for transactions). */
    private final Runnable wake;
    private final Duration operationTimeout;
    /**
     * How long the writer waits for the outcome of any add before it gives up on the bookies.
     * BookKeeper times every add out after addEntryTimeout, so this bound is a guard, not a timer the
     * writer normally meets: no wait of the committer is unbounded.
     */
    private final long stallNanos;
    /** When an add last succeeded or failed (any thread writes, waits read). */
    private volatile long lastOutcomeNanos = System.nanoTime();

    private final Object lock = new Object();
    private final ArrayDeque<WalWrite> inflight = new ArrayDeque<>();
    /** Guarded by {@code lock}; volatile so the outstanding-bytes gauge can read it without the lock. */
    private volatile long inflightBytes;
    private final Object applyLock = new Object();
    private volatile OpenLedger current;
    private volatile boolean rollRequested;
    private volatile LedgerKvException failure;
    private volatile boolean crashed;
    private volatile boolean cleanStop;

    private final WriterStats stats;
    private final EntryApplier applier;
    private final FailureRollPacer pacer;

    LedgerWriter(String store, StoreConfig cfg, WalLedgers ledgers, LedgerChain chain, LocalIndex index, StoreMetrics metrics,
                 WriterHooks hooks, TxnFinisher finisher, Runnable wake, ClientConfig client, long logicalBytes, long storedBytes) {
        this.store = store;
        this.cfg = cfg;
        this.ledgers = ledgers;
        this.chain = chain;
        this.index = index;
        this.metrics = metrics;
        this.hooks = hooks;
        this.finisher = finisher;
        this.wake = wake;
        this.operationTimeout = client.operationTimeout();
        this.stallNanos = 2 * client.addEntryTimeout().toNanos() + client.operationTimeout().toNanos();
        this.stats = new WriterStats(logicalBytes, storedBytes);
        stats.register(metrics, this, w -> w.inflightBytes, LedgerWriter::ensembleChanges);
        this.applier = new EntryApplier(index, metrics, hooks, finisher, stats);
        this.pacer = new FailureRollPacer(operationTimeout);
    }

    /** Appends the writer's first ledger to the list ({@code created}, or a new one if null) and writes to it. */
    void start(WriteLedger created) {
        LedgerChain.Link first = chain.append(null, () -> false, created);
        current = new OpenLedger(first.seq(), first.ledger(), index.lastSeq(), this::added);
    }

    LedgerKvException failure() {
        return failure;
    }

    boolean crashed() {
        return crashed;
    }

    boolean cleanStop() {
        return cleanStop;
    }

    WriterStats stats() {
        return stats;
    }

    long ensembleChanges() {
        OpenLedger l = current;
        return stats.closedLedgersEnsembleChanges() + (l == null ? 0 : l.lh.ensembleChanges());
    }

    long currentLedgerId() {
        OpenLedger l = current;
        return l == null ? -1 : l.lh.id();
    }

    LedgerList ledgerList() {
        return chain.list();
    }

    /** Committer thread: removes the CLOSED ledgers a checkpoint at {@code upToTxnSeq} covers (see {@link LedgerChain#trim}). */
    List<LedgerRef> trim(long upToTxnSeq) {
        return chain.trim(upToTxnSeq, current.seq);
    }

    /**
     * Committer thread, between batches: rolls if an entry failed (a roll was requested) or the
     * current ledger reached {@code ledgerRollBytes}. True if it rolled (or tried to).
     */
    boolean rollIfDue() throws InterruptedException {
        if (rollRequested) {
            rollRequested = false;
            rollAfterFailure();
            return true;
        }
        if (current.bytes >= cfg.ledgerRollBytes()) {
            roll("ledger reached " + current.bytes + " bytes");
            return true;
        }
        return false;
    }

    /**
     * Committer thread: waits until every transaction up to {@code seq} is applied to the index
     * (rolling ledgers meanwhile if an entry fails), or the writer failed.
     */
    void awaitApplied(long seq) throws InterruptedException {
        long since = System.nanoTime();
        while (failure == null && index.lastSeq() < seq) {
            if (rollRequested) {
                rollRequested = false;
                rollAfterFailure();
                continue;
            }
            if (stalledSince(since)) {
                failStalled("waiting to resolve a conditional transaction");
                break;
            }
            synchronized (lock) {
                if (failure == null && index.lastSeq() < seq) {
                    lock.wait(1); // the index advances after the notify of the ack that advances it
                }
            }
        }
    }

    // ---- sending and acknowledging ---------------------------------------------------------------

    /** Sends an entry to the current ledger, waiting while too many bytes are outstanding. */
    void submit(WalWrite w) throws InterruptedException {
        awaitRoom(w.data.length);
        OpenLedger target;
        synchronized (lock) {
            if (failure != null) {
                for (PendingTxn t : w.txns) {
                    finisher.finish(t, null, failure);
                }
                return;
            }
            inflight.addLast(w);
            inflightBytes += w.data.length;
            target = current;
            w.ledger = target;
        }
        send(w, target);
        if (hooks.ackBeforeQuorum()) {
            // BUG (checker validation only): claim success before the bookies answered.
            for (PendingTxn t : w.txns) {
                finisher.finish(t, new Lsn(target.seq, 0, 0), null);
            }
        }
    }

    /**
     * Waits until the in-flight window has room for {@code bytes}. A failed entry keeps its bytes
     * counted until a roll settles it (durable after all, or re-sent), so when an add fails the roll
     * happens here: waiting for room that only the roll can free would wait for good.
     */
    private void awaitRoom(int bytes) throws InterruptedException {
        for (;;) {
            boolean stalled = false;
            synchronized (lock) {
                long since = System.nanoTime();
                while (failure == null && !rollRequested && inflightBytes > 0 && inflightBytes + bytes > cfg.maxInflightBytes()) {
                    if (!awaitOutcome(since)) {
                        stalled = true;
                        break;
                    }
                }
                if (failure != null || (!stalled && !rollRequested)) {
                    return;
                }
            }
            if (stalled) {
                failStalled("waiting for room in the in-flight window");
                return;
            }
            rollRequested = false;
            rollAfterFailure();
        }
    }

    /**
     * With {@code lock} held: waits for an add outcome (or any other wake-up). False, without
     * waiting, once no add has succeeded or failed for the stall bound since {@code since}.
     */
    @SuppressWarnings("WaitNotInLoop") // every caller loops on its own condition around this wait
    private boolean awaitOutcome(long since) throws InterruptedException {
        long left = stallNanos - (System.nanoTime() - Math.max(since, lastOutcomeNanos));
        if (left <= 0) {
            return false;
        }
        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        return true;
    }

    private boolean stalledSince(long since) {
        return System.nanoTime() - Math.max(since, lastOutcomeNanos) > stallNanos;
    }

    /** Fails the writer after the bookies neither acknowledged nor failed any add for the stall bound (not under {@code lock}). */
    private void failStalled(String doing) {
        fail(new StoreFailedException("store '" + store + "': no add was acknowledged or failed for "
                + Duration.ofNanos(stallNanos).toMillis() + " ms while " + doing + " (2 x addEntryTimeout + operationTimeout)"
                + ledgers.tlsHint(), null));
    }

    private void send(WalWrite w, OpenLedger target) {
        target.bytes += w.data.length;
        target.lh.append(w.data, 0, w.data.length, target.callback, w);
    }

    /** An add's outcome, on a log thread. */
    private void added(OpenLedger from, LogError error, long entryId, WalWrite w) {
        lastOutcomeNanos = System.nanoTime();
        synchronized (lock) {
            if (crashed || w.ledger != from || w.done) {
                return;
            }
            w.error = error;
            w.entryId = entryId;
            w.done = true;
            lock.notifyAll();
        }
        drain();
    }

    /** Applies and completes the acknowledged prefix of the in-flight entries, in order. */
    private void drain() {
        synchronized (applyLock) {
            for (;;) {
                WalWrite head;
                synchronized (lock) {
                    head = inflight.peekFirst();
                    if (head == null || crashed || failure != null || !head.done) {
                        return;
                    }
                    if (head.error == null) {
                        inflight.pollFirst();
                        inflightBytes -= head.data.length;
                        lock.notifyAll();
                    } else if (!head.error.fencesWriter()) {
                        requestRoll(); // the committer thread resolves it
                        return;
                    }
                }
                if (head.error != null) {
                    fail(new StoreFencedException("store '" + store + "': ledger " + head.ledger.lh.id()
                            + " was fenced by another writer (" + head.error + ")"));
                    return;
                }
                apply(head);
            }
        }
    }

    private void apply(WalWrite w) {
        pacer.acknowledged();
        applier.apply(w);
    }

    private void requestRoll() {
        if (!rollRequested) {
            rollRequested = true;
            wake.run();
        }
    }

    // ---- rolling to a new ledger ---------------------------------------------------------------

    /**
     * Rolls after a failed entry, with a growing pause between rolls that follow each other without
     * any entry acknowledged in between; after operationTimeout of that, the store fails
     * (StoreFailedException) instead of creating ledger after ledger for bookies that accept nothing,
     * e.g. ones a TLS client cannot connect to.
     */
    private void rollAfterFailure() throws InterruptedException {
        long now = System.nanoTime();
        int rolls = pacer.beforeRoll(now);
        if (rolls < 0) {
            fail(new StoreFailedException("store '" + store + "': no entry was acknowledged for " + pacer.run(now)
                    + " (operationTimeout " + ConfigFile.format(operationTimeout) + "): the bookies are unreachable or refuse writes"
                    + ledgers.tlsHint(), null));
            return;
        }
        if (rolls > 0) {
            chain.backoff(rolls);
        }
        pacer.rolling();
        roll("an entry failed");
    }

    private void roll(String reason) throws InterruptedException {
        stats.rollStarted();
        OpenLedger old = current;
        boolean stalled = false;
        synchronized (lock) {
            long since = System.nanoTime();
            while (failure == null && hasOutstanding(old)) {
                if (!awaitOutcome(since)) {
                    stalled = true;
                    break;
                }
            }
        }
        if (stalled) {
            failStalled("waiting for the outstanding entries of ledger " + old.lh.id() + " before rolling");
        }
        if (failure != null) {
            return;
        }
        long last;
        try {
            last = chain.close(old.lh);
        } catch (LedgerKvException e) {
            fail(e);
            return;
        }
        List<WalWrite> redo = new ArrayList<>();
        synchronized (lock) {
            for (WalWrite w : inflight) {
                if (w.ledger != old || w.error == null) {
                    continue;
                }
                if (w.entryId >= 0 && w.entryId <= last) {
                    w.error = null; // in the closed ledger after all: durable
                } else {
                    w.done = false; // not in the log: write it again
                    w.error = null;
                    redo.add(w);
                }
            }
            // Every failure so far was an entry of the old ledger, and this roll has just resolved them all. A failure
            // that arrived while the roll waited (an ack thread's drain) asked for a roll again; honouring it would
            // close the next ledger empty and roll once more.
            rollRequested = false;
        }
        drain();
        LOG.info("store '{}': rolling from ledger {} (seq {}, last entry {}) because {}; re-sending {} entries",
                store, old.lh.id(), old.seq, last, reason, redo.size());
        LedgerChain.Link link;
        try {
            link = chain.append(new LedgerChain.Closing(old.seq, last, old.lastTxnSeq), () -> failure != null);
        } catch (LedgerKvException e) {
            fail(e);
            return;
        }
        if (link == null) {
            return;
        }
        OpenLedger next = new OpenLedger(link.seq(), link.ledger(), index.lastSeq(), this::added);
        stats.rolled(old.lh.ensembleChanges());
        synchronized (lock) {
            current = next;
            for (WalWrite w : redo) {
                w.ledger = next;
            }
        }
        for (WalWrite w : redo) {
            send(w, next);
        }
    }

    private boolean hasOutstanding(OpenLedger l) {
        for (WalWrite w : inflight) {
            if (w.ledger == l && !w.done) {
                return true;
            }
        }
        return false;
    }

    // ---- failure and shutdown --------------------------------------------------------------------

    /**
     * Stops the writer for good: the acknowledged prefix is applied, everything else in flight fails
     * with {@code error}, and the committer thread is woken to fail what is queued. Safe to call from
     * any thread, more than once (the first error wins).
     */
    void fail(LedgerKvException error) {
        synchronized (lock) {
            if (failure != null) {
                return;
            }
            failure = error;
            lock.notifyAll();
        }
        if (error instanceof StoreFencedException) {
            metrics.fenced();
        }
        if (!(error instanceof StoreClosedException)) {
            LOG.warn("store '{}': writer stopped: {}", store, error.getMessage());
        }
        synchronized (applyLock) {
            for (;;) {
                WalWrite head;
                synchronized (lock) {
                    head = inflight.pollFirst();
                    if (head == null) {
                        break;
                    }
                    inflightBytes -= head.data.length;
                }
                if (head.done && head.error == null && !crashed) {
                    apply(head); // acknowledged before the failure: it is committed
                } else if (error instanceof StoreFencedException && hooks.ackInFlightWhenFenced()) {
                    for (PendingTxn t : head.txns) {
                        finisher.finish(t, new Lsn(head.ledger.seq, 0, 0), null); // BUG (checker validation only)
                    }
                } else {
                    for (PendingTxn t : head.txns) {
                        finisher.finish(t, null, error);
                    }
                }
            }
        }
        wake.run(); // the committer thread stops and fails what is queued
    }

    /** Simulated process death: from now on no outcome is applied. The caller fails the writer next. */
    void crash() {
        crashed = true;
    }

    /**
     * Committer thread, after STOP: waits for the in-flight entries (rolling if one fails), then
     * closes the writer and records the current ledger as closed ({@link #cleanStop} if that worked).
     */
    void stopGracefully() throws InterruptedException {
        for (;;) {
            boolean stalled = false;
            synchronized (lock) {
                long since = System.nanoTime();
                while (failure == null && !inflight.isEmpty() && !rollRequested) {
                    if (!awaitOutcome(since)) {
                        stalled = true;
                        break;
                    }
                }
                if (failure != null) {
                    return;
                }
                if (inflight.isEmpty()) {
                    break;
                }
            }
            if (stalled) {
                failStalled("closing with entries in flight");
                return;
            }
            rollRequested = false;
            roll("an entry failed during shutdown");
        }
        fail(new StoreClosedException("store '" + store + "' is closed"));
        OpenLedger l = current;
        try {
            chain.closeLast(l.seq, l.lh, l.lastTxnSeq);
            cleanStop = true;
        } catch (LogException | EpochChangedException | LedgerKvException e) {
            LOG.warn("store '{}': could not record ledger {} as closed: {} (the next writer will recover it)",
                    store, l.lh.id(), e.toString());
        }
    }
}
