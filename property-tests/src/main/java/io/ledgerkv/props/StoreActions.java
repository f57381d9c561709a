package io.ledgerkv.props;

import static io.ledgerkv.props.Gen.weight;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.CheckpointStatus;
import io.ledgerkv.api.Condition;
import io.ledgerkv.api.ConditionFailedException;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.api.Txn;
import io.ledgerkv.api.VersionedValue;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.props.StatefulProperty.Action;
import io.ledgerkv.store.DefaultLedgerKv;
import io.ledgerkv.testing.Describe;
import io.ledgerkv.testing.Model;
import io.ledgerkv.testing.Model.Op;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The actions of the stateful store property and their generator. Keys come from a small space of
 * twelve that share prefixes and sit at range boundaries (so operations collide); values are empty,
 * short, or a few KiB up to the size limit (so some transactions span several WAL entries).
 */
public final class StoreActions {
    private StoreActions() {
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Keys that collide, share prefixes, and sit at the edges of the unsigned order. */
    static final List<byte[]> KEYS = List.of(b(""), b("a"), b("a\0"), b("ab"), b("abc"), b("abd"), b("b"), b("b\0"), b("ba"),
            b("\u00ff"), b("\u00ff\u00ff"), b("k"));

    static final Gen<byte[]> KEY = Gen.oneOf(KEYS);
    /** Prefixes: every key but the empty one (an empty prefix is refused; ScanTest checks that). */
    static final Gen<byte[]> PREFIX = Gen.oneOf(KEYS.subList(1, KEYS.size()));
    static final Gen<byte[]> BOUND = Gen.frequency(weight(1, r -> null), weight(4, KEY));

    static final Gen<byte[]> VALUE = Gen.frequency(
            weight(2, r -> new byte[0]),
            weight(10, r -> b("v" + r.nextInt(100))),
            weight(3, Gen.bytes(Gen.ints(1, 300))),
            weight(1, Gen.bytes(Gen.ints(4_000, 9_000))),                   // several WAL entries
            weight(1, r -> filled(StoreHarness.MAX_VALUE_BYTES, r.nextInt())) // exactly at the limit
    );

    private static byte[] filled(int n, int seed) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (seed + i * 31);
        }
        return out;
    }

    /** Buffers {@code ops} in {@code t}, in order (a null value is a delete); returns {@code t}. */
    static Txn stage(Txn t, List<Op> ops) {
        for (Op op : ops) {
            if (op.value() == null) {
                t.delete(op.key());
            } else if (op.ttlMillis() > 0) {
                t.put(op.key(), op.value(), Duration.ofMillis(op.ttlMillis()));
            } else {
                t.put(op.key(), op.value());
            }
        }
        return t;
    }

    /** Times to live that straddle the clock steps of {@link AdvanceClock}, down to one millisecond. */
    static final Gen<Long> TTL = Gen.oneOf(1L, 100L, 101L, 1_000L, 5_000L);
    /** Clock steps: some land exactly on an expiry time. */
    static final Gen<Long> STEP = Gen.oneOf(1L, 99L, 100L, 1_000L, 4_000L);

    static final Gen<Op> OP = Gen.frequency(weight(3, r -> new Op(KEY.next(r), VALUE.next(r))), weight(1, r -> new Op(KEY.next(r), null)),
            weight(1, r -> new Op(KEY.next(r), VALUE.next(r), TTL.next(r))));
    static final Gen<List<Op>> OPS = Gen.listOf(OP, 1, 5);

    /** The generator: most actions write or read; a few crash, reopen, fence, kill bookies, checkpoint. */
    public static StatefulProperty.ActionGen<StoreHarness> generator() {
        Gen<Action<StoreHarness>> gen = Gen.frequency(
                weight(14, r -> new Put(KEY.next(r), VALUE.next(r))),
                weight(4, r -> new PutTtl(KEY.next(r), VALUE.next(r), TTL.next(r))),
                weight(4, r -> new AdvanceClock(STEP.next(r))),
                weight(1, r -> new Reap()),
                weight(5, r -> new Delete(KEY.next(r))),
                weight(5, r -> new PutAll(Gen.listOf(r2 -> new Op(KEY.next(r2), VALUE.next(r2)), 1, 5).next(r))),
                weight(3, r -> new DeleteAll(Gen.listOf(KEY, 1, 4).next(r))),
                weight(12, r -> new Commit(OPS.next(r))),
                weight(4, r -> new Abort(OPS.next(r))),
                weight(5, r -> new Scan(BOUND.next(r), BOUND.next(r), ScanKind.FORWARD, 0)),
                weight(2, r -> new Scan(BOUND.next(r), BOUND.next(r), ScanKind.REVERSE, 0)),
                weight(2, r -> new Scan(BOUND.next(r), BOUND.next(r), ScanKind.LIMIT, r.nextInt(4))),
                weight(2, r -> new Scan(BOUND.next(r), BOUND.next(r), ScanKind.COUNT, 0)),
                weight(2, r -> new Scan(PREFIX.next(r), null, ScanKind.PREFIX, 0)),
                weight(3, r -> new Replace(KEY.next(r), VALUE.next(r), r.nextInt(3) != 0)),
                weight(2, r -> new PutIfAbsent(KEY.next(r), VALUE.next(r))),
                weight(3, r -> new Increment(KEY.next(r), r.nextInt(-5, 6))),
                weight(4, r -> new CheckedCommit(OPS.next(r), KEY.next(r), r.nextInt(3))),
                weight(2, r -> new Flush()),
                weight(3, r -> new CrashWithCommitsInFlight(Gen.listOf(OPS, 1, 6).next(r))),
                weight(3, r -> new Reopen(Gen.oneOf(CodecType.NONE, CodecType.LZ4, CodecType.ZSTD, CodecType.LZ4_HC).next(r))),
                weight(1, r -> new FenceByNewWriter()),
                weight(1, r -> new RotateKey()),
                weight(1, r -> new KillBookie(r.nextInt(4))),
                weight(2, r -> new RestartBookie()),
                weight(2, r -> new Checkpoint()),
                weight(1, r -> new ReadCheckpoint(r.nextInt(4))));
        return (random, state) -> gen.next(random);
    }

    // ---- writes --------------------------------------------------------------------------------

    record Put(byte[] key, byte[] value) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            h.store.put(key, value);
            h.model.apply(List.of(new Op(key, value)));
        }

        @Override
        public String toString() {
            return "put " + new Op(key, value);
        }
    }

    /** A put with a time to live; the model records its expiry at its own now + ttl. */
    record PutTtl(byte[] key, byte[] value, long ttlMillis) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            h.store.put(key, value, Duration.ofMillis(ttlMillis));
            h.model.apply(List.of(new Op(key, value, ttlMillis)));
            VersionedValue v = h.store.getWithVersion(key);
            long want = h.model.now() + ttlMillis;
            if (v == null || v.expireAtMillis() != want) {
                throw new AssertionError(this + ": store differs from the model: store says it expires at " + (v == null ? "(absent)" : v.expireAtMillis())
                        + ", model at " + want);
            }
        }

        @Override
        public String toString() {
            return "put " + new Op(key, value, ttlMillis);
        }
    }

    /** Moves the writers' clock and the model's together; the invariants then check expired keys are gone at once. */
    record AdvanceClock(long millis) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            h.clock.advance(Duration.ofMillis(millis));
            h.model.advance(millis);
        }

        @Override
        public String toString() {
            return "advance clock " + millis + "ms";
        }
    }

    /** Runs the writer's reaper now (it also runs on its own every second): its WAL deletes change no visible state. */
    record Reap() implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            h.store.reapExpired().join();
        }

        @Override
        public String toString() {
            return "reap expired keys";
        }
    }

    record Delete(byte[] key) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            h.store.delete(key);
            h.model.apply(List.of(new Op(key, null)));
        }

        @Override
        public String toString() {
            return "delete " + Describe.bytes(key);
        }
    }

    record PutAll(List<Op> ops) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            List<KvEntry> entries = new ArrayList<>();
            for (Op op : ops) {
                entries.add(new KvEntry(op.key(), op.value()));
            }
            h.store.putAll(entries);
            h.model.apply(ops);
        }

        @Override
        public String toString() {
            return "putAll " + ops;
        }
    }

    record DeleteAll(List<byte[]> keys) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            h.store.deleteAll(keys);
            h.model.apply(keys.stream().map(k -> new Op(k, null)).toList());
        }

        @Override
        public String toString() {
            return "deleteAll " + Describe.of(keys);
        }
    }

    /** A transaction that checks read-your-writes as it goes, then commits. */
    record Commit(List<Op> ops) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            Model view = h.model.copy();
            try (Txn t = h.store.begin()) {
                for (Op op : ops) {
                    stage(t, List.of(op));
                    view.apply(List.of(op));
                    byte[] seen = t.get(op.key());
                    if (!Arrays.equals(seen, view.get(op.key()))) {
                        throw new AssertionError("read-your-writes: transaction reads " + Describe.bytes(seen) + " for "
                                + Describe.bytes(op.key()) + " after " + op);
                    }
                }
                t.commit();
            }
            h.model.apply(ops);
        }

        @Override
        public String toString() {
            return "commit txn " + ops;
        }
    }

    record Abort(List<Op> ops) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            stage(h.store.begin(), ops).abort();
        }

        @Override
        public String toString() {
            return "abort txn " + ops;
        }
    }

    // ---- conditional writes and counters ----------------------------------------------------------

    /**
     * {@code replace} with the key's current version (must succeed iff the model has the key) or
     * with a version the key cannot have (must fail and write nothing).
     */
    record Replace(byte[] key, byte[] value, boolean currentVersion) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            VersionedValue cur = h.store.getWithVersion(key);
            if ((cur == null) != (h.model.get(key) == null)) {
                throw new AssertionError("getWithVersion " + Describe.bytes(key) + " is " + (cur == null ? "absent" : "present")
                        + ", model disagrees");
            }
            Lsn expected = currentVersion && cur != null ? cur.version() : Lsn.NONE;
            boolean shouldWork = currentVersion && cur != null;
            Lsn before = h.store.lastAppliedLsn();
            try {
                h.store.replace(key, expected, value);
                if (!shouldWork) {
                    throw new AssertionError(this + " succeeded with version " + expected + ", key's version " + (cur == null ? "none"
                            : cur.version()));
                }
                h.model.apply(List.of(new Op(key, value)));
            } catch (ConditionFailedException e) {
                if (shouldWork) {
                    throw new AssertionError(this + " failed with the key's own version " + expected, e);
                }
                if (!h.store.lastAppliedLsn().equals(before)) {
                    throw new AssertionError(this + " failed but the store moved from " + before + " to " + h.store.lastAppliedLsn());
                }
            }
        }

        @Override
        public String toString() {
            return "replace " + new Op(key, value) + (currentVersion ? " at its version" : " at a wrong version");
        }
    }

    /**
     * A multi-key transaction guarded by a condition on one key: absent (mode 0), equal to the
     * model's current value (mode 1, holds iff the key is present) or equal to a value it never has
     * (mode 2). It must commit all of its ops iff the model says the condition holds, else none.
     */
    record CheckedCommit(List<Op> ops, byte[] checkKey, int mode) implements Action<StoreHarness> {
        private static final byte[] NEVER = b("never-a-value");

        @Override
        public void run(StoreHarness h) {
            byte[] cur = h.model.get(checkKey);
            Condition c = switch (mode) {
                case 0 -> Condition.absent();
                case 1 -> Condition.valueEquals(cur == null ? NEVER : cur);
                default -> Condition.valueEquals(NEVER);
            };
            boolean holds = mode == 0 ? cur == null : mode == 1 && cur != null;
            Lsn before = h.store.lastAppliedLsn();
            try (Txn t = h.store.begin()) {
                stage(t.check(checkKey, c), ops).commit();
                if (!holds) {
                    throw new AssertionError(this + " committed although its condition does not hold");
                }
                h.model.apply(ops);
            } catch (ConditionFailedException e) {
                if (holds) {
                    throw new AssertionError(this + " was refused although its condition holds", e);
                }
                if (!h.store.lastAppliedLsn().equals(before)) {
                    throw new AssertionError(this + " was refused but the store moved");
                }
            }
        }

        @Override
        public String toString() {
            return "commit " + ops + " if " + Describe.bytes(checkKey) + (mode == 0 ? " is absent" : mode == 1 ? " is unchanged"
                    : " equals a value it never has");
        }
    }

    /** {@code putIfAbsent} must succeed iff the model lacks the key. */
    record PutIfAbsent(byte[] key, byte[] value) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            boolean absent = h.model.get(key) == null;
            try {
                h.store.putIfAbsent(key, value);
                if (!absent) {
                    throw new AssertionError(this + " succeeded on a present key");
                }
                h.model.apply(List.of(new Op(key, value)));
            } catch (ConditionFailedException e) {
                if (absent) {
                    throw new AssertionError(this + " failed on an absent key", e);
                }
            }
        }

        @Override
        public String toString() {
            return "putIfAbsent " + new Op(key, value);
        }
    }

    /** {@code increment}: the model's counter plus delta, or a refusal if the value is not 8 bytes. */
    record Increment(byte[] key, long delta) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            byte[] cur = h.model.get(key);
            Long want;
            if (cur == null) {
                want = delta;
            } else if (cur.length != 8) {
                want = null;
            } else {
                long base = ByteBuffer.wrap(cur).getLong();
                long sum = base + delta;
                want = ((base ^ sum) & (delta ^ sum)) < 0 ? null : sum; // null on overflow
            }
            try {
                long got = h.store.increment(key, delta);
                if (want == null || got != want) {
                    throw new AssertionError(this + " gave " + got + ", model expects " + (want == null ? "a refusal" : want));
                }
                h.model.apply(List.of(new Op(key, ByteBuffer.allocate(8).putLong(got).array())));
            } catch (ConditionFailedException e) {
                if (want != null) {
                    throw new AssertionError(this + " was refused, model expects " + want, e);
                }
            }
        }

        @Override
        public String toString() {
            return "increment " + Describe.bytes(key) + " by " + delta;
        }
    }

    // ---- reads ---------------------------------------------------------------------------------

    /** What a {@link Scan} reads: a range forwards or backwards, a limited range, an exact count, or a prefix. */
    enum ScanKind {
        FORWARD, REVERSE, LIMIT, COUNT, PREFIX
    }

    /**
     * A scan must return exactly the model's entries, in order: {@code range(from, to)},
     * {@code reverseRange(from, to)}, {@code range(from, to, limit)}, {@code count(from, to)} or
     * {@code prefixScan(from)} (then {@code to} is unused).
     */
    record Scan(byte[] from, byte[] to, ScanKind kind, int limit) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            NavigableMap<byte[], byte[]> range = kind == ScanKind.PREFIX ? h.model.prefix(from) : h.model.range(from, to);
            if (kind == ScanKind.COUNT) {
                long got = h.store.count(from, to);
                if (got != range.size()) {
                    throw new AssertionError(this + " gave " + got + ", model " + range.size());
                }
                return;
            }
            List<Map.Entry<byte[], byte[]>> want = new ArrayList<>((kind == ScanKind.REVERSE ? range.descendingMap() : range).entrySet());
            if (kind == ScanKind.LIMIT) {
                want = want.subList(0, Math.min(limit, want.size()));
            }
            List<KvEntry> got = new ArrayList<>();
            try (KvIterator it = switch (kind) {
                case REVERSE -> h.store.reverseRange(from, to);
                case LIMIT -> h.store.range(from, to, limit);
                case PREFIX -> h.store.prefixScan(from);
                default -> h.store.range(from, to);
            }) {
                it.forEachRemaining(got::add);
            }
            for (int i = 0; i < want.size(); i++) {
                Map.Entry<byte[], byte[]> e = want.get(i);
                if (i >= got.size() || !Arrays.equals(got.get(i).key(), e.getKey()) || !Arrays.equals(got.get(i).value(), e.getValue())) {
                    throw new AssertionError(this + ": entry " + i + " is " + (i < got.size() ? Describe.bytes(got.get(i).key())
                            : "missing") + ", model has " + Describe.bytes(e.getKey()));
                }
            }
            if (got.size() != want.size()) {
                throw new AssertionError(this + " returned " + got.size() + " entries, model " + want.size());
            }
        }

        @Override
        public String toString() {
            return switch (kind) {
                case PREFIX -> "prefixScan " + Describe.bytes(from);
                case LIMIT -> "scan [" + Describe.bytes(from) + ", " + Describe.bytes(to) + ") limit " + limit;
                default -> kind.name().toLowerCase(Locale.ROOT) + " [" + Describe.bytes(from) + ", " + Describe.bytes(to) + ")";
            };
        }
    }

    /** After a flush the key count in ZooKeeper's stats equals the model's size. */
    record Flush() implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            h.store.flush();
            long published = h.client.status(h.name).stats().keyCount();
            if (published != h.model.size()) {
                throw new AssertionError("after flush, stats key count is " + published + ", model has " + h.model.size());
            }
        }

        @Override
        public String toString() {
            return "flush";
        }
    }

    // ---- failures ------------------------------------------------------------------------------

    /**
     * Issues transactions without waiting, crashes the writer's process, reopens. The recovered
     * store must equal the model after some prefix of them (all or nothing each, in log order), and
     * that prefix must include every one that was acknowledged.
     */
    record CrashWithCommitsInFlight(List<List<Op>> txns) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) throws Exception {
            List<CompletableFuture<Lsn>> futures = new ArrayList<>();
            for (List<Op> ops : txns) {
                futures.add(stage(h.store.begin(), ops).commitAsync());
            }
            h.client.crash();
            int acked = 0;
            for (CompletableFuture<Lsn> f : futures) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                    acked++;
                } catch (ExecutionException e) {
                    break; // acknowledgements come in log order: the rest were not acknowledged
                }
            }
            h.reopen(h.cfg.codec());
            Model candidate = h.model.copy();
            List<Model> prefixes = new ArrayList<>();
            prefixes.add(candidate.copy());
            for (List<Op> ops : txns) {
                candidate.apply(ops);
                prefixes.add(candidate.copy());
            }
            for (int j = txns.size(); j >= acked; j--) {
                if (h.equalsModel(prefixes.get(j))) {
                    h.model = prefixes.get(j);
                    return;
                }
            }
            throw new AssertionError("after the crash the store matches no prefix of the " + txns.size() + " in-flight "
                    + "transactions that includes the " + acked + " acknowledged ones (lost acknowledgement or partial "
                    + "transaction); " + h.diff(prefixes.get(acked)));
        }

        @Override
        public String toString() {
            return "crash with " + txns.size() + " commits in flight " + txns;
        }
    }

    /** Closes the writer cleanly and opens it again, possibly with another codec. */
    record Reopen(CodecType codec) implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            h.client.close();
            h.reopen(codec);
        }

        @Override
        public String toString() {
            return "reopen with " + codec;
        }
    }

    /**
     * In an encrypted try: reopen with one more key, the new one active. Replay must read entries and
     * checkpoints written under every earlier key; new entries use the new one.
     */
    record RotateKey() implements Action<StoreHarness> {
        @Override
        public boolean precondition(StoreHarness h) {
            return h.keyGen > 0;
        }

        @Override
        public void run(StoreHarness h) {
            h.rotateKey();
        }

        @Override
        public String toString() {
            return "rotate the encryption key";
        }
    }

    /** A second writer opens the store; the first must then fail with StoreFencedException. */
    record FenceByNewWriter() implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            DefaultLedgerKv old = h.client;
            KvStore oldStore = h.store;
            h.reopen(h.cfg.codec());
            try {
                oldStore.put(KEYS.get(0), new byte[] {1});
                throw new AssertionError("the fenced writer's commit was acknowledged");
            } catch (StoreFencedException expected) {
                // the point
            } finally {
                old.close();
            }
        }

        @Override
        public String toString() {
            return "a second writer fences the first";
        }
    }

    record KillBookie(int index) implements Action<StoreHarness> {
        @Override
        public boolean precondition(StoreHarness h) {
            return h.killed.isEmpty(); // ensemble 3 of 4 bookies: at most one down
        }

        @Override
        public void run(StoreHarness h) {
            List<Integer> running = h.cluster.runningBookies();
            int victim = running.get(index % running.size());
            h.cluster.killBookie(victim);
            h.killed.add(victim);
        }

        @Override
        public String toString() {
            return "kill bookie #" + index;
        }
    }

    record RestartBookie() implements Action<StoreHarness> {
        @Override
        public boolean precondition(StoreHarness h) {
            return !h.killed.isEmpty();
        }

        @Override
        public void run(StoreHarness h) throws Exception {
            h.cluster.restartBookie(h.killed.remove(0));
        }

        @Override
        public String toString() {
            return "restart the dead bookie";
        }
    }

    record Checkpoint() implements Action<StoreHarness> {
        @Override
        public void run(StoreHarness h) {
            CheckpointStatus cp = h.store.checkpoint();
            h.atCheckpoint.put(cp.id(), h.model.copy());
        }

        @Override
        public String toString() {
            return "checkpoint";
        }
    }

    /** A point-in-time read at a retained checkpoint shows the model as it was then. */
    record ReadCheckpoint(int pick) implements Action<StoreHarness> {
        @Override
        public boolean precondition(StoreHarness h) {
            return !h.store.checkpoints().isEmpty();
        }

        @Override
        public void run(StoreHarness h) {
            List<CheckpointStatus> retained = h.store.checkpoints();
            CheckpointStatus cp = retained.get(pick % retained.size());
            Model then = h.atCheckpoint.get(cp.id());
            if (then == null) {
                return; // taken before this try's bookkeeping (cannot happen in a fresh store)
            }
            try (KvStore view = h.client.openReadOnly(h.name, h.cfg, AsOf.checkpoint(cp.id()))) {
                List<KvEntry> got = new ArrayList<>();
                try (KvIterator it = view.all()) {
                    it.forEachRemaining(got::add);
                }
                if (got.size() != then.size()) {
                    throw new AssertionError("checkpoint " + cp.id() + " shows " + got.size() + " keys, it was taken with "
                            + then.size());
                }
                int i = 0;
                for (Map.Entry<byte[], byte[]> e : then.asMap().entrySet()) {
                    KvEntry g = got.get(i++);
                    if (!Arrays.equals(g.key(), e.getKey()) || !Arrays.equals(g.value(), e.getValue())) {
                        throw new AssertionError("checkpoint " + cp.id() + " differs at " + Describe.bytes(e.getKey()));
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "read checkpoint #" + pick;
        }
    }
}
