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
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.log.WriteLedger;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of one store: group commit onto BookKeeper.
 *
 * <p>One committer thread takes transactions from a queue, packs whole transactions into one
 * WAL entry (up to {@code maxBatchBytes} / {@code maxBatchTxns}, waiting up to
 * {@code lingerMicros} for more), or splits one large transaction into part entries followed by a
 * commit entry, resolves conditional transactions against the state every earlier one left, and
 * hands the entries to its {@link LedgerWriter}, which pipelines them to the bookies, applies the
 * acknowledged prefix to the local index in order, completes the transactions, and rolls to a new
 * ledger when an entry fails. If another writer has taken over, every pending and later commit
 * fails with {@link StoreFencedException}.
 */
public final class Committer {
    private static final Logger LOG = LoggerFactory.getLogger(Committer.class);
    private static final PendingTxn WAKE = new PendingTxn(List.of(), 0, 0, 0, null);
    private static final PendingTxn STOP = new PendingTxn(List.of(), 0, 0, 0, null);

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
    private final WriterHooks hooks;
    private final TxnFinisher finisher;
    private final LedgerWriter writer;

    private final LinkedBlockingQueue<PendingTxn> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private long nextTxnSeq;
    private PendingTxn carry;
    /** Transactions taken from the queue and not yet inside a submitted entry (committer thread only). */
    private List<PendingTxn> inHand = List.of();
    private volatile CompletableFuture<Lsn> lastEnqueued;
    /** Set by the committer thread just before its final drain of the queue. */
    private volatile boolean exited;

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
        this.index = index;
        this.encoder = new WalEntry.Encoder(codec, cfg.minCompressBytes(), cfg.minCompressionSavings(), ledgers.cipher());
        this.observer = observer == null ? CommitObserver.NONE : observer;
        this.hooks = hooks;
        this.nextTxnSeq = index.lastSeq() + 1;
        this.metrics = metrics;
        this.finisher = new TxnFinisher(cfg.maxPendingBytes(), completions);
        LedgerChain chain = new LedgerChain(store, cfg, ledgers, meta, claim, ledgerList, client);
        this.writer = new LedgerWriter(store, cfg, ledgers, chain, index, metrics, hooks, finisher, () -> queue.add(WAKE), client,
                logicalBytes, storedBytes);
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
            writer.start(created);
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
        LedgerKvException f = writer.failure();
        if (f != null) {
            return CompletableFuture.failedFuture(f);
        }
        int permits = (int) Math.min(recordBytes, cfg.maxPendingBytes());
        try {
            if (!finisher.acquire(permits, cfg.maxBlock().toNanos())) {
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
            failQueued(closedOrFailure());
        }
        return t.future;
    }

    /** The future of the last transaction accepted, for flush(). */
    public CompletableFuture<Lsn> lastEnqueued() {
        return lastEnqueued;
    }

    public LedgerKvException failure() {
        return writer.failure();
    }

    private LedgerKvException closedOrFailure() {
        LedgerKvException f = writer.failure();
        return f != null ? f : new StoreClosedException("store '" + store + "' is closed");
    }

    public long logicalBytes() {
        return writer.stats().logicalBytes();
    }

    public long storedBytes() {
        return writer.stats().storedBytes();
    }

    /** Transactions queued and not yet taken by the committer thread (for tests that need it idle). */
    int queued() {
        return queue.size();
    }

    /** WAL entries this committer wrote and had acknowledged (not counting replayed ones). */
    public long entriesWritten() {
        return writer.stats().entriesApplied();
    }

    /** Completed moves to a new ledger. */
    public long ledgerRolls() {
        return writer.stats().ledgerRolls();
    }

    /** Ensemble changes BookKeeper made in this writer's ledgers (bookies replaced after failures). */
    public long ensembleChanges() {
        return writer.ensembleChanges();
    }

    /** Started moves to a new ledger (a roll in progress waits for bookies or ZooKeeper). */
    public long rollAttempts() {
        return writer.stats().rollAttempts();
    }

    // ---- committer thread -----------------------------------------------------------------------

    private void run() {
        try {
            loop();
        } catch (InterruptedException e) {
            if (!writer.crashed()) {
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
        LedgerKvException failure = writer.failure();
        LedgerKvException f = failure != null ? failure : new StoreClosedException("store '" + store + "': committer stopped");
        for (PendingTxn t : inHand) {
            finisher.finish(t, null, f); // no-op for those already finished through their entry
        }
        PendingTxn c = carry;
        carry = null;
        if (c != null && c != WAKE && c != STOP) {
            finisher.finish(c, null, f);
        }
        exited = true;
        failQueued(f);
    }

    /** The committer thread's loop: returns after a graceful stop or once the writer has failed. */
    private void loop() throws InterruptedException {
        while (writer.failure() == null) {
            if (writer.rollIfDue()) {
                continue;
            }
            PendingTxn first = carry != null ? carry : queue.take();
            carry = null;
            if (first == WAKE) {
                continue;
            }
            if (first == STOP) {
                writer.stopGracefully();
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
        writer.awaitApplied(nextTxnSeq - 1);
        LedgerKvException failure = writer.failure();
        if (failure != null) {
            finisher.finish(t, null, failure);
            return false;
        }
        List<Mutation> ops;
        try {
            ops = t.deferred.resolve(index, store, t.ops);
        } catch (LedgerKvException e) {
            finisher.finish(t, null, e);
            return false;
        }
        if (ops.isEmpty()) {
            // Conditions only, all held: nothing to write. Completed on the completions executor, like
            // every commit, so a caller's continuation never runs on (and blocks) the committer thread.
            finisher.finishEmpty(t, index.lastLsn());
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
        writer.submit(new WalWrite(data, WalEntry.Type.BATCH, batch, len, firstSeq, 0, time));
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
            LedgerKvException failure = writer.failure();
            if (failure != null) {
                finisher.finish(t, null, failure);
                return;
            }
            writer.submit(new WalWrite(data, type, last ? List.of(t) : List.of(), len, t.seq, i, time));
        }
    }

    // ---- failure and shutdown --------------------------------------------------------------------

    /**
     * Stops the writer for good: the acknowledged prefix is applied, everything else fails with
     * {@code error}. Safe to call from any thread, more than once (the first error wins).
     */
    public void fail(LedgerKvException error) {
        writer.fail(error);
    }

    /** Fails everything still queued: by the committer thread as it exits, or by enqueuers after that. */
    private void failQueued(LedgerKvException error) {
        PendingTxn t;
        while ((t = queue.poll()) != null) {
            if (t.control != null) {
                t.control.run(); // it sees the failure and completes its own future exceptionally
            } else if (t != WAKE && t != STOP) {
                if (error instanceof StoreFencedException && hooks.ackInFlightWhenFenced()) {
                    finisher.finish(t, new Lsn(0, 0, 0), null); // BUG (checker validation only)
                } else {
                    finisher.finish(t, null, error);
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
        return writer.cleanStop();
    }

    /** Simulated process death for tests: stop at once, write nothing more, touch no metadata. */
    public void crash() {
        writer.crash();
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
        LedgerKvException f = writer.failure();
        if (f != null) {
            result.completeExceptionally(f);
            return result;
        }
        queue.add(PendingTxn.control(() -> {
            if (writer.failure() != null) {
                result.completeExceptionally(writer.failure());
                return;
            }
            try {
                result.complete(writer.trim(upToTxnSeq));
            } catch (StoreFencedException e) {
                fail(e);
                result.completeExceptionally(writer.failure());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }));
        if (exited) {
            failQueued(closedOrFailure());
        }
        return result;
    }

    /** The ledger list as this writer last wrote it. */
    public LedgerList ledgerList() {
        return writer.ledgerList();
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
        return writer.currentLedgerId();
    }
}
