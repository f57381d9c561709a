package io.ledgerkv.store;

import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.checkpoint.CheckpointInfo;
import io.ledgerkv.index.MvccIndex;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.WalGapException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standby's tailing (issue 21: one job per class): a thread that reads what the writer added
 * every {@code standbyPollInterval}, and reloads from the newest checkpoint when the writer trimmed
 * WAL the standby had not read yet. It stops for good at a corrupt entry (never applying past one);
 * other failures are reported in {@link io.ledgerkv.api.StandbyLag#error()} and retried.
 */
final class StandbyTailer {
    private static final Logger LOG = LoggerFactory.getLogger(StandbyTailer.class);

    private final String name;
    private final StoreConfig cfg;
    private final StoreMetadata meta;
    private final WalLedgers ledgers;
    private final StoreDictionaries dicts;
    private final CheckpointStore checkpoints;
    private final WriterHooks hooks;
    /** The store's closed flag: no poll starts once it is set. */
    private final BooleanSupplier closed;
    /** Hands the store a reloaded index (readers keep the old one until this switch). */
    private final Consumer<MvccIndex> swapIndex;
    /** Held by each poll, and by {@link #whileIdle}. */
    private final Object lock = new Object();
    private final AtomicInteger resyncs = new AtomicInteger();
    private final AtomicLong polls = new AtomicLong();
    private volatile LogReader reader;
    private volatile Thread thread;
    private volatile LedgerKvException failure;

    StandbyTailer(String name, StoreConfig cfg, StoreMetadata meta, WalLedgers ledgers, StoreDictionaries dicts,
                  CheckpointStore checkpoints, WriterHooks hooks, LogReader reader, BooleanSupplier closed,
                  Consumer<MvccIndex> swapIndex) {
        this.name = name;
        this.cfg = cfg;
        this.meta = meta;
        this.ledgers = ledgers;
        this.dicts = dicts;
        this.checkpoints = checkpoints;
        this.hooks = hooks;
        this.reader = reader;
        this.closed = closed;
        this.swapIndex = swapIndex;
    }

    void start() {
        Thread t = new Thread(this::loop, "ledgerkv-standby-" + name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** The standby's loop: read what the writer added, every standbyPollInterval. */
    private void loop() {
        long pause = cfg.standbyPollInterval().toNanos();
        while (!closed.getAsBoolean() && thread == Thread.currentThread()) {
            if (!poll()) {
                return;
            }
            LockSupport.parkNanos(pause);
        }
    }

    /** One catch-up round; false if the standby must stop (a corrupt entry, or the store is closed). */
    boolean poll() {
        try {
            return pollOnce();
        } finally {
            polls.incrementAndGet();
        }
    }

    private boolean pollOnce() {
        synchronized (lock) {
            if (closed.getAsBoolean()) {
                return false;
            }
            try {
                reader.catchUp(meta.readLedgers().value(), LogReader.Mode.TAIL);
                failure = null;
            } catch (WalGapException e) {
                // The writer checkpointed and trimmed WAL this standby had not read yet: start again
                // from the newest checkpoint (readers keep the old index until the switch).
                resync(e);
            } catch (CorruptEntryException e) {
                failure = e; // stop: never apply past a bad entry
                LOG.error("store '{}': standby stopped at a corrupt entry: {}", name, e.getMessage());
                return false;
            } catch (RuntimeException e) {
                failure = e instanceof LedgerKvException l ? l : new LedgerKvException(e.toString(), e);
            }
            return true;
        }
    }

    private void resync(WalGapException cause) {
        LogReader fresh = null;
        try {
            fresh = fromNewestCheckpoint();
            if (fresh.index().lastSeq() <= reader.index().lastSeq()) {
                throw cause; // no newer checkpoint covers the gap: the WAL really is missing transactions
            }
            fresh.catchUp(meta.readLedgers().value(), LogReader.Mode.TAIL);
        } catch (RuntimeException e) {
            if (fresh != null) {
                fresh.close();
            }
            failure = e instanceof LedgerKvException l ? l : new LedgerKvException(e.toString(), e);
            return;
        }
        LogReader old = reader;
        reader = fresh;
        swapIndex.accept(fresh.index());
        old.close();
        resyncs.incrementAndGet();
        LOG.info("store '{}': standby fell behind a checkpoint; reloaded from checkpoint {}", name, fresh.checkpoint().id());
    }

    /** A reader positioned at the newest checkpoint that reads back intact (or at the start of the log). */
    LogReader fromNewestCheckpoint() {
        LogReader fresh = new LogReader(name, ledgers, dicts, null, hooks);
        List<CheckpointInfo> newestFirst = new ArrayList<>(checkpoints.list());
        Collections.reverse(newestFirst);
        fresh.loadCheckpoint(checkpoints, newestFirst);
        return fresh;
    }

    /** Stops the thread for a promotion: interrupts it and waits up to 30 s for the poll it is in. */
    void stopThread() {
        Thread t = thread;
        thread = null;
        if (t != null) {
            t.interrupt();
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs {@code action} while no poll runs (a poll that starts after it sees its effect). */
    boolean whileIdle(BooleanSupplier action) {
        synchronized (lock) {
            return action.getAsBoolean();
        }
    }

    /** The thread ends after its current poll (a close or crash). */
    void abandon() {
        thread = null;
    }

    /** The reader the standby applies with (a resync replaces it). */
    LogReader reader() {
        return reader;
    }

    /** The last poll's failure; null when it caught up. */
    LedgerKvException failure() {
        return failure;
    }

    /** How often this standby had to reload from a checkpoint because the WAL it needed was trimmed. */
    int resyncs() {
        return resyncs.get();
    }

    /** A promotion reloaded from a checkpoint. */
    void countResync() {
        resyncs.incrementAndGet();
    }

    /** How many catch-up rounds have finished (the thread's and tests'). */
    long polls() {
        return polls.get();
    }
}
