package io.ledgerkv.store;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.index.MvccIndex;
import io.ledgerkv.txn.Deferred;
import io.ledgerkv.wal.Mutation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * A writer's time-to-live reaping (issue 21: one job per class): deletes values whose time to live
 * has run out through ordinary WAL deletes, so that replicas and replay see them go at the same LSN.
 * One reap runs at a time.
 */
final class Reaper {
    /** Most deletes one reaper transaction carries. */
    static final int BATCH_KEYS = 1000;

    private final StoreConfig cfg;
    /** The writer's index: a writer never swaps it. */
    private final MvccIndex index;
    /** Commits a transaction as the store's write paths do. */
    private final BiFunction<List<Mutation>, Deferred, CompletableFuture<Lsn>> commit;
    private final AtomicBoolean running = new AtomicBoolean();

    Reaper(StoreConfig cfg, MvccIndex index, BiFunction<List<Mutation>, Deferred, CompletableFuture<Lsn>> commit) {
        this.cfg = cfg;
        this.index = index;
        this.commit = commit;
    }

    /**
     * One transaction of up to {@value #BATCH_KEYS} due keys and half of maxTxnBytes. A key rewritten
     * between this call and the commit keeps its new value. Completes with the number of keys
     * deleted: 0 when nothing was due or a reap is already running.
     */
    CompletableFuture<Integer> reap() {
        if (!running.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(0);
        }
        try {
            TreeMap<byte[], Lsn> due = new TreeMap<>(Arrays::compareUnsigned);
            List<Mutation> ops = new ArrayList<>();
            long bytes = 5;
            for (LocalIndex.Entry e : index.expired(index.now(), BATCH_KEYS)) {
                Mutation m = new Mutation(e.key(), null);
                if (bytes + m.encodedSize() > cfg.maxTxnBytes() / 2) {
                    break;
                }
                bytes += m.encodedSize();
                due.put(e.key(), e.version());
                ops.add(m);
            }
            if (ops.isEmpty()) {
                running.set(false);
                return CompletableFuture.completedFuture(0);
            }
            Deferred d = Deferred.reaping(due);
            return commit.apply(ops, d).handle((lsn, err) -> {
                running.set(false);
                if (err != null) {
                    throw err instanceof CompletionException c ? c : new CompletionException(err);
                }
                return d.reaped();
            });
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }
}
