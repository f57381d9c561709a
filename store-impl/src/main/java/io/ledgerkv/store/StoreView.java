package io.ledgerkv.store;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvSnapshot;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.VersionedValue;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.index.MvccIndex;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The read side every handle shares, writer, reader and standby alike: reads of the in-memory
 * index, each of one consistent state (a pin), copied out so that a caller can never change the
 * store's bytes. A standby swaps the index when it reloads from a checkpoint; a read sees one
 * index or the other, whole.
 */
abstract class StoreView implements KvStore {
    final String name;
    volatile MvccIndex index;
    final AtomicBoolean closed = new AtomicBoolean();
    /** Why reads fail once closed, if not a plain close (a crash). */
    volatile LedgerKvException closedReason;

    StoreView(String name, MvccIndex index) {
        this.name = name;
        this.index = index;
    }

    @Override
    public String name() {
        return name;
    }

    final void checkOpen() {
        if (closed.get()) {
            throw closedReason != null ? closedReason : new StoreClosedException("store '" + name + "' is closed");
        }
    }

    @Override
    public VersionedValue getWithVersion(byte[] key) {
        checkOpen();
        if (key == null) {
            throw new NullPointerException("getWithVersion: key must not be null");
        }
        VersionedValue v = index.getVersioned(key);
        return v == null ? null : new VersionedValue(v.value().clone(), v.version(), v.expireAtMillis());
    }

    @Override
    public byte[] get(byte[] key) {
        checkOpen();
        if (key == null) {
            throw new NullPointerException("get: key must not be null");
        }
        byte[] v = index.get(key);
        return v == null ? null : v.clone();
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        checkOpen();
        if (keys == null) {
            throw new NullPointerException("getAll: keys must not be null");
        }
        List<byte[]> out = new ArrayList<>(keys.size());
        try (LocalIndex.Pin pin = index.pin()) {
            for (int i = 0; i < keys.size(); i++) {
                byte[] k = keys.get(i);
                if (k == null) {
                    throw new NullPointerException("getAll: key #" + i + " must not be null");
                }
                byte[] v = pin.get(k);
                out.add(v == null ? null : v.clone());
            }
        }
        return out;
    }

    @Override
    public KvIterator range(byte[] from, byte[] to) {
        checkOpen();
        LocalIndex.Pin pin = index.pin();
        return iterator(pin.scan(from, to), pin::close);
    }

    @Override
    public KvIterator all() {
        return range(null, null);
    }

    @Override
    public KvIterator reverseRange(byte[] from, byte[] to) {
        checkOpen();
        LocalIndex.Pin pin = index.pin();
        return iterator(pin.scan(from, to, true), pin::close);
    }

    /** Copies entries out of the index; {@code release} runs once, on close or exhaustion. */
    private static KvIterator iterator(Iterator<byte[][]> it, Runnable release) {
        return new KvIterator() {
            private boolean closed;

            @Override
            public boolean hasNext() {
                if (closed) {
                    return false;
                }
                if (!it.hasNext()) {
                    close();
                    return false;
                }
                return true;
            }

            @Override
            public KvEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                byte[][] kv = it.next();
                return new KvEntry(kv[0].clone(), kv[1].clone());
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    release.run();
                }
            }
        };
    }

    @Override
    public KvSnapshot snapshot(byte[] from, byte[] to) {
        checkOpen();
        LocalIndex.Pin pin = index.pin();
        return new KvSnapshot() {
            private final AtomicBoolean snapClosed = new AtomicBoolean();

            @Override
            public Lsn lsn() {
                return pin.lsn();
            }

            @Override
            public KvIterator iterator() {
                if (snapClosed.get()) {
                    throw new IllegalStateException("snapshot at " + pin.lsn() + " is closed");
                }
                return StoreView.iterator(pin.scan(from, to), () -> { }); // the snapshot owns the pin
            }

            @Override
            public void close() {
                if (snapClosed.compareAndSet(false, true)) {
                    pin.close();
                }
            }
        };
    }

    @Override
    public long keyCount() {
        return index.keyCount();
    }

    /** A pinned read position of the whole index, for backups (close it). */
    LocalIndex.Pin pinForExport() {
        checkOpen();
        return index.pin();
    }

    /** Sum of live keys' and values' sizes. */
    public long liveBytes() {
        return index.liveBytes();
    }

    @Override
    public Lsn lastAppliedLsn() {
        return index.lastLsn();
    }

}
