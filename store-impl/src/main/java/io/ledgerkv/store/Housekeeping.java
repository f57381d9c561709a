package io.ledgerkv.store;

import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.index.MvccIndex;
import io.ledgerkv.meta.EpochChangedException;
import io.ledgerkv.meta.EpochClaim;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.meta.StoreStats;
import io.ledgerkv.txn.Committer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer's periodic work, every statsInterval on the client's scheduler: publish its stats
 * (key count, WAL bytes, last transaction) to the stats znode when they changed, reap expired values
 * ({@link BookKeeperStore#reapExpired}), and start a checkpoint when one is due. A run that fails is
 * logged and the next run tries again.
 */
final class Housekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final BookKeeperStore store;
    private final String name;
    private final StoreMetadata meta;
    private final EpochClaim claim;
    private final Committer committer;
    private final Checkpointer checkpointer;
    private final AtomicLong runs = new AtomicLong();
    private volatile StoreStats lastPublished;
    private final ScheduledFuture<?> task;

    Housekeeping(BookKeeperStore store, StoreConfig cfg, StoreMetadata meta, EpochClaim claim, Committer committer,
                 Checkpointer checkpointer, ScheduledExecutorService scheduler) {
        this.store = store;
        this.name = store.name;
        this.meta = meta;
        this.claim = claim;
        this.committer = committer;
        this.checkpointer = checkpointer;
        long ms = cfg.statsInterval().toMillis();
        this.task = scheduler.scheduleWithFixedDelay(this::run, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** No more runs (one running now finishes). */
    void cancel() {
        task.cancel(false);
    }

    private StoreStats currentStats() {
        MvccIndex index = store.index;
        return new StoreStats(index.keyCount(), committer.logicalBytes(), committer.storedBytes(),
                index.lastLsn().toString(), index.lastSeq(), System.currentTimeMillis());
    }

    /**
     * Writes the writer's stats to its stats znode if they changed since the last write. A changed
     * epoch fences the writer and throws {@link StoreFencedException}.
     */
    void publish() {
        StoreStats s = currentStats();
        StoreStats prev = lastPublished;
        if (prev != null && prev.lastTxnSeq() == s.lastTxnSeq() && prev.keyCount() == s.keyCount()
                && prev.logicalBytes() == s.logicalBytes()) {
            return;
        }
        try {
            meta.writeStats(claim, s);
            lastPublished = s;
        } catch (EpochChangedException e) {
            committer.fail(new StoreFencedException("store '" + name + "': " + e.getMessage()));
            throw committer.failure();
        }
    }

    void publishQuietly() {
        if (store.closed.get() || committer.failure() != null) {
            return;
        }
        try {
            publish();
        } catch (RuntimeException e) {
            LOG.debug("store '{}': stats not published: {}", name, e.toString());
        }
    }

    /** Runs every statsInterval on the client's scheduler: publishes stats, reaps expired values, starts due checkpoints. */
    private void run() {
        try {
            once();
        } catch (RuntimeException e) {
            // A task of scheduleWithFixedDelay that throws is never run again: stats, reaping and
            // scheduled checkpoints would stop for good.
            LOG.warn("store '{}': periodic stats, reaping or checkpoint check failed (retried next time): {}", name, e.toString());
        } finally {
            runs.incrementAndGet();
        }
    }

    /** How many times {@link #run} has finished. */
    long runs() {
        return runs.get();
    }

    private void once() {
        publishQuietly();
        try {
            store.reapExpired().exceptionally(e -> {
                LOG.debug("store '{}': reaping expired values failed: {}", name, e.toString());
                return 0;
            });
        } catch (RuntimeException e) {
            LOG.debug("store '{}': reaping expired values failed: {}", name, e.toString());
        }
        if (!store.closed.get()) {
            checkpointer.startIfDue();
        }
    }
}
