package io.ledgerkv.samza;

import static io.ledgerkv.props.Gen.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.props.Gen;
import io.ledgerkv.testing.Model;
import io.ledgerkv.testing.Model.Op;
import io.ledgerkv.props.StatefulProperty;
import io.ledgerkv.props.StatefulProperty.Action;
import io.ledgerkv.testing.ClusterExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.samza.checkpoint.CheckpointId;
import org.apache.samza.storage.kv.Entry;
import org.apache.samza.storage.kv.KeyValueIterator;
import org.apache.samza.storage.kv.KeyValueSnapshot;
import org.apache.samza.storage.kv.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The adapter against the property tests' {@link Model}, driven the way a Samza container drives
 * it: through the storage engine Samza builds (String serdes, Samza's object cache with a small
 * write batch so cache flushes happen mid-chain, null checks, metrics) over a ledgerkv store on a
 * real cluster. Actions cover every {@link KeyValueStore} method plus Samza's commit, a clean
 * container restart (with a codec change), a container crash after a commit, a crash with writes
 * still in the cache, and a zombie container fenced by its successor.
 *
 * <p>Invariant after every action: {@code all()} equals the model. Crash actions check that what
 * survives is the model as it was at some moment since the last commit (never a torn cache flush,
 * never less than the commit).
 */
class SamzaStoreContractTest {
    private static final AtomicInteger TRIES = new AtomicInteger();
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    /** Keys that share prefixes, sort around multi-byte UTF-8, and include the empty string. */
    static final List<String> KEYS = List.of("", "a", "a\0", "ab", "abc", "abd", "b", "ba", "k", "\u00ff", "\u00ff\u00ff", "\u4e2d");
    static final Gen<String> KEY = Gen.oneOf(KEYS);
    static final Gen<String> VALUE = Gen.frequency(
            weight(1, r -> ""),
            weight(8, r -> "v" + r.nextInt(1000)),
            weight(1, r -> "x".repeat(r.nextInt(3_000, 9_000)))); // spans several 4 KiB WAL entries
    static final Gen<Op> PUT = r -> new Op(bytes(KEY.next(r)), bytes(VALUE.next(r)));
    /** A put or (a null value) a delete. */
    static final Gen<Op> OP = Gen.frequency(weight(3, PUT), weight(1, r -> new Op(bytes(KEY.next(r)), null)));

    /** One try: a Samza storage engine on a fresh ledgerkv store, and the model it must equal. */
    static final class State {
        final Map<String, String> config;
        KeyValueStore<String, String> engine;
        Model model = new Model();

        State() {
            config = SamzaEngines.config(CLUSTER.cluster(), "contract-" + TRIES.incrementAndGet());
            config.put("stores.scores.write.batch.size", "3"); // the cache flushes to putAll every 3 dirty keys
            config.put("stores.scores.object.cache.size", "6");
            config.put("stores.scores.ledgerkv.maxBatchBytes", "4096");
            engine = SamzaEngines.openStrings(config, "Partition_0");
        }

        void reopen() {
            engine = SamzaEngines.openStrings(config, "Partition_0");
        }

        void close() {
            SamzaEngines.stop(engine);
        }

        void write(Op op) {
            if (op.value() == null) {
                engine.delete(string(op.key()));
            } else {
                engine.put(string(op.key()), string(op.value()));
            }
            model.apply(List.of(op));
        }

        List<String> contents() {
            return drain(engine.all());
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static List<String> drain(KeyValueIterator<String, String> it) {
        List<String> out = new ArrayList<>();
        try {
            while (it.hasNext()) {
                Entry<String, String> e = it.next();
                out.add(e.getKey() + "=" + e.getValue());
            }
        } finally {
            it.close();
        }
        return out;
    }

    static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    static List<String> expected(Map<byte[], byte[]> m) {
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(string(k) + "=" + string(v)));
        return out;
    }

    // ---- actions -------------------------------------------------------------------------------

    record Put(Op op) implements Action<State> {
        @Override
        public void run(State s) {
            s.write(op);
        }

        @Override
        public String toString() {
            return "put " + op;
        }
    }

    /** Samza's putAll takes no null values (its null-safe layer rejects them); repeated keys: the last wins. */
    record PutAll(List<Op> ops) implements Action<State> {
        @Override
        public void run(State s) {
            List<Entry<String, String>> entries = new ArrayList<>();
            for (Op op : ops) {
                entries.add(new Entry<>(string(op.key()), string(op.value())));
            }
            s.engine.putAll(entries);
            s.model.apply(ops);
        }

        @Override
        public String toString() {
            return "putAll " + ops;
        }
    }

    record DeleteAll(List<String> keys) implements Action<State> {
        @Override
        public void run(State s) {
            s.engine.deleteAll(keys);
            keys.forEach(k -> s.model.apply(List.of(new Op(bytes(k), null))));
        }

        @Override
        public String toString() {
            return "deleteAll " + keys;
        }
    }

    record GetAll(List<String> keys) implements Action<State> {
        @Override
        public void run(State s) {
            Map<String, String> got = s.engine.getAll(keys);
            for (String k : keys) {
                byte[] want = s.model.get(bytes(k));
                assertThat(got.get(k)).as("getAll %s: %s", keys, k).isEqualTo(want == null ? null : string(want));
                assertThat(s.engine.get(k)).as("get %s", k).isEqualTo(want == null ? null : string(want));
            }
        }

        @Override
        public String toString() {
            return "getAll " + keys;
        }
    }

    record Range(String from, String to) implements Action<State> {
        @Override
        public void run(State s) {
            assertThat(drain(s.engine.range(from, to))).as("range [%s, %s)", from, to)
                    .isEqualTo(expected(s.model.range(bytes(from), bytes(to))));
        }

        @Override
        public String toString() {
            return "range [" + from + ", " + to + ")";
        }
    }

    /** A snapshot keeps showing what it was opened on while writes go on. */
    record SnapshotIsStable(String from, String to, Op write) implements Action<State> {
        @Override
        public void run(State s) {
            List<String> before = expected(s.model.range(bytes(from), bytes(to)));
            KeyValueSnapshot<String, String> snap = s.engine.snapshot(from, to);
            try {
                s.write(write);
                s.engine.flush();
                assertThat(drain(snap.iterator())).as("snapshot [%s, %s) after %s", from, to, write).isEqualTo(before);
            } finally {
                snap.close();
            }
        }

        @Override
        public String toString() {
            return "snapshot [" + from + ", " + to + ") then " + write;
        }
    }

    /** What Samza's commit does to a store: flush (the cache drains into putAll), then checkpoint. */
    record Commit() implements Action<State> {
        @Override
        public void run(State s) {
            s.engine.flush();
            s.engine.checkpoint(CheckpointId.create());
        }

        @Override
        public String toString() {
            return "commit";
        }
    }

    /** The container stops cleanly and starts again, with another codec. */
    record Restart(String codec) implements Action<State> {
        @Override
        public void run(State s) {
            s.close();
            s.config.put("stores.scores.ledgerkv.codec", codec);
            s.reopen();
        }

        @Override
        public String toString() {
            return "restart with " + codec;
        }
    }

    /** The container dies right after a commit: everything committed must be there. */
    record CrashAfterCommit() implements Action<State> {
        @Override
        public void run(State s) {
            s.engine.flush();
            Clients.crashAllForTests();
            s.reopen();
        }

        @Override
        public String toString() {
            return "crash after commit";
        }
    }

    /**
     * Writes since the last commit, then the container dies with some of them still in Samza's
     * cache. What survives must be the model as it was at one moment of those writes: the cache
     * flushes whole batches with one putAll, which ledgerkv commits atomically.
     */
    record CrashWithDirtyCache(List<Op> ops) implements Action<State> {
        @Override
        public void run(State s) {
            s.engine.flush();
            List<List<String>> moments = new ArrayList<>();
            moments.add(expected(s.model.asMap()));
            List<Model> models = new ArrayList<>();
            models.add(s.model.copy());
            for (Op op : ops) {
                s.write(op);
                moments.add(expected(s.model.asMap()));
                models.add(s.model.copy());
            }
            Clients.crashAllForTests();
            s.reopen();
            List<String> after = s.contents();
            int at = moments.lastIndexOf(after);
            assertThat(at).as("after the crash the store is %s, which is no moment of %s", after, moments).isNotNegative();
            s.model = models.get(at);
        }

        @Override
        public String toString() {
            return "crash with dirty cache after " + ops;
        }
    }

    /**
     * A new container takes the task over while the old one still runs (a zombie): the zombie's
     * next commit fails as fenced and its write is not in the store.
     */
    record ZombieIsFenced(Op zombieWrite) implements Action<State> {
        @Override
        public void run(State s) {
            s.engine.flush();
            KeyValueStore<String, String> zombie = s.engine;
            s.reopen();
            assertThatThrownBy(() -> {
                zombie.put(string(zombieWrite.key()), zombieWrite.value() == null ? "zombie" : string(zombieWrite.value()));
                zombie.flush();
            }).as("a write from the fenced container").satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(StoreFencedException.class));
            try {
                SamzaEngines.stop(zombie);
            } catch (RuntimeException expected) {
                // its stop flushes a cache the store rejects; the container is going away anyway
            }
        }

        @Override
        public String toString() {
            return "zombie write " + zombieWrite;
        }
    }

    static StatefulProperty.ActionGen<State> generator() {
        Gen<Action<State>> gen = Gen.frequency(
                weight(14, r -> new Put(OP.next(r))),
                weight(5, r -> new PutAll(Gen.listOf(PUT, 1, 6).next(r))),
                weight(3, r -> new DeleteAll(Gen.listOf(KEY, 1, 4).next(r))),
                weight(4, r -> new GetAll(Gen.listOf(KEY, 1, 4).next(r))),
                weight(4, r -> new Range(KEY.next(r), KEY.next(r))),
                weight(2, r -> new SnapshotIsStable(KEY.next(r), KEY.next(r), OP.next(r))),
                weight(4, r -> new Commit()),
                weight(2, r -> new Restart(Gen.oneOf("NONE", "LZ4", "ZSTD").next(r))),
                weight(2, r -> new CrashAfterCommit()),
                weight(2, r -> new CrashWithDirtyCache(Gen.listOf(OP, 1, 8).next(r))),
                weight(1, r -> new ZombieIsFenced(OP.next(r))));
        return (random, state) -> gen.next(random);
    }

    @Test
    void theSamzaStoreAlwaysEqualsTheModel() {
        StatefulProperty.Summary s = StatefulProperty.of("samza store equals model", State::new, State::close, generator())
                .invariant("all() equals model", st -> assertThat(st.contents()).isEqualTo(expected(st.model.asMap())))
                .tries(Integer.getInteger("ledgerkv.samza.tries", 15))
                .maxActions(Integer.getInteger("ledgerkv.samza.actions", 30))
                .check();
        System.out.println(s);
        if (s.tries() > 1) {
            // the chains must reach the actions that matter, or the property checks little
            assertThat(s.actionCounts()).containsKeys("PutAll", "Commit", "Restart", "CrashAfterCommit", "CrashWithDirtyCache",
                    "ZombieIsFenced", "SnapshotIsStable");
        }
    }
}
