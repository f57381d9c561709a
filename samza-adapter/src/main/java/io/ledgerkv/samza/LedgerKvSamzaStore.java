package io.ledgerkv.samza;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvSnapshot;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Txn;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.samza.checkpoint.CheckpointId;
import org.apache.samza.storage.kv.Entry;
import org.apache.samza.storage.kv.KeyValueIterator;
import org.apache.samza.storage.kv.KeyValueSnapshot;
import org.apache.samza.storage.kv.KeyValueStore;

/**
 * Samza's raw {@code KeyValueStore<byte[], byte[]>} on a ledgerkv store. Samza layers its serdes
 * and its object cache (which batches writes) on top, as it does for RocksDB.
 *
 * <p>Writes are durable when they return: {@code put}/{@code delete} are one ledgerkv transaction
 * each, {@code putAll}/{@code deleteAll} one atomic transaction for the whole batch (so a cache
 * flush is all or nothing). That keeps read-your-writes for every layer above without an overlay;
 * Samza's cache turns a task's many small writes into few batched commits. {@code flush()}, which
 * Samza calls at every commit, waits for everything written and optionally writes a ledgerkv
 * checkpoint (a snapshot in BookKeeper, so reopening replays less).
 */
public final class LedgerKvSamzaStore implements KeyValueStore<byte[], byte[]> {
    private final KvStore store;
    private final boolean checkpointOnCommit;
    private final Runnable onClose;
    private boolean closed;

    public LedgerKvSamzaStore(KvStore store, boolean checkpointOnCommit, Runnable onClose) {
        this.store = store;
        this.checkpointOnCommit = checkpointOnCommit;
        this.onClose = onClose;
    }

    /** The ledgerkv store underneath (its name, status, checkpoints). */
    public KvStore ledgerKvStore() {
        return store;
    }

    @Override
    public byte[] get(byte[] key) {
        return store.get(key);
    }

    @Override
    public Map<byte[], byte[]> getAll(List<byte[]> keys) {
        List<byte[]> values = store.getAll(keys);
        // Keyed by the caller's own arrays (found again by identity), as Samza's default KeyValueStore.getAll keys them.
        @SuppressWarnings("ArrayAsKeyOfSetOrMap")
        Map<byte[], byte[]> out = new HashMap<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            if (values.get(i) != null) {
                out.put(keys.get(i), values.get(i));
            }
        }
        return out;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        if (value == null) {
            // Samza's contract for its raw stores (what RocksDB does): a null value deletes.
            store.delete(key);
        } else {
            store.put(key, value);
        }
    }

    @Override
    public void putAll(List<Entry<byte[], byte[]>> entries) {
        if (entries.isEmpty()) {
            return;
        }
        // One transaction: puts, and deletes for null values, in order (a later write to a key wins).
        try (Txn txn = store.begin()) {
            for (Entry<byte[], byte[]> e : entries) {
                if (e.getValue() == null) {
                    txn.delete(e.getKey());
                } else {
                    txn.put(e.getKey(), e.getValue());
                }
            }
            txn.commit();
        }
    }

    @Override
    public void delete(byte[] key) {
        store.delete(key);
    }

    @Override
    public void deleteAll(List<byte[]> keys) {
        store.deleteAll(keys);
    }

    @Override
    public KeyValueIterator<byte[], byte[]> range(byte[] from, byte[] to) {
        if (from == null || to == null) {
            throw new NullPointerException("range: from and to must not be null (Samza's contract); use all() for everything");
        }
        return new Iterator(store.range(from, to));
    }

    @Override
    public KeyValueSnapshot<byte[], byte[]> snapshot(byte[] from, byte[] to) {
        if (from == null || to == null) {
            throw new NullPointerException("snapshot: from and to must not be null (Samza's contract)");
        }
        KvSnapshot s = store.snapshot(from, to);
        return new KeyValueSnapshot<>() {
            @Override
            public KeyValueIterator<byte[], byte[]> iterator() {
                return new Iterator(s.iterator());
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    @Override
    public KeyValueIterator<byte[], byte[]> all() {
        return new Iterator(store.all());
    }

    /**
     * Samza calls this at every commit (the engine flushes its cache into {@link #putAll} first) and
     * when the task stops: waits until everything written is durable, then, with
     * {@code checkpoint.on.commit}, writes a ledgerkv checkpoint so a restart replays less WAL.
     */
    @Override
    public void flush() {
        store.flush();
        if (checkpointOnCommit) {
            store.checkpoint();
        }
    }

    /**
     * Samza 1.8 calls this only for stores it considers durable (with a changelog or a backup
     * manager); there is nothing on local disk to hand it, so no path. Everything is already durable
     * after the {@link #flush()} that precedes it.
     */
    @Override
    public Optional<Path> checkpoint(CheckpointId id) {
        store.flush();
        return Optional.empty();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            store.close();
        } finally {
            onClose.run();
        }
    }

    /** Samza's iterator over a ledgerkv iterator; entries are copies, as ledgerkv's are. */
    private static final class Iterator implements KeyValueIterator<byte[], byte[]> {
        private final KvIterator it;

        Iterator(KvIterator it) {
            this.it = it;
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public Entry<byte[], byte[]> next() {
            KvEntry e = it.next();
            return new Entry<>(e.key(), e.value());
        }

        @Override
        public void close() {
            it.close();
        }
    }
}
