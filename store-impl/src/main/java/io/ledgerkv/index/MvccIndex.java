package io.ledgerkv.index;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.VersionedValue;
import io.ledgerkv.wal.Mutation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

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
        /** Writer-clock millis from which this value reads as absent; {@link Mutation#NEVER} for none. */
        final long expireAt;
        volatile Version older;

        Version(long seq, Lsn lsn, byte[] value, long expireAt, Version older) {
            this.seq = seq;
            this.lsn = lsn;
            this.value = value;
            this.expireAt = expireAt;
            this.older = older;
        }

        /** A live value at time {@code now}: not a tombstone, not expired. */
        boolean liveAt(long now) {
            return value != null && expireAt > now;
        }

        /** {@link #liveAt} at the index's time, read only for a value that expires (keeps the clock off the plain read path). */
        boolean liveNow(MvccIndex index) {
            return value != null && (expireAt == Mutation.NEVER || expireAt > index.now());
        }
    }

    /** A current value with a time to live, in the order the reaper wants them: soonest first. */
    private record Expiry(long at, long seq, byte[] key) {
    }

    private static final Comparator<Expiry> EXPIRY_ORDER = Comparator.comparingLong(Expiry::at)
            .thenComparingLong(Expiry::seq).thenComparing(Expiry::key, Arrays::compareUnsigned);

    private record Tombstone(byte[] key, Version version) {
    }

    private final ConcurrentSkipListMap<byte[], Version> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final TreeMap<Long, Integer> pins = new TreeMap<>();
    private final ArrayDeque<Tombstone> tombstones = new ArrayDeque<>();
    /** The head versions that expire, soonest first (an overwrite or delete removes its predecessor's). */
    private final ConcurrentSkipListSet<Expiry> expiries = new ConcurrentSkipListSet<>(EXPIRY_ORDER);
    /**
     * Last applied transaction; one volatile reference so that seq, LSN and log time are read
     * together. {@code logTime} is the newest writer clock reading recorded in the applied WAL.
     */
    private record Position(long seq, Lsn lsn, long logTime) {
    }

    /** The writer's clock once this index belongs to a writer; null while it only follows the log. */
    private volatile LongSupplier writerClock;

    private volatile Position visible;
    private volatile long keyCount;
    private volatile long liveBytes;

    public MvccIndex() {
        this(0, Lsn.NONE);
    }

    /** An empty index positioned after {@code seq} (e.g. when the WAL before it is gone). */
    public MvccIndex(long seq, Lsn lsn) {
        this(seq, lsn, 0);
    }

    /** An empty index positioned after {@code seq}, whose log time is {@code logTime} (a checkpoint's). */
    public MvccIndex(long seq, Lsn lsn, long logTime) {
        this.visible = new Position(seq, lsn, logTime);
    }

    /**
     * Makes this index judge expiry by the writer's clock (never earlier than the log's time, so a
     * writer whose clock is behind its predecessor's hides nothing less than the log already did).
     * Without it, expiry is judged by the newest writer time recorded in the applied WAL: a replica
     * agrees with the log it has read, whatever its own clock says.
     */
    public void useWriterClock(LongSupplier clock) {
        this.writerClock = clock;
    }

    @Override
    public long now() {
        return now(visible);
    }

    private long now(Position p) {
        LongSupplier c = writerClock;
        return c == null ? p.logTime : Math.max(c.getAsLong(), p.logTime);
    }

    /**
     * Loads one entry of a checkpoint, at the index's starting position. Only before the first
     * {@link #apply} and before any reader: checkpoint restore builds the index, then opens it.
     */
    public void load(byte[] key, byte[] value) {
        load(key, value, null, Mutation.NEVER);
    }

    /**
     * Loads one checkpoint entry with the version it had when the checkpoint was taken ({@code null}:
     * the checkpoint's own LSN, for checkpoints written before versions were recorded).
     */
    @SuppressWarnings("NonAtomicVolatileUpdate") // one loading thread, before any reader (see above)
    public void load(byte[] key, byte[] value, Lsn version, long expireAt) {
        Position p = visible;
        Version prev = map.put(key, new Version(p.seq, version == null ? p.lsn : version, value, expireAt, null));
        if (prev != null) {
            throw new IllegalStateException("checkpoint holds a key twice");
        }
        if (expireAt != Mutation.NEVER) {
            expiries.add(new Expiry(expireAt, p.seq, key));
        }
        keyCount++;
        liveBytes += key.length + value.length;
    }

    /** Sets the log time of a freshly loaded index (a checkpoint's); only before the first apply and any reader. */
    public void startLogTimeAt(long logTime) {
        Position p = visible;
        visible = new Position(p.seq, p.lsn, Math.max(p.logTime, logTime));
    }

    @Override
    public void apply(long txnSeq, Lsn lsn, long writerTimeMillis, List<Mutation> ops) {
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
            Version v = new Version(txnSeq, lsn, m.value(), m.expireAt(), head);
            if (wasLive && head.expireAt != Mutation.NEVER) {
                expiries.remove(new Expiry(head.expireAt, head.seq, m.key()));
            }
            if (m.expires()) {
                expiries.add(new Expiry(m.expireAt(), txnSeq, m.key()));
            }
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
        Position before = visible;
        // publish: readers now see the whole transaction
        visible = new Position(txnSeq, lsn, Math.max(before.logTime, writerTimeMillis));
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
        return v == null || !v.liveNow(this) ? null : v.value;
    }

    @Override
    public VersionedValue getVersioned(byte[] key) {
        Version v = latest(key);
        return v == null || !v.liveNow(this) ? null : new VersionedValue(v.value, v.lsn, v.expireAt);
    }

    @Override
    public List<Entry> expired(long now, int max) {
        List<Entry> out = new ArrayList<>();
        for (Expiry e : expiries) {
            if (e.at > now || out.size() >= max) {
                break;
            }
            Version head = map.get(e.key);
            if (head != null && head.seq == e.seq && head.value != null) {
                out.add(new Entry(e.key, head.value, head.lsn, head.expireAt));
            }
        }
        return out;
    }

    @Override
    public boolean expiredAt(byte[] key, Lsn version, long now) {
        Version v = latest(key);
        return v != null && v.value != null && v.lsn.equals(version) && v.expireAt <= now;
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
        return new PinImpl(p.seq, p.lsn, now(p));
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
        long n = keyCount;
        long now = now();
        for (Expiry e : expiries) {
            if (e.at > now) {
                break;
            }
            n--; // expired, not yet reaped: already absent to every read
        }
        return Math.max(0, n);
    }

    @Override
    public long liveBytes() {
        return liveBytes;
    }

    private final class PinImpl implements Pin {
        private final long seq;
        private final Lsn lsn;
        /** Expiry is judged at the time the position was pinned, so a pinned view stays stable. */
        private final long now;
        private final AtomicBoolean closed = new AtomicBoolean();

        PinImpl(long seq, Lsn lsn, long now) {
            this.seq = seq;
            this.lsn = lsn;
            this.now = now;
        }

        @Override
        public long now() {
            return now;
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
            return at == null || !at.liveAt(now) ? null : at.value;
        }

        private Version resolveVersion(Version v) {
            while (v != null && v.seq > seq) {
                v = v.older;
            }
            return v;
        }

        @Override
        public Iterator<Entry> scanVersioned(boolean includeExpired) {
            checkOpen();
            // Expired values are kept: the state at this position, with each key's expiry, is what a
            // checkpoint must reproduce; readers of the checkpoint judge expiry themselves.
            return live(map, includeExpired ? Long.MIN_VALUE : now, (k, v) -> new Entry(k, v.value, v.lsn, v.expireAt));
        }

        @Override
        public Iterator<byte[][]> scan(byte[] from, byte[] to, boolean descending) {
            checkOpen();
            NavigableMap<byte[], Version> sub;
            if (from != null && to != null) {
                sub = Arrays.compareUnsigned(from, to) >= 0 ? new TreeMap<>(map.comparator()) : map.subMap(from, true, to, false);
            } else if (from != null) {
                sub = map.tailMap(from, true);
            } else if (to != null) {
                sub = map.headMap(to, false);
            } else {
                sub = map;
            }
            return live(descending ? sub.descendingMap() : sub, now, (k, v) -> new byte[][] {k, v.value});
        }

        /** The keys of {@code sub} live at this position and time {@code at}, in its order, each as {@code f(key, its version here)}. */
        private <T> Iterator<T> live(NavigableMap<byte[], Version> sub, long at,
                                     BiFunction<byte[], Version, T> f) {
            Iterator<Map.Entry<byte[], Version>> it = sub.entrySet().iterator();
            return new Iterator<>() {
                T next = advance();

                private T advance() {
                    while (it.hasNext()) {
                        Map.Entry<byte[], Version> e = it.next();
                        Version v = resolveVersion(e.getValue());
                        if (v != null && v.liveAt(at)) {
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
