package io.ledgerkv.store;

import io.ledgerkv.api.CheckpointStatus;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.checkpoint.CheckpointInfo;
import io.ledgerkv.codec.Codec;
import io.ledgerkv.codec.CodecCache;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.index.MvccIndex;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.EpochChangedException;
import io.ledgerkv.meta.EpochClaim;
import io.ledgerkv.meta.LedgerRef;
import io.ledgerkv.metrics.StoreMetrics;
import io.ledgerkv.txn.Committer;
import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.WalEntry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer's checkpoints (issue 21: one job per class): when one is due, writing one, and the
 * garbage collection after it. See {@code docs/checkpoints.md} for the protocol. One per writer;
 * readers and standbys have none.
 */
final class Checkpointer {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

    /** Steps of {@link #checkpoint()}, reported to {@link WriterHooks#checkpointStep} (tests crash at each). */
    public enum Step {
        /** The snapshot is pinned; nothing written yet. */
        PINNED,
        /** The chunks are in a closed ledger that nothing references yet. */
        WRITTEN,
        /** The ledger was read back and matched. */
        VERIFIED,
        /** The checkpoint is registered in ZooKeeper. */
        REGISTERED,
        /** WAL ledgers wholly before the oldest retained checkpoint are out of the ledger list. */
        WAL_TRIMMED,
        /** Their ledgers and the checkpoints beyond the retention count are deleted. */
        DONE
    }

    private final String name;
    private final StoreConfig cfg;
    private final WalLedgers ledgers;
    private final StoreDictionaries dicts;
    private final CheckpointStore checkpoints;
    /** The writer's index: a writer never swaps it (only a standby's resync does). */
    private final MvccIndex index;
    private final EpochClaim claim;
    private final Committer committer;
    private final WriterHooks hooks;
    private final StoreMetrics metrics;

    private final Object lock = new Object();
    private volatile long lastLogicalBytes;
    private volatile long lastNanos = System.nanoTime();
    private volatile long lastSeq = -1;
    /** A scheduled checkpoint's thread is started (set before the thread runs, so no second starts). */
    private volatile boolean scheduled;
    /** The thread of the scheduled checkpoint started last, for {@link #awaitScheduled}. */
    private Thread scheduledThread;
    /** Set by {@link #awaitScheduled}: no scheduled checkpoint starts after it. Guarded by {@code scheduling}. */
    private boolean closing;
    private final Object scheduling = new Object();
    /** A checkpoint holds {@link #lock}. */
    private volatile boolean inProgress;

    /**
     * {@code replayedLogicalBytes}: the WAL the open replayed, written since the checkpoint it started
     * from (all of it when there is none). It counts towards the next checkpoint, or a writer that
     * crashes before writing {@code checkpointEveryBytes} would leave its successor a longer replay
     * each time.
     */
    Checkpointer(String name, StoreConfig cfg, WalLedgers ledgers, StoreDictionaries dicts, CheckpointStore checkpoints,
                 MvccIndex index, EpochClaim claim, Committer committer, WriterHooks hooks, StoreMetrics metrics,
                 long replayedLogicalBytes) {
        this.name = name;
        this.cfg = cfg;
        this.ledgers = ledgers;
        this.dicts = dicts;
        this.checkpoints = checkpoints;
        this.index = index;
        this.claim = claim;
        this.committer = committer;
        this.hooks = hooks;
        this.metrics = metrics;
        this.lastLogicalBytes = committer.logicalBytes() - replayedLogicalBytes;
    }

    /**
     * True when a scheduled checkpoint should start: the WAL since the last one reached
     * {@link StoreConfig#checkpointThresholdBytes} for the live state now, or
     * {@code checkpointInterval} passed with transactions since the last one.
     */
    boolean due() {
        boolean bySize = walBytesSince() >= cfg.checkpointThresholdBytes(index.liveBytes());
        boolean byTime = !cfg.checkpointInterval().isZero()
                && System.nanoTime() - lastNanos >= cfg.checkpointInterval().toNanos()
                && index.lastSeq() > lastSeq();
        return bySize || byTime;
    }

    /**
     * Uncompressed WAL bytes written (or, right after an open, replayed) since the last checkpoint
     * this writer knows of.
     */
    long walBytesSince() {
        return Math.max(0, committer.logicalBytes() - lastLogicalBytes);
    }

    /** True while a checkpoint runs (scheduled or called). */
    boolean running() {
        return scheduled || inProgress;
    }

    /**
     * Starts a checkpoint on a thread of its own if one is {@link #due()} and none runs; the periodic
     * task calls it. A failed scheduled checkpoint is logged; the next due check tries again.
     */
    void startIfDue() {
        synchronized (scheduling) {
            startIfDueLocked();
        }
    }

    private void startIfDueLocked() {
        if (closing || committer.failure() != null || running() || !due()) {
            return;
        }
        scheduled = true;
        Thread t = new Thread(() -> {
            try {
                checkpoint();
            } catch (RuntimeException e) {
                LOG.warn("store '{}': scheduled checkpoint failed: {}", name, e.getMessage());
            } finally {
                scheduled = false;
            }
        }, "ledgerkv-checkpoint-" + name);
        t.setDaemon(true);
        scheduledThread = t;
        t.start();
    }

    /**
     * Stops scheduled checkpoints for good and waits up to {@code timeout} for one that is running
     * to end; true if none runs any more. The store's close calls it after stopping the schedule and before shutting the
     * committer down: a checkpoint left running would go on writing after close returned, and fail
     * half-way once the caller closed the client (its ledger left behind).
     */
    boolean awaitScheduled(Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (scheduling) {
            closing = true;
            t = scheduledThread;
        }
        if (t == null) {
            return true;
        }
        t.join(Math.max(1, timeout.toMillis()));
        return !t.isAlive();
    }

    /**
     * Writes the current state as a checkpoint: pins a stable snapshot (writers continue), streams
     * it as compressed, checksummed chunks into a new ledger, reads it back to verify it, registers
     * it in ZooKeeper, then deletes WAL ledgers wholly before the oldest retained checkpoint and
     * checkpoints beyond {@code checkpointRetention}. A crash at any step leaves a store that
     * reopens to exactly its committed state. One checkpoint runs at a time; the caller checks that
     * the store is writable.
     */
    CheckpointStatus checkpoint() {
        synchronized (lock) {
            inProgress = true;
            try {
                return checkpointLocked();
            } finally {
                inProgress = false;
            }
        }
    }

    private CheckpointStatus checkpointLocked() {
        long t0 = System.nanoTime();
        long bytesAtStart = committer.logicalBytes();
        CheckpointInfo cp;
        try (LocalIndex.Pin pin = index.pin()) {
            hooks.checkpointStep(Step.PINNED);
            Codec codec = cfg.codec() == CodecType.ZSTD_DICT ? committer.codec() : cfg.codec().newCodec(cfg.codecLevel(), null);
            WalEntry.Encoder enc = new WalEntry.Encoder(codec, cfg.minCompressBytes(), cfg.minCompressionSavings(),
                    ledgers.cipher());
            CheckpointInfo written = checkpoints.write(pin, claim.epoch(), cfg, enc);
            hooks.checkpointStep(Step.WRITTEN);
            try (CodecCache codecs = new CodecCache(dicts)) {
                long[] n = {0};
                checkpoints.read(written, codecs, (k, v, version, expireAt) -> n[0]++);
            } catch (RuntimeException e) {
                checkpoints.deleteQuietly(written.ledgerId());
                throw new LedgerKvException("store '" + name + "': checkpoint did not read back intact; not registered: "
                        + e.getMessage(), e);
            }
            hooks.checkpointStep(Step.VERIFIED);
            try {
                cp = checkpoints.register(claim, written);
            } catch (EpochChangedException e) {
                checkpoints.deleteQuietly(written.ledgerId());
                throw fenced(e);
            }
            hooks.checkpointStep(Step.REGISTERED);
        }
        metrics.checkpointed(System.nanoTime() - t0, cp.storedBytes());
        lastLogicalBytes = bytesAtStart;
        lastNanos = System.nanoTime();
        lastSeq = cp.txnSeq();
        collectGarbage();
        LOG.info("store '{}': checkpoint {} at {} ({} keys, {} chunks) in {} ms", name, cp.id(), cp.lsn(), cp.keyCount(),
                cp.chunks(), (System.nanoTime() - t0) / 1_000_000);
        return toStatus(cp);
    }

    /** Fails the writer: another writer claimed the store. */
    private LedgerKvException fenced(EpochChangedException e) {
        committer.fail(new StoreFencedException("store '" + name + "': " + e.getMessage()));
        return committer.failure();
    }

    /**
     * The last transaction the newest checkpoint holds (0: none). Read from the store's checkpoint
     * list the first time (a reopened store may be covered by one already: it is not due again until
     * a transaction comes), then kept by {@link #checkpoint}.
     */
    private long lastSeq() {
        long seq = lastSeq;
        if (seq < 0) {
            List<CheckpointInfo> all = checkpoints.list();
            seq = all.isEmpty() ? 0 : all.get(all.size() - 1).txnSeq();
            lastSeq = seq;
        }
        return seq;
    }

    /** Keeps {@code checkpointRetention} checkpoints and the WAL back to the oldest of them. */
    private void collectGarbage() {
        List<CheckpointInfo> all = checkpoints.list();
        if (all.isEmpty()) {
            return;
        }
        int keepFrom = Math.max(0, all.size() - cfg.checkpointRetention());
        CheckpointInfo oldestKept = all.get(keepFrom);
        List<LedgerRef> removed;
        try {
            removed = committer.trimLedgers(oldestKept.txnSeq()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            LOG.warn("store '{}': WAL not trimmed: {}", name, e.getCause().getMessage());
            return;
        }
        hooks.checkpointStep(Step.WAL_TRIMMED);
        for (LedgerRef r : removed) {
            checkpoints.deleteQuietly(r.ledgerId());
        }
        for (CheckpointInfo old : all.subList(0, keepFrom)) {
            try {
                checkpoints.delete(claim, old);
            } catch (EpochChangedException e) {
                fenced(e);
                return;
            }
        }
        hooks.checkpointStep(Step.DONE);
    }

    static CheckpointStatus toStatus(CheckpointInfo c) {
        return new CheckpointStatus(c.id(), c.lsn(), c.txnSeq(), c.keyCount(), c.logicalBytes(), c.storedBytes(), c.chunks(),
                c.codec(), c.ledgerId(), c.epoch(), c.createdAtMillis());
    }
}
