package io.ledgerkv.props;

import static io.ledgerkv.props.Gen.weight;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.CheckpointStatus;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.api.Txn;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.props.Model.Op;
import io.ledgerkv.props.StatefulProperty.Action;
import io.ledgerkv.store.DefaultLedgerKv;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
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

    static final Gen<Op> OP = Gen.frequency(weight(3, r -> new Op(KEY.next(r), VALUE.next(r))), weight(1, r -> new Op(KEY.next(r), null)));
    static final Gen<List<Op>> OPS = Gen.listOf(OP, 1, 5);

    /** The generator: most actions write or read; a few crash, reopen, fence, kill bookies, checkpoint. */
    public static StatefulProperty.ActionGen<StoreHarness> generator() {
        Gen<Action<StoreHarness>> gen = Gen.frequency(
                weight(14, r -> new Put(KEY.next(r), VALUE.next(r))),
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
                weight(2, r -> new Flush()),
                weight(3, r -> new CrashWithCommitsInFlight(Gen.listOf(OPS, 1, 6).next(r))),
                weight(3, r -> new Reopen(Gen.oneOf(CodecType.NONE, CodecType.LZ4, CodecType.ZSTD, CodecType.LZ4_HC).next(r))),
                weight(1, r -> new FenceByNewWriter()),
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
                    if (op.value() == null) {
                        t.delete(op.key());
                    } else {
                        t.put(op.key(), op.value());
                    }
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
            Txn t = h.store.begin();
            for (Op op : ops) {
                if (op.value() == null) {
                    t.delete(op.key());
                } else {
                    t.put(op.key(), op.value());
                }
            }
            t.abort();
        }

        @Override
        public String toString() {
            return "abort txn " + ops;
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
                default -> kind.name().toLowerCase(java.util.Locale.ROOT) + " [" + Describe.bytes(from) + ", " + Describe.bytes(to) + ")";
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
                Txn t = h.store.begin();
                for (Op op : ops) {
                    if (op.value() == null) {
                        t.delete(op.key());
                    } else {
                        t.put(op.key(), op.value());
                    }
                }
                futures.add(t.commitAsync());
            }
            h.client.crash();
            int acked = 0;
            for (CompletableFuture<Lsn> f : futures) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                    acked++;
                } catch (java.util.concurrent.ExecutionException e) {
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
