package io.ledgerkv.store;

import io.ledgerkv.api.CheckpointStatus;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.LimitExceededException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.ReadOnlyStoreException;
import io.ledgerkv.api.StandbyLag;
import io.ledgerkv.api.StandbyStore;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.api.Txn;
import io.ledgerkv.codec.Codec;
import io.ledgerkv.index.MvccIndex;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.EpochClaim;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.metrics.StoreMetrics;
import io.ledgerkv.txn.Committer;
import io.ledgerkv.txn.Deferred;
import io.ledgerkv.txn.TxnHost;
import io.ledgerkv.txn.TxnImpl;
import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handle on a store: an in-memory {@link MvccIndex} materialized from a WAL in BookKeeper
 * ledgers, read through {@link StoreView} and written by a {@link Committer} when the handle is the
 * store's writer. The roles around it: {@link StoreOpener} opens it (for writing, the fencing
 * protocol: claim the next writer epoch, recover the previous writer's open ledgers, replay, append
 * a new ledger under the epoch), {@link Checkpointer} and {@link Housekeeping} keep a writer's
 * checkpoints, stats and expiry going, {@link StandbyTailer} keeps a standby's index current and
 * {@link StandbyPromotion} turns a standby into the writer.
 */
public final class BookKeeperStore extends StoreView implements StandbyStore, TxnHost {
    private static final Logger LOG = LoggerFactory.getLogger(BookKeeperStore.class);

    /** What a handle does. */
    enum Role {
        /** Holds the writer epoch and commits. */
        WRITER,
        /** Shows the state as of its open. */
        READER,
        /** Read-only, and keeps tailing the writer's WAL. */
        STANDBY
    }

    private final DefaultLedgerKv client;
    private final StoreConfig cfg;
    private final Role role;
    private final StoreMetadata meta;
    private final WalLedgers ledgers;
    private final StoreDictionaries dicts;
    private final CheckpointStore checkpoints;
    private final EpochClaim claim;
    private final Committer committer;
    private final WriterHooks hooks;
    /** The writer's periodic work (stats, reaping, scheduled checkpoints); null for a reader or standby. */
    private final Housekeeping housekeeping;
    private final ReplayStats replayStats;
    private final StoreMetrics metrics;
    /** The writer's checkpoints; null for a reader or standby. */
    private final Checkpointer checkpointer;
    /** A standby's tailing; null for a writer or reader. */
    private final StandbyTailer tailer;
    /** The writer's time-to-live reaping; null for a reader or standby. */
    private final Reaper reaper;

    /**
     * What the open-time replay read; {@code entriesByCodec} counts entries per codec (RAW ones under
     * "RAW"); {@code checkpointId} is the checkpoint the index started from (0 = none) and
     * {@code checkpointFallbacks} says why newer ones were not used.
     */
    public record ReplayStats(int ledgers, long entries, long transactions, long logicalBytes, long storedBytes, long millis,
                              Map<String, Long> entriesByCodec, int checkpointId, List<String> checkpointFallbacks) {
    }

    BookKeeperStore(DefaultLedgerKv client, String name, StoreConfig cfg, Role role, StoreMetadata meta,
                    WalLedgers ledgers, StoreDictionaries dicts, CheckpointStore checkpoints, MvccIndex index,
                    EpochClaim claim, Committer committer, WriterHooks hooks, ReplayStats replayStats,
                    LogReader standbyReader, StoreMetrics metrics) {
        super(name, index);
        this.client = client;
        this.cfg = cfg;
        this.role = role;
        this.meta = meta;
        this.ledgers = ledgers;
        this.dicts = dicts;
        this.checkpoints = checkpoints;
        this.claim = claim;
        this.committer = committer;
        this.hooks = hooks;
        this.replayStats = replayStats;
        this.metrics = metrics;
        this.checkpointer = committer == null ? null : new Checkpointer(name, cfg, ledgers, dicts, checkpoints, index, claim,
                committer, hooks, metrics, replayStats.logicalBytes());
        this.reaper = committer == null ? null : new Reaper(cfg, index, this::enqueue);
        this.housekeeping = committer == null ? null : new Housekeeping(this, cfg, meta, claim, committer, checkpointer,
                client.scheduler());
        if (role == Role.STANDBY) {
            tailer = new StandbyTailer(name, cfg, meta, ledgers, dicts, checkpoints, hooks, standbyReader, closed::get,
                    fresh -> this.index = fresh);
            metrics.gauge("ledgerkv.standby.lag", "Transactions the writer committed that this standby has not applied yet",
                    "transactions", this, s -> s.lag().lagTxns());
            tailer.start();
        } else {
            tailer = null;
        }
    }

    // ---- TxnHost: checks shared by every write path ------------------------------------------------

    @Override
    public byte[] checkKey(byte[] key, String op) {
        return WriteChecks.key(key, op, cfg);
    }

    @Override
    public byte[] checkValue(byte[] value, String op) {
        return WriteChecks.value(value, op, cfg);
    }

    @Override
    public long expireAt(Duration ttl, String op) {
        return WriteChecks.expireAt(ttl, op, index.now());
    }

    @Override
    public long maxTxnBytes() {
        return cfg.maxTxnBytes();
    }

    @Override
    public void checkWritable() {
        if (role != Role.WRITER) {
            throw new ReadOnlyStoreException(name);
        }
        if (closed.get()) {
            throw closedReason != null ? closedReason : new StoreClosedException("store '" + name + "' is closed");
        }
        LedgerKvException f = committer.failure();
        if (f instanceof StoreFencedException) {
            throw f;
        }
    }

    @Override
    public CompletableFuture<Lsn> commit(List<Mutation> ops) {
        checkWritable();
        if (ops.isEmpty()) {
            return CompletableFuture.completedFuture(index.lastLsn());
        }
        return enqueue(ops, null);
    }

    @Override
    public CompletableFuture<Lsn> commit(List<Mutation> ops, Deferred deferred) {
        checkWritable();
        return enqueue(ops, deferred);
    }

    /** Checks the size limit and hands the transaction to the committer ({@code deferred} null for a plain one). */
    private CompletableFuture<Lsn> enqueue(List<Mutation> ops, Deferred deferred) {
        int size = TxnRecord.encodedSize(ops);
        if (size > cfg.maxTxnBytes()) {
            throw new LimitExceededException("transaction (" + ops.size() + " operations)", "maxTxnBytes", size, cfg.maxTxnBytes());
        }
        return committer.enqueue(ops, size, deferred);
    }

    // ---- KvStore ----------------------------------------------------------------------------------

    @Override
    public boolean isReadOnly() {
        return role != Role.WRITER;
    }

    @Override
    public CompletableFuture<Lsn> putAsync(byte[] key, byte[] value) {
        checkWritable();
        return commit(List.of(new Mutation(checkKey(key, "put"), checkValue(value, "put"))));
    }

    @Override
    public CompletableFuture<Lsn> putAllAsync(Map<byte[], byte[]> entries) {
        if (entries == null) {
            throw new NullPointerException("putAll: entries must not be null");
        }
        List<KvEntry> list = new ArrayList<>(entries.size());
        entries.forEach((k, v) -> list.add(new KvEntry(k, v)));
        return putAllAsync(list);
    }

    @Override
    public CompletableFuture<Lsn> putAllAsync(List<KvEntry> entries) {
        checkWritable();
        if (entries == null) {
            throw new NullPointerException("putAll: entries must not be null");
        }
        List<Mutation> ops = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            KvEntry e = entries.get(i);
            String op = "putAll entry #" + i;
            if (e == null) {
                throw new NullPointerException(op + " must not be null");
            }
            ops.add(new Mutation(checkKey(e.key(), op), checkValue(e.value(), op)));
        }
        return commit(ops);
    }

    @Override
    public CompletableFuture<Lsn> deleteAsync(byte[] key) {
        checkWritable();
        return commit(List.of(new Mutation(checkKey(key, "delete"), null)));
    }

    @Override
    public CompletableFuture<Lsn> deleteAllAsync(List<byte[]> keys) {
        checkWritable();
        if (keys == null) {
            throw new NullPointerException("deleteAll: keys must not be null");
        }
        List<Mutation> ops = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            ops.add(new Mutation(checkKey(keys.get(i), "deleteAll key #" + i), null));
        }
        return commit(ops);
    }

    @Override
    public Txn begin() {
        checkWritable();
        return new TxnImpl(this);
    }

    @Override
    public void flush() {
        checkOpen();
        if (role != Role.WRITER) {
            return;
        }
        CompletableFuture<Lsn> last = committer.lastEnqueued();
        if (last != null) {
            try {
                last.join();
            } catch (RuntimeException e) {
                // that commit's caller hears about its failure; flush reports the store's state below
            }
        }
        LedgerKvException f = committer.failure();
        if (f != null && !(f instanceof StoreClosedException && closed.get())) {
            throw f;
        }
        publishStats();
    }

    // ---- stats, reaping, scheduled checkpoints --------------------------------------------------------

    /** Publishes the writer's stats now, if they changed (see {@link Housekeeping#publish()}). */
    private void publishStats() {
        housekeeping.publish();
    }

    /** Publishes the writer's stats unless closed or failed; a failure is logged, not thrown. */
    void publishStatsQuietly() {
        if (housekeeping != null) {
            housekeeping.publishQuietly();
        }
    }

    /** How many times the periodic work has finished: a test waits for a run to know a check happened. */
    long periodicRuns() {
        return housekeeping == null ? 0 : housekeeping.runs();
    }

    /**
     * Deletes values whose time to live has run out, through ordinary WAL deletes ({@link Reaper}).
     * Runs every statsInterval; completes with the number of keys deleted (0 when nothing was due,
     * or a reap is already running, or this handle cannot write).
     */
    public CompletableFuture<Integer> reapExpired() {
        if (reaper == null || closed.get() || committer.failure() != null) {
            return CompletableFuture.completedFuture(0);
        }
        return reaper.reap();
    }

    /** See {@link Checkpointer#due()}; false for a reader. */
    boolean checkpointDue() {
        return checkpointer != null && checkpointer.due();
    }

    /**
     * Uncompressed WAL bytes written (or, right after an open, replayed) since the last checkpoint
     * this writer knows of; a checkpoint starts once they reach
     * {@link StoreConfig#checkpointThresholdBytes}. 0 for a reader.
     */
    public long walBytesSinceCheckpoint() {
        return checkpointer == null ? 0 : checkpointer.walBytesSince();
    }

    /** True while a checkpoint of this writer runs (scheduled or called). */
    public boolean checkpointRunning() {
        return checkpointer != null && checkpointer.running();
    }

    // ---- checkpoints ----------------------------------------------------------------------------

    /** See {@link Checkpointer#checkpoint()}. */
    @Override
    public CheckpointStatus checkpoint() {
        checkWritable();
        return checkpointer.checkpoint();
    }

    @Override
    public List<CheckpointStatus> checkpoints() {
        return checkpoints.list().stream().map(Checkpointer::toStatus).toList();
    }

    // ---- standby ----------------------------------------------------------------------------------

    /** How often this standby had to reload from a checkpoint because the WAL it needed was trimmed. */
    public int standbyResyncs() {
        return tailer == null ? 0 : tailer.resyncs();
    }

    /** How many catch-up rounds this standby has finished (its thread's and tests'): a test waits for the first. */
    long standbyPolls() {
        return tailer == null ? 0 : tailer.polls();
    }

    /** One catch-up round of the standby; false if it must stop (a corrupt entry). */
    boolean pollStandby() {
        if (tailer == null) {
            throw new IllegalStateException("store '" + name + "' is not a standby");
        }
        return tailer.poll();
    }

    /**
     * For a standby: how far it is behind, as the writer's position (the newest transaction the
     * standby knows the writer committed, from the stats the writer publishes and the entries the
     * standby has read) and the number of transactions not yet applied here.
     */
    @Override
    public StandbyLag lag() {
        if (role != Role.STANDBY) {
            throw new IllegalStateException("store '" + name + "' is not a standby");
        }
        long writerSeq = Math.max(meta.readStats().value().lastTxnSeq(), tailer.reader().lastSeq());
        LedgerKvException failure = tailer.failure();
        return new StandbyLag(index.lastLsn(), index.lastSeq(), writerSeq, Math.max(0, writerSeq - index.lastSeq()),
                failure == null ? null : failure.getMessage());
    }

    /**
     * Turns this standby into the writer: stops tailing, claims the epoch (fencing the current
     * writer), recovers and reads only what the standby had not applied yet, and starts
     * committing. This handle is closed; use the returned one.
     */
    @Override
    public BookKeeperStore promote() {
        if (role != Role.STANDBY) {
            throw new IllegalStateException("store '" + name + "' is not a standby");
        }
        tailer.stopThread();
        if (!tailer.whileIdle(() -> closed.compareAndSet(false, true))) {
            throw new StoreClosedException("store '" + name + "' is closed");
        }
        client.forget(this);
        StoreOpener.probeAccess(name, ledgers, meta.readLedgers().value(), checkpoints);
        StoreOpener.Opening opening = new StoreOpener.Opening();
        opening.ledgers = ledgers;
        opening.first = StoreOpener.createFirstLedger(name, cfg, ledgers, meta);
        try {
            return StandbyPromotion.promote(client, name, cfg, meta, ledgers, dicts, checkpoints, tailer, hooks, replayStats,
                    metrics, opening);
        } catch (RuntimeException e) {
            opening.abandon();
            throw e;
        }
    }

    /** What the replay on open read: ledgers, entries, transactions, bytes and time. */
    public ReplayStats replayStats() {
        return replayStats;
    }

    /** The writer epoch this handle holds (0 for read-only handles). */
    public long epoch() {
        return claim == null ? 0 : claim.epoch();
    }

    /** BookKeeper ledger currently written (-1 for read-only handles). */
    public long currentLedgerId() {
        return committer == null ? -1 : committer.currentLedgerId();
    }

    /** Number of times the writer moved to a new ledger. */
    public long ledgerRolls() {
        return committer == null ? 0 : committer.ledgerRolls();
    }

    /** Number of times the writer started moving to a new ledger (including a move still waiting for bookies). */
    public long rollAttempts() {
        return committer == null ? 0 : committer.rollAttempts();
    }

    /**
     * What this writer has written so far: acknowledged WAL entries (this session), and the store's
     * lifetime WAL bytes before and after compression. For benchmarks and monitoring.
     */
    public record WriteStats(long entries, long logicalBytes, long storedBytes) {
    }

    public WriteStats writeStats() {
        return committer == null ? new WriteStats(0, 0, 0)
                : new WriteStats(committer.entriesWritten(), committer.logicalBytes(), committer.storedBytes());
    }

    /** The writer's failure (fenced, failed, closed), or null while it is healthy. */
    public LedgerKvException writerFailure() {
        return committer == null ? null : committer.failure();
    }

    /** The codec new entries are written with (for ZSTD_DICT without a dictionary yet: ZSTD). */
    public Codec currentCodec() {
        return committer == null ? null : committer.codec();
    }

    /** Called by the client when its ZooKeeper session is lost: the writer can no longer be sure it is the writer. */
    void sessionLost() {
        failWriter(new StoreFencedException("store '" + name + "': ZooKeeper session lost; another writer may take over"));
    }

    /** Fails the writer (if this handle is one) with {@code error}; reads of applied state go on. */
    void failWriter(LedgerKvException error) {
        if (committer != null) {
            committer.fail(error);
        }
    }

    // ---- closing ----------------------------------------------------------------------------------

    @Override
    public void close() {
        if (tailer != null) {
            tailer.abandon();
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (tailer != null) {
            tailer.reader().close();
        }
        try {
            if (committer != null) {
                housekeeping.cancel();
                if (!checkpointer.awaitScheduled(client.config().operationTimeout())) {
                    LOG.warn("store '{}': closing while a scheduled checkpoint still runs after {}; it may fail once the client "
                            + "closes", name, client.config().operationTimeout());
                }
                boolean clean = committer.shutdown(client.config().operationTimeout());
                if (clean) {
                    try {
                        publishStats();
                    } catch (RuntimeException e) {
                        LOG.debug("store '{}': final stats not published: {}", name, e.toString());
                    }
                    meta.releaseOwner(claim);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("store '{}': error while closing: {}", name, e.toString());
        } finally {
            metrics.close();
            client.forget(this);
        }
    }

    /** Simulates a process crash for tests: no flush, no ledger close, no metadata update. */
    void crash() {
        if (tailer != null) {
            tailer.abandon();
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closedReason = new StoreClosedException("store '" + name + "': writer crashed");
        if (housekeeping != null) {
            housekeeping.cancel();
        }
        if (committer != null) {
            committer.crash();
        }
        metrics.close();
    }

    @Override
    public String toString() {
        return "BookKeeperStore[" + client.config().namespace() + "/" + name + (claim == null ? ", " + role.name().toLowerCase(Locale.ROOT) : ", epoch " + claim.epoch()) + "]";
    }

    Duration operationTimeout() {
        return client.config().operationTimeout();
    }
}
