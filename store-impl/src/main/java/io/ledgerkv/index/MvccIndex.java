package io.ledgerkv.index;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.wal.Mutation;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * In-memory multi-version index: a concurrent skip list from key to a chain of versions, newest
 * first, each stamped with the sequence number of the transaction that wrote it.
 *
 * <p>Visibility: the applier inserts all versions of a transaction, then publishes its sequence
 * number ({@code visibleSeq}, volatile); a reader resolves each key to the newest version at or
 * below its read position, so it sees whole transactions only.
 *
 * <p>Reclamation: older versions are cut off once no pinned reader can need them ({@code bound}
 * = min(oldest pin, sequence before the one being applied)), and a delete's tombstone is removed
 * from the map once it is at or below the bound. Pin registration and the applier's reading of
 * the oldest pin share a lock, so a new pin can never be older than a bound already in use.
 * Unpinned point reads ({@link #get}) do not register; if they run off a version chain that was
 * cut under them they retry at the newer position, which is still a linearizable answer.
 */
public final class MvccIndex implements LocalIndex {

    private static final class Version {
        final long seq;
        final Lsn lsn;
        final byte[] value; // null = tombstone
        volatile Version older;

        Version(long seq, Lsn lsn, byte[] value, Version older) {
            this.seq = seq;
            this.lsn = lsn;
            this.value = value;
            this.older = older;
        }
    }

    private record Tombstone(byte[] key, Version version) {
    }

    private final ConcurrentSkipListMap<byte[], Version> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final TreeMap<Long, Integer> pins = new TreeMap<>();
    private final ArrayDeque<Tombstone> tombstones = new ArrayDeque<>();
    /** Last applied transaction; one volatile reference so that seq and LSN are read together. */
    private record Position(long seq, Lsn lsn) {
    }

    private volatile Position visible;
    private volatile long keyCount;
    private volatile long liveBytes;

    public MvccIndex() {
        this(0, Lsn.NONE);
    }

    /** An empty index positioned after {@code seq} (e.g. when the WAL before it is gone). */
    public MvccIndex(long seq, Lsn lsn) {
        this.visible = new Position(seq, lsn);
    }

    /**
     * Loads one entry of a checkpoint, at the index's starting position. Only before the first
     * {@link #apply} and before any reader: checkpoint restore builds the index, then opens it.
     */
    public void load(byte[] key, byte[] value) {
        load(key, value, null);
    }

    /**
     * Loads one checkpoint entry with the version it had when the checkpoint was taken ({@code null}:
     * the checkpoint's own LSN, for checkpoints written before versions were recorded).
     */
    public void load(byte[] key, byte[] value, Lsn version) {
        Position p = visible;
        Version prev = map.put(key, new Version(p.seq, version == null ? p.lsn : version, value, null));
        if (prev != null) {
            throw new IllegalStateException("checkpoint holds a key twice");
        }
        keyCount++;
        liveBytes += key.length + value.length;
    }

    @Override
    public void apply(long txnSeq, Lsn lsn, List<Mutation> ops) {
        if (txnSeq <= visible.seq) {
            throw new IllegalStateException("transaction " + txnSeq + " applied after " + visible.seq);
        }
        long bound;
        synchronized (pins) {
            bound = pins.isEmpty() ? txnSeq - 1 : Math.min(pins.firstKey(), txnSeq - 1);
        }
        long count = keyCount;
        long bytes = liveBytes;
        for (Mutation m : ops) {
            Version head = map.get(m.key());
            boolean wasLive = head != null && head.value != null;
            Version v = new Version(txnSeq, lsn, m.value(), head);
            if (head == null) {
                Version raced = map.putIfAbsent(m.key(), v);
                if (raced != null) {
                    throw new IllegalStateException("concurrent apply");
                }
            } else {
                map.put(m.key(), v);
                cutBelow(head, bound);
            }
            if (wasLive) {
                count--;
                bytes -= m.key().length + head.value.length;
            }
            if (m.value() != null) {
                count++;
                bytes += m.key().length + m.value().length;
            } else {
                tombstones.add(new Tombstone(m.key(), v));
            }
        }
        keyCount = count;
        liveBytes = bytes;
        visible = new Position(txnSeq, lsn); // publish: readers now see the whole transaction
        removeDeadTombstones(bound);
    }

    /** Keeps the newest version at or below {@code bound} (a reader at the bound needs it) and drops older ones. */
    private static void cutBelow(Version from, long bound) {
        for (Version v = from; v != null; v = v.older) {
            if (v.seq <= bound) {
                v.older = null;
                return;
            }
        }
    }

    private void removeDeadTombstones(long bound) {
        while (!tombstones.isEmpty() && tombstones.peekFirst().version.seq <= bound) {
            Tombstone t = tombstones.pollFirst();
            Version head = map.get(t.key);
            if (head == t.version) {
                // No reader can need an older version: every pin is at or above the tombstone.
                map.remove(t.key, head);
            }
        }
    }

    @Override
    public byte[] get(byte[] key) {
        Version v = latest(key);
        return v == null ? null : v.value;
    }

    @Override
    public io.ledgerkv.api.VersionedValue getVersioned(byte[] key) {
        Version v = latest(key);
        return v == null || v.value == null ? null : new io.ledgerkv.api.VersionedValue(v.value, v.lsn);
    }

    /** The newest version visible now (possibly a tombstone), or null. */
    private Version latest(byte[] key) {
        for (;;) {
            Version head = map.get(key);
            if (head == null) {
                return null;
            }
            long seq = visible.seq;
            Version v = head;
            while (v != null && v.seq > seq) {
                v = v.older;
            }
            if (v != null) {
                return v;
            }
            // Every version is newer than our position: the key did not exist then, or the
            // chain was cut under us by a newer apply. Retry at the newer position.
            if (visible.seq == seq) {
                return null;
            }
        }
    }

    @Override
    public Pin pin() {
        Position p;
        synchronized (pins) {
            p = visible;
            pins.merge(p.seq, 1, Integer::sum);
        }
        return new PinImpl(p.seq, p.lsn);
    }

    private void unpin(long seq) {
        synchronized (pins) {
            pins.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Number of live pins, for tests and metrics. */
    public int pinCount() {
        synchronized (pins) {
            return pins.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    @Override
    public long lastSeq() {
        return visible.seq;
    }

    @Override
    public Lsn lastLsn() {
        return visible.lsn;
    }

    @Override
    public long keyCount() {
        return keyCount;
    }

    @Override
    public long liveBytes() {
        return liveBytes;
    }

    private final class PinImpl implements Pin {
        private final long seq;
        private final Lsn lsn;
        private final AtomicBoolean closed = new AtomicBoolean();

        PinImpl(long seq, Lsn lsn) {
            this.seq = seq;
            this.lsn = lsn;
        }

        @Override
        public long seq() {
            return seq;
        }

        @Override
        public Lsn lsn() {
            return lsn;
        }

        @Override
        public byte[] get(byte[] key) {
            checkOpen();
            return resolve(map.get(key));
        }

        private byte[] resolve(Version v) {
            Version at = resolveVersion(v);
            return at == null ? null : at.value;
        }

        private Version resolveVersion(Version v) {
            while (v != null && v.seq > seq) {
                v = v.older;
            }
            return v;
        }

        @Override
        public Iterator<Entry> scanVersioned() {
            checkOpen();
            return live(map, (k, v) -> new Entry(k, v.value, v.lsn));
        }

        @Override
        public Iterator<byte[][]> scan(byte[] from, byte[] to, boolean descending) {
            checkOpen();
            NavigableMap<byte[], Version> sub;
            if (from != null && to != null) {
                sub = Arrays.compareUnsigned(from, to) >= 0 ? new TreeMap<>() : map.subMap(from, true, to, false);
            } else if (from != null) {
                sub = map.tailMap(from, true);
            } else if (to != null) {
                sub = map.headMap(to, false);
            } else {
                sub = map;
            }
            return live(descending ? sub.descendingMap() : sub, (k, v) -> new byte[][] {k, v.value});
        }

        /** The keys of {@code sub} live at this position, in its order, each as {@code f(key, its version here)}. */
        private <T> Iterator<T> live(NavigableMap<byte[], Version> sub, java.util.function.BiFunction<byte[], Version, T> f) {
            Iterator<Map.Entry<byte[], Version>> it = sub.entrySet().iterator();
            return new Iterator<>() {
                T next = advance();

                private T advance() {
                    while (it.hasNext()) {
                        Map.Entry<byte[], Version> e = it.next();
                        Version v = resolveVersion(e.getValue());
                        if (v != null && v.value != null) {
                            return f.apply(e.getKey(), v);
                        }
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public T next() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    T r = next;
                    next = advance();
                    return r;
                }
            };
        }

        private void checkOpen() {
            if (closed.get()) {
                throw new IllegalStateException("read position " + seq + " is closed");
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                unpin(seq);
            }
        }
    }

    /** Exposed for tests: the raw map view is never handed to users. */
    ConcurrentNavigableMap<byte[], ?> rawMapForTests() {
        return map;
    }
}
