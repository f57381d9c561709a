package io.ledgerkv.txn;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFailedException;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.codec.Codec;
import io.ledgerkv.index.LocalIndex;
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
import io.ledgerkv.metrics.StoreMetrics;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import io.ledgerkv.wal.WalEntry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of one store: group commit onto BookKeeper.
 *
 * <p>One committer thread takes transactions from a queue, packs whole transactions into one
 * WAL entry (up to {@code maxBatchBytes} / {@code maxBatchTxns}, waiting up to
 * {@code lingerMicros} for more), or splits one large transaction into part entries followed by a
 * commit entry, and pipelines {@code asyncAddEntry}. Entries are tracked in submission order; as
 * the ack quorum acknowledges them, the prefix of acknowledged entries is applied to the local
 * index in order and only then are the transactions' futures completed.
 *
 * <p>Failures. An entry that fails (a bookie died and no ensemble change was possible, a timeout,
 * the ledger closed under us) makes the committer <em>roll</em>: it waits for the ledger's other
 * outstanding entries, closes the ledger, and takes the closed ledger's last entry id from its
 * metadata as the truth: entries up to it are durable (applied, acknowledged), entries after it are
 * not in the log and are written again, with the same bytes, to a new ledger. If the ledger was
 * fenced, or the ledger list can no longer be updated under our epoch, another writer has taken
 * over: every pending and later commit fails with {@link StoreFencedException}.
 */
public final class Committer {
    private static final Logger LOG = LoggerFactory.getLogger(Committer.class);
    private static final PendingTxn WAKE = new PendingTxn(List.of(), 0, 0, 0, null);
    private static final PendingTxn STOP = new PendingTxn(List.of(), 0, 0, 0, null);

    /** A ledger the committer writes to. */
    private final class OpenLedger {
        final long seq;
        final WriteLedger lh;
        long bytes;
        /** Sequence number of the last transaction applied from this ledger, or before it. */
        volatile long lastTxnSeq;
        /** Add callbacks of this ledger: they know which ledger answered (a re-sent entry ignores its old ledger's). */
        final WriteLedger.AppendCallback callback = (error, entryId, ctx) -> added(this, error, entryId, (WalWrite) ctx);

        OpenLedger(long seq, WriteLedger lh, long lastTxnSeq) {
            this.seq = seq;
            this.lh = lh;
            this.lastTxnSeq = lastTxnSeq;
        }
    }

    /** One WAL entry on its way to the bookies, possibly re-sent to a new ledger after a failure. */
    private static final class WalWrite {
        final byte[] data;
        final WalEntry.Type type;
        final List<PendingTxn> txns;
        final int payloadLength;
        final long firstSeq;
        final int partIndex;
        /** The writer clock reading recorded in the entry's header (expiry is judged against it). */
        final long writerTime;
        OpenLedger ledger;
        long entryId = -1;
        /** Set with {@code done}: null if the ledger acknowledged the entry. */
        LogError error;
        boolean done;

        WalWrite(byte[] data, WalEntry.Type type, List<PendingTxn> txns, int payloadLength, long firstSeq, int partIndex,
                 long writerTime) {
            this.writerTime = writerTime;
            this.data = data;
            this.type = type;
            this.txns = txns;
            this.payloadLength = payloadLength;
            this.firstSeq = firstSeq;
            this.partIndex = partIndex;
        }
    }

    private final String store;
    private final StoreConfig cfg;
    private final WalLedgers ledgers;
    private final EpochClaim claim;
    private final LocalIndex index;
    private final WalEntry.Encoder encoder;
    private final CommitObserver observer;
    private final StoreMetrics metrics;
    /** Reused buffer in which a batch's transaction records are laid end to end. */
    private byte[] payloadBuf = new byte[0];
    private final Executor completions;
    private final WriterHooks hooks;
    private final Duration operationTimeout;
    /**
     * How long the writer waits for the outcome of any add before it gives up on the bookies.
     * BookKeeper times every add out after addEntryTimeout, so this bound is a guard, not a timer the
     * writer normally meets: no wait of the committer is unbounded.
     */
    private final long stallNanos;
    /** When an add last succeeded or failed (any thread writes, waits read). */
    private volatile long lastOutcomeNanos = System.nanoTime();

    private final LinkedBlockingQueue<PendingTxn> queue = new LinkedBlockingQueue<>();
    private final Semaphore pendingBytes;
    private final Object lock = new Object();
    private final ArrayDeque<WalWrite> inflight = new ArrayDeque<>();
    /** Guarded by {@code lock}; volatile so the outstanding-bytes gauge can read it without the lock. */
    private volatile long inflightBytes;
    private final Object applyLock = new Object();
    private final Thread thread;

    private final LedgerChain chain;
    private volatile OpenLedger current;
    private long nextTxnSeq;
    private PendingTxn carry;
    /** Transactions taken from the queue and not yet inside a submitted entry (committer thread only). */
    private List<PendingTxn> inHand = List.of();
    private volatile boolean rollRequested;
    private volatile LedgerKvException failure;
    private volatile boolean crashed;
    private volatile CompletableFuture<Lsn> lastEnqueued;
    /** Set by the committer thread just before its final drain of the queue. */
    private volatile boolean exited;

    // Bytes of the WAL retained in ledgers (uncompressed payload and as stored), for the stats znode.
    private final AtomicLong logicalBytes;
    private final AtomicLong storedBytes;
    private final AtomicLong entriesApplied = new AtomicLong();
    private final AtomicLong ledgerRolls = new AtomicLong();
    private final AtomicLong rollAttempts = new AtomicLong();
    /** Ensemble changes BookKeeper made in this writer's ledgers that are already closed. */
    private final AtomicLong closedLedgersEnsembleChanges = new AtomicLong();

    /**
     * @param ledgerList     the store's ledger list as recovered on open (its OPEN ledgers already
     *                       marked closed); the committer appends its first ledger to it on {@link #start(WriteLedger)}
     * @param logicalBytes   WAL bytes already in the store's ledgers (uncompressed)
     * @param storedBytes    WAL bytes already in the store's ledgers (as stored)
     */
    public Committer(String store, StoreConfig cfg, Codec codec, WalLedgers ledgers, StoreMetadata meta, EpochClaim claim,
                     Versioned<LedgerList> ledgerList, LocalIndex index, Executor completions, WriterHooks hooks,
                     CommitObserver observer, ClientConfig client, long logicalBytes, long storedBytes, StoreMetrics metrics) {
        this.store = store;
        this.cfg = cfg;
        this.ledgers = ledgers;
        this.claim = claim;
        this.chain = new LedgerChain(store, cfg, ledgers, meta, claim, ledgerList, client);
        this.index = index;
        this.encoder = new WalEntry.Encoder(codec, cfg.minCompressBytes(), cfg.minCompressionSavings(), ledgers.cipher());
        this.observer = observer == null ? CommitObserver.NONE : observer;
        this.completions = completions;
        this.hooks = hooks;
        this.operationTimeout = client.operationTimeout();
        this.stallNanos = 2 * client.addEntryTimeout().toNanos() + client.operationTimeout().toNanos();
        this.nextTxnSeq = index.lastSeq() + 1;
        this.pendingBytes = new Semaphore((int) Math.min(Integer.MAX_VALUE, cfg.maxPendingBytes()));
        this.logicalBytes = new AtomicLong(logicalBytes);
        this.storedBytes = new AtomicLong(storedBytes);
        this.metrics = metrics;
        metrics.gauge("ledgerkv.outstanding", "WAL bytes sent to the bookies and not yet acknowledged (bounded by maxInflightBytes)",
                "bytes", this, c -> c.inflightBytes);
        metrics.gauge("ledgerkv.compression.ratio", "Logical WAL bytes per stored byte over the store's life, headers included",
                null, this, c -> c.storedBytes.get() == 0 ? 0 : c.logicalBytes.get() / (double) c.storedBytes.get());
        metrics.functionCounter("ledgerkv.ledger.rolls", "Moves of this writer to a new WAL ledger (size limit or failure)",
                ledgerRolls, AtomicLong::get);
        metrics.functionCounter("ledgerkv.ensemble.changes", "Bookies BookKeeper replaced in this writer's ledger ensembles",
                this, Committer::ensembleChanges);
        this.thread = new Thread(this::run, "ledgerkv-committer-" + store);
        this.thread.setDaemon(true);
    }

    /**
     * Appends the first ledger of this writer to the list (fencing point for metadata) and starts
     * the committer thread. {@code created}: the ledger, made before the epoch was claimed so that an
     * open the bookies cannot serve fails before it fences anyone; null to create it here.
     */
    public void start(WriteLedger created) {
        try {
            LedgerChain.Link first = chain.append(null, () -> false, created);
            current = new OpenLedger(first.seq(), first.ledger(), index.lastSeq());
        } catch (StoreFailedException e) {
            fail(e);
            throw e.getCause() instanceof LogException le ? ledgers.failure("creating the first ledger", le)
                    : e.getCause() instanceof LedgerKvException k ? k : e;
        } catch (LedgerKvException e) {
            fail(e);
            throw e;
        }
        thread.start();
    }

    // ---- accepting transactions ----------------------------------------------------------------

    /**
     * Queues a transaction. Blocks for up to {@code maxBlock} while more than
     * {@code maxPendingBytes} are waiting to be committed.
     */
    public CompletableFuture<Lsn> enqueue(List<Mutation> ops, int recordBytes) {
        return enqueue(ops, recordBytes, null);
    }

    /**
     * Queues a transaction whose conditions and counter increments ({@code deferred}, may be null)
     * the committer resolves when its turn comes, against the state every earlier transaction left.
     * {@code recordBytes} is {@link TxnRecord#encodedSize(List)} of {@code ops}; the record is encoded
     * when the transaction is written.
     */
    public CompletableFuture<Lsn> enqueue(List<Mutation> ops, int recordBytes, Deferred deferred) {
        long called = System.nanoTime();
        LedgerKvException f = failure;
        if (f != null) {
            return CompletableFuture.failedFuture(f);
        }
        int permits = (int) Math.min(recordBytes, cfg.maxPendingBytes());
        try {
            if (!pendingBytes.tryAcquire(permits, cfg.maxBlock().toNanos(), TimeUnit.NANOSECONDS)) {
                return CompletableFuture.failedFuture(new LedgerKvException("store '" + store + "': commit blocked for "
                        + cfg.maxBlock() + " behind " + cfg.maxPendingBytes() + " bytes of pending commits (maxPendingBytes); nothing was written"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new LedgerKvException("interrupted while waiting to commit; nothing was written", e));
        }
        PendingTxn t = new PendingTxn(ops, recordBytes, permits, called, deferred);
        queue.add(t);
        lastEnqueued = t.future;
        // The committer thread drains the queue when it stops; if it already has, nobody else
        // would see this transaction, so fail it here.
        if (exited) {
            failQueued(failure != null ? failure : new StoreClosedException("store '" + store + "' is closed"));
        }
        return t.future;
    }

    /** The future of the last transaction accepted, for flush(). */
    public CompletableFuture<Lsn> lastEnqueued() {
        return lastEnqueued;
    }

    public LedgerKvException failure() {
        return failure;
    }

    public long logicalBytes() {
        return logicalBytes.get();
    }

    public long storedBytes() {
        return storedBytes.get();
    }

    /** Transactions queued and not yet taken by the committer thread (for tests that need it idle). */
    int queued() {
        return queue.size();
    }

    /** WAL entries this committer wrote and had acknowledged (not counting replayed ones). */
    public long entriesWritten() {
        return entriesApplied.get();
    }

    /** Completed moves to a new ledger. */
    public long ledgerRolls() {
        return ledgerRolls.get();
    }

    /** Ensemble changes BookKeeper made in this writer's ledgers (bookies replaced after failures). */
    public long ensembleChanges() {
        OpenLedger l = current;
        return closedLedgersEnsembleChanges.get() + (l == null ? 0 : ensembleChanges(l.lh));
    }

    private static long ensembleChanges(WriteLedger lh) {
        return lh.ensembleChanges();
    }

    /** Started moves to a new ledger (a roll in progress waits for bookies or ZooKeeper). */
    public long rollAttempts() {
        return rollAttempts.get();
    }

    // ---- committer thread -----------------------------------------------------------------------

    private void run() {
        try {
            loop();
        } catch (InterruptedException e) {
            if (!crashed) {
                fail(new StoreClosedException("store '" + store + "': committer interrupted"));
            }
        } catch (LedgerKvException e) {
            fail(e);
        } catch (Throwable t) {
            LOG.error("store '{}': committer failed", store, t);
            fail(new StoreFailedException("store '" + store + "': committer failed: " + t, t));
        }
        // Not a finally block: every throwable is caught above, and one copy of this code (a finally
        // is compiled once per exit path) is one thing to test.
        LedgerKvException f = failure != null ? failure : new StoreClosedException("store '" + store + "': committer stopped");
        for (PendingTxn t : inHand) {
            finish(t, null, f); // no-op for those already finished through their entry
        }
        PendingTxn c = carry;
        carry = null;
        if (c != null && c != WAKE && c != STOP) {
            finish(c, null, f);
        }
        exited = true;
        failQueued(f);
    }

    /** The committer thread's loop: returns after a graceful stop or once the writer has failed. */
    private void loop() throws InterruptedException {
        while (failure == null) {
            if (rollRequested) {
                rollRequested = false;
                rollAfterFailure();
                continue;
            }
            if (current.bytes >= cfg.ledgerRollBytes()) {
                roll("ledger reached " + current.bytes + " bytes");
                continue;
            }
            PendingTxn first = carry != null ? carry : queue.take();
            carry = null;
            if (first == WAKE) {
                continue;
            }
            if (first == STOP) {
                stopGracefully();
                return;
            }
            if (first.control != null) {
                first.control.run();
                continue;
            }
            if (first.deferred != null) {
                inHand = List.of(first); // failed, not lost, if the committer stops while resolving it
                boolean write = resolve(first);
                inHand = List.of();
                if (!write) {
                    continue;
                }
            }
            if (first.size() > cfg.maxBatchBytes()) {
                inHand = List.of(first);
                writeLarge(first);
            } else {
                inHand = collect(first);
                writeBatch(inHand);
            }
            inHand = List.of();
        }
    }

    private List<PendingTxn> collect(PendingTxn first) throws InterruptedException {
        List<PendingTxn> batch = new ArrayList<>();
        batch.add(first);
        long bytes = first.size();
        long lingerDeadline = cfg.lingerMicros() > 0 ? System.nanoTime() + cfg.lingerMicros() * 1000 : 0;
        while (batch.size() < cfg.maxBatchTxns()) {
            PendingTxn n = queue.poll();
            if (n == null && lingerDeadline != 0) {
                long left = lingerDeadline - System.nanoTime();
                if (left > 0) {
                    n = queue.poll(left, TimeUnit.NANOSECONDS);
                }
            }
            if (n == null) {
                break;
            }
            if (n == WAKE) {
                continue;
            }
            if (n == STOP || n.control != null || n.deferred != null || bytes + n.size() > cfg.maxBatchBytes()) {
                carry = n;
                break;
            }
            batch.add(n);
            bytes += n.size();
        }
        return batch;
    }

    /**
     * Resolves a transaction's conditions and counter increments: waits until every transaction
     * written before it is applied (rolling ledgers meanwhile if an entry fails), so the index holds
     * exactly the state it follows, then evaluates. Returns false if the transaction is finished
     * here (a condition failed: nothing written; or it had nothing left to write).
     */
    private boolean resolve(PendingTxn t) throws InterruptedException {
        long since = System.nanoTime();
        while (failure == null && index.lastSeq() < nextTxnSeq - 1) {
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
                if (failure == null && index.lastSeq() < nextTxnSeq - 1) {
                    lock.wait(1); // the index advances after the notify of the ack that advances it
                }
            }
        }
        if (failure != null) {
            finish(t, null, failure);
            return false;
        }
        List<Mutation> ops;
        try {
            ops = t.deferred.resolve(index, store, t.ops);
        } catch (LedgerKvException e) {
            finish(t, null, e);
            return false;
        }
        if (ops.isEmpty()) {
            // Conditions only, all held: nothing to write. Completed on the completions executor, like
            // every commit, so a caller's continuation never runs on (and blocks) the committer thread.
            if (t.markFinished()) {
                pendingBytes.release(t.permits);
                Lsn at = index.lastLsn();
                completions.execute(() -> t.future.complete(at));
            }
            return false;
        }
        if (ops != t.ops) {
            int size = TxnRecord.encodedSize(ops);
            if (size > t.size) {
                // Counters replace same-sized placeholders and the reaper only drops deletes: never larger.
                throw new IllegalStateException("resolving grew the record: " + t.size + " -> " + size);
            }
            t.ops = ops;
            t.size = size;
        }
        return true;
    }

    private void writeBatch(List<PendingTxn> batch) throws InterruptedException {
        int len = 0;
        for (PendingTxn t : batch) {
            len += t.size();
        }
        if (payloadBuf.length < len) {
            payloadBuf = new byte[Math.max(len, Math.min(cfg.maxBatchBytes(), payloadBuf.length * 2))];
        }
        byte[] payload = payloadBuf;
        int p = 0;
        long firstSeq = nextTxnSeq;
        for (PendingTxn t : batch) {
            t.seq = nextTxnSeq++;
            // BUG switch (checker validation only): an empty record in the log for an acknowledged transaction.
            p = TxnRecord.encodeInto(hooks.loseFromLog(t.seq) ? List.of() : t.ops, payload, p);
            observer.written(t.ops);
        }
        long time = index.now();
        byte[] data = encoder.encode(WalEntry.Type.BATCH, claim.epoch(), firstSeq, batch.size(), time, payload, 0, p);
        metrics.batch(batch.size(), len);
        hooks.beforeSubmit(WalEntry.Type.BATCH, firstSeq, 0);
        submit(new WalWrite(data, WalEntry.Type.BATCH, batch, len, firstSeq, 0, time));
    }

    /** A transaction larger than one entry: TXN_PART entries, then a TXN_COMMIT entry carrying the last part. */
    private void writeLarge(PendingTxn t) throws InterruptedException {
        t.seq = nextTxnSeq++;
        observer.written(t.ops);
        metrics.batch(1, t.size());
        int chunk = cfg.maxBatchBytes();
        int parts = (t.size() + chunk - 1) / chunk;
        long time = index.now();
        byte[] record = TxnRecord.encode(t.ops);
        for (int i = 0; i < parts; i++) {
            int off = i * chunk;
            int len = Math.min(chunk, t.size() - off);
            boolean last = i == parts - 1;
            WalEntry.Type type = last ? WalEntry.Type.TXN_COMMIT : WalEntry.Type.TXN_PART;
            byte[] data = encoder.encode(type, claim.epoch(), t.seq, i, time, record, off, len);
            hooks.beforeSubmit(type, t.seq, i);
            if (failure != null) {
                finish(t, null, failure);
                return;
            }
            submit(new WalWrite(data, type, last ? List.of(t) : List.of(), len, t.seq, i, time));
        }
    }

    /** Sends an entry to the current ledger, waiting while too many bytes are outstanding. */
    private void submit(WalWrite w) throws InterruptedException {
        awaitRoom(w.data.length);
        OpenLedger target;
        synchronized (lock) {
            if (failure != null) {
                for (PendingTxn t : w.txns) {
                    finish(t, null, failure);
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
                finish(t, new Lsn(target.seq, 0, 0), null);
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
        lastAckNanos = System.nanoTime();
        logicalBytes.addAndGet(w.payloadLength);
        storedBytes.addAndGet(w.data.length);
        entriesApplied.incrementAndGet();
        metrics.entryAcked(w.payloadLength, w.data.length);
        hooks.afterAck(w.type, w.firstSeq, w.partIndex);
        if (w.type == WalEntry.Type.TXN_PART) {
            // A ledger holding parts of transaction X must outlive any checkpoint before X.
            w.ledger.lastTxnSeq = Math.max(w.ledger.lastTxnSeq, w.firstSeq);
            return;
        }
        List<PendingTxn> done = new ArrayList<>(w.txns.size());
        for (int i = 0; i < w.txns.size(); i++) {
            PendingTxn t = w.txns.get(i);
            Lsn lsn = new Lsn(w.ledger.seq, w.entryId, i);
            index.apply(t.seq, lsn, w.writerTime, t.ops);
            t.lsn = lsn;
            w.ledger.lastTxnSeq = Math.max(w.ledger.lastTxnSeq, t.seq);
            if (t.markFinished()) {
                pendingBytes.release(t.permits);
                done.add(t);
            }
        }
        long now = System.nanoTime();
        for (PendingTxn t : done) {
            metrics.committed(now - t.createdNanos);
        }
        if (!done.isEmpty()) {
            // Futures complete on another thread so that a caller's continuation can never block
            // the BookKeeper callback thread that delivers the next acknowledgements.
            completions.execute(() -> {
                for (PendingTxn t : done) {
                    t.future.complete(t.lsn);
                }
            });
        }
    }

    /** Completes a transaction that did not go through {@link #apply}. */
    private void finish(PendingTxn t, Lsn lsn, LedgerKvException error) {
        if (t.markFinished()) {
            pendingBytes.release(t.permits);
            if (error == null) {
                t.future.complete(lsn);
            } else {
                completions.execute(() -> t.future.completeExceptionally(error));
            }
        }
    }

    private void requestRoll() {
        if (!rollRequested) {
            rollRequested = true;
            queue.add(WAKE);
        }
    }

    // ---- rolling to a new ledger ---------------------------------------------------------------

    /** When an entry was last acknowledged (any thread writes, the committer thread reads). */
    private volatile long lastAckNanos = System.nanoTime();
    // Committer thread only: the current run of rolls forced by failed entries with no acknowledgement in between.
    private int failureRolls;
    private long failureRollsSince;
    private long lastFailureRollNanos;

    /**
     * Rolls after a failed entry, with a growing pause between rolls that follow each other without
     * any entry acknowledged in between; after operationTimeout of that, the store fails
     * (StoreFailedException) instead of creating ledger after ledger for bookies that accept nothing,
     * e.g. ones a TLS client cannot connect to.
     */
    private void rollAfterFailure() throws InterruptedException {
        long now = System.nanoTime();
        if (lastAckNanos > lastFailureRollNanos) {
            failureRolls = 0;
        }
        if (failureRolls == 0) {
            failureRollsSince = now;
        } else if (now - failureRollsSince > operationTimeout.toNanos()) {
            fail(new StoreFailedException("store '" + store + "': no entry was acknowledged for "
                    + Duration.ofNanos(now - failureRollsSince).toSeconds() + " s across " + failureRolls + " new ledgers (operationTimeout "
                    + ConfigFile.format(operationTimeout) + "): the bookies are unreachable or refuse writes" + ledgers.tlsHint(), null));
            return;
        } else {
            backoff(failureRolls);
        }
        failureRolls++;
        lastFailureRollNanos = System.nanoTime();
        roll("an entry failed");
    }

    private void roll(String reason) throws InterruptedException {
        rollAttempts.incrementAndGet();
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
        OpenLedger next = new OpenLedger(link.seq(), link.ledger(), index.lastSeq());
        ledgerRolls.incrementAndGet();
        closedLedgersEnsembleChanges.addAndGet(ensembleChanges(old.lh));
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

    private void backoff(int attempt) throws InterruptedException {
        chain.backoff(attempt);
    }

    // ---- failure and shutdown --------------------------------------------------------------------

    /**
     * Stops the writer for good: the acknowledged prefix is applied, everything else fails with
     * {@code error}. Safe to call from any thread, more than once (the first error wins).
     */
    public void fail(LedgerKvException error) {
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
                        finish(t, new Lsn(head.ledger.seq, 0, 0), null); // BUG (checker validation only)
                    }
                } else {
                    for (PendingTxn t : head.txns) {
                        finish(t, null, error);
                    }
                }
            }
        }
        queue.add(WAKE); // the committer thread stops and fails what is queued
    }

    /** Fails everything still queued: by the committer thread as it exits, or by enqueuers after that. */
    private void failQueued(LedgerKvException error) {
        PendingTxn t;
        while ((t = queue.poll()) != null) {
            if (t.control != null) {
                t.control.run(); // it sees the failure and completes its own future exceptionally
            } else if (t != WAKE && t != STOP) {
                if (error instanceof StoreFencedException && hooks.ackInFlightWhenFenced()) {
                    finish(t, new Lsn(0, 0, 0), null); // BUG (checker validation only)
                } else {
                    finish(t, null, error);
                }
            }
        }
    }

    /**
     * Graceful stop: commits everything queued before it, waits until all of it is acknowledged
     * (rolling ledgers if needed), then closes the current ledger and records it as closed.
     *
     * @return true if the writer stopped cleanly, false if it had failed or did not finish in time
     */
    public boolean shutdown(Duration timeout) throws InterruptedException {
        queue.add(STOP);
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            fail(new StoreClosedException("store '" + store + "': closed before its commits finished within " + ConfigFile.format(timeout)));
            thread.interrupt();
            thread.join(timeout.toMillis()); // it stops at its next wait; a daemon thread either way
            return false;
        }
        return cleanStop;
    }

    private volatile boolean cleanStop;

    /** On the committer thread, after STOP: wait for the in-flight entries, then close the ledger. */
    private void stopGracefully() throws InterruptedException {
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

    /** Simulated process death for tests: stop at once, write nothing more, touch no metadata. */
    public void crash() {
        crashed = true;
        fail(new StoreClosedException("store '" + store + "': writer crashed"));
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Removes from the ledger list every CLOSED ledger whose transactions all have sequence numbers
     * at or below {@code upToTxnSeq} (they are covered by a checkpoint), on the committer thread so
     * that it cannot race a roll. Returns the removed ledgers; deleting them from BookKeeper is the
     * caller's job, after this has succeeded.
     */
    public CompletableFuture<List<LedgerRef>> trimLedgers(long upToTxnSeq) {
        CompletableFuture<List<LedgerRef>> result = new CompletableFuture<>();
        LedgerKvException f = failure;
        if (f != null) {
            result.completeExceptionally(f);
            return result;
        }
        queue.add(PendingTxn.control(() -> {
            if (failure != null) {
                result.completeExceptionally(failure);
                return;
            }
            try {
                result.complete(chain.trim(upToTxnSeq, current.seq));
            } catch (StoreFencedException e) {
                fail(e);
                result.completeExceptionally(failure);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }));
        if (exited) {
            failQueued(failure != null ? failure : new StoreClosedException("store '" + store + "' is closed"));
        }
        return result;
    }

    /** The ledger list as this writer last wrote it. */
    public LedgerList ledgerList() {
        return chain.list();
    }

    /** Compress new entries with {@code codec} from the next entry on (any thread). */
    public void switchCodec(Codec codec) {
        encoder.setCodec(codec);
    }

    /** The codec new entries are written with. */
    public Codec codec() {
        return encoder.codec();
    }

    /** For status: the ledger currently written. */
    public long currentLedgerId() {
        OpenLedger l = current;
        return l == null ? -1 : l.lh.id();
    }
}
