package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.Condition;
import io.ledgerkv.api.ConditionFailedException;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.Txn;
import io.ledgerkv.api.VersionedValue;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.txn.WriterHooks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Versions, conditional writes (etcd-style compare, then write) and counters on a real cluster:
 * conditions are evaluated at commit against everything submitted before, so optimistic
 * read-modify-write loops and pipelined increments lose no update; a failed condition writes
 * nothing and names the key and versions; versions and counters survive a crash and replay.
 */
class ConditionalWriteTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    @Test
    void versionsAreTheLsnOfTheLastWriteAndConditionsGateWrites() {
        try (KvStore store = CLUSTER.connect().open(freshName("cas"), config().build())) {
            assertThat(store.getWithVersion(b("k"))).isNull();
            Lsn first = store.putIfAbsent(b("k"), b("v1"));
            VersionedValue v1 = store.getWithVersion(b("k"));
            assertThat(v1.version()).isEqualTo(first);
            assertThat(s(v1.value())).isEqualTo("v1");

            Lsn before = store.lastAppliedLsn();
            assertThatThrownBy(() -> store.putIfAbsent(b("k"), b("other")))
                    .isInstanceOf(ConditionFailedException.class)
                    .hasMessageContaining("condition on key 'k' failed: expected no value, seen version " + first)
                    .hasMessageContaining("not written");
            assertThat(store.lastAppliedLsn()).as("nothing was written").isEqualTo(before);

            Lsn second = store.replace(b("k"), first, b("v2"));
            assertThat(store.getWithVersion(b("k")).version()).isEqualTo(second).isGreaterThan(first);
            assertThatThrownBy(() -> store.replace(b("k"), first, b("stale")))
                    .isInstanceOf(ConditionFailedException.class)
                    .hasMessageContaining("expected version " + first + ", seen version " + second)
                    .satisfies(e -> assertThat(((ConditionFailedException) e).seenVersion()).isEqualTo(second));
            assertThat(s(store.get(b("k")))).isEqualTo("v2");
            assertThatThrownBy(() -> store.delete(b("k"), first)).isInstanceOf(ConditionFailedException.class);
            store.delete(b("k"), second);
            assertThat(store.get(b("k"))).isNull();
            assertThatThrownBy(() -> store.replace(b("k"), second, b("gone"))).hasMessageContaining("seen no value");

            // A multi-key transaction with one failing condition writes none of its keys.
            store.put(b("a"), b("1"));
            Lsn aVersion = store.getWithVersion(b("a")).version();
            try (Txn t = store.begin()) {
                t.check(b("a"), Condition.version(aVersion)).check(b("b"), Condition.valueEquals(b("nope")))
                        .put(b("a"), b("2")).put(b("c"), b("3"));
                assertThatThrownBy(t::commit).isInstanceOf(ConditionFailedException.class)
                        .hasMessageContaining("key 'b'").hasMessageContaining("a value equal to the given 4 bytes");
                assertThat(t.state()).isEqualTo(Txn.State.FAILED);
            }
            assertThat(s(store.get(b("a")))).isEqualTo("1");
            assertThat(store.get(b("c"))).isNull();
            try (Txn t = store.begin()) {
                t.check(b("a"), Condition.valueEquals(b("1"))).check(b("b"), Condition.absent()).put(b("c"), b("3")).commit();
            }
            assertThat(s(store.get(b("c")))).isEqualTo("3");
            // Conditions alone: checked, nothing written.
            Lsn now = store.lastAppliedLsn();
            try (Txn t = store.begin()) {
                assertThat(t.check(b("c"), Condition.valueEquals(b("3"))).commit()).isEqualTo(now);
            }
        }
    }

    @Test
    void optimisticReadModifyWriteFromManyThreadsLosesNoUpdate() throws Exception {
        try (KvStore store = CLUSTER.connect().open(freshName("cas-race"), config().build())) {
            store.put(b("n"), b("0"));
            int threads = 6;
            int each = 25;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Integer>> retries = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                retries.add(pool.submit(() -> {
                    int conflicts = 0;
                    for (int done = 0; done < each; ) {
                        VersionedValue cur = store.getWithVersion(b("n"));
                        int next = Integer.parseInt(s(cur.value())) + 1;
                        try {
                            store.replace(b("n"), cur.version(), b(Integer.toString(next)));
                            done++;
                        } catch (ConditionFailedException e) {
                            conflicts++;
                        }
                    }
                    return conflicts;
                }));
            }
            int conflicts = 0;
            for (Future<Integer> f : retries) {
                conflicts += f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(s(store.get(b("n")))).isEqualTo(Integer.toString(threads * each));
            assertThat(conflicts).as("threads raced, so some replaces must have lost").isPositive();
        }
    }

    @Test
    void pipelinedIncrementsAreExactAndSurviveReplay() {
        DefaultLedgerKv kv = CLUSTER.connect();
        String name = freshName("counters");
        BookKeeperStore store = kv.open(name, config().build(), WriterHooks.NONE);
        List<CompletableFuture<Long>> results = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            results.add(store.incrementAsync(b("hits"), 1)); // all in flight at once
        }
        Set<Long> seen = new HashSet<>();
        results.forEach(f -> seen.add(f.join()));
        assertThat(seen).as("every increment saw its predecessor's result").hasSize(300).contains(1L, 300L);
        assertThat(store.increment(b("hits"), -50)).isEqualTo(250);
        assertThat(ByteBuffer.wrap(store.get(b("hits"))).getLong()).isEqualTo(250);

        try (Txn t = store.begin()) {
            t.increment(b("x"), 5).increment(b("x"), 2).increment(b("y"), -1).put(b("z"), b("plain"));
            assertThatThrownBy(() -> t.get(b("x"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("decided at commit");
            assertThatThrownBy(() -> t.put(b("x"), b("no"))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> t.counter(b("x"))).hasMessageContaining("expected COMMITTED");
            t.commit();
            assertThat(t.counter(b("x"))).isEqualTo(7);
            assertThat(t.counter(b("y"))).isEqualTo(-1);
        }

        store.put(b("text"), b("not a number"));
        Lsn before = store.lastAppliedLsn();
        assertThatThrownBy(() -> store.increment(b("text"), 1)).isInstanceOf(ConditionFailedException.class)
                .hasMessageContaining("key 'text'").hasMessageContaining("12 bytes, not a counter");
        store.put(b("big"), ByteBuffer.allocate(8).putLong(Long.MAX_VALUE).array());
        assertThatThrownBy(() -> store.increment(b("big"), 1)).hasMessageContaining("overflows a long");
        assertThat(store.lastAppliedLsn()).as("only the put of 'big' was written").isGreaterThan(before);
        assertThat(ByteBuffer.wrap(store.get(b("big"))).getLong()).isEqualTo(Long.MAX_VALUE);

        assertThatThrownBy(() -> store.begin().check(b("k"), Condition.version(new Lsn(999, 0, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("newer than anything this store has applied");
        assertThatThrownBy(() -> store.replace(b("k"), null, b("v"))).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("expectedVersion");
        assertThatThrownBy(() -> store.begin().check(b("k"), null)).isInstanceOf(NullPointerException.class);

        VersionedValue hitsBefore = store.getWithVersion(b("hits"));
        VersionedValue xBefore = store.getWithVersion(b("x"));
        kv.crash(); // no flush, no close
        try (KvStore reopened = CLUSTER.connect().open(name, config().build())) {
            VersionedValue hits = reopened.getWithVersion(b("hits"));
            assertThat(hits.version()).as("versions survive replay exactly").isEqualTo(hitsBefore.version());
            assertThat(ByteBuffer.wrap(hits.value()).getLong()).isEqualTo(250);
            assertThat(reopened.getWithVersion(b("x")).version()).isEqualTo(xBefore.version());
            assertThat(reopened.increment(b("x"), 3)).isEqualTo(10);
            reopened.replace(b("hits"), hitsBefore.version(), ByteBuffer.allocate(8).putLong(0).array());
        }
    }

    @Test
    void versionsSurviveAReopenFromACheckpoint() {
        DefaultLedgerKv kv = CLUSTER.connect();
        String name = freshName("cas-ckpt");
        BookKeeperStore store = kv.open(name, config().build(), WriterHooks.NONE);
        for (int i = 0; i < 50; i++) {
            store.put(b("k" + i), b("v" + i)); // 50 different versions
        }
        store.increment(b("hits"), 42);
        Map<String, Lsn> versions = new TreeMap<>();
        for (int i = 0; i < 50; i++) {
            versions.put("k" + i, store.getWithVersion(b("k" + i)).version());
        }
        Lsn hits = store.getWithVersion(b("hits")).version();
        store.checkpoint();
        store.put(b("k7"), b("after")); // one key moves on after the checkpoint
        store.close();

        try (BookKeeperStore reopened = CLUSTER.connect().open(name, config().build(), WriterHooks.NONE)) {
            assertThat(reopened.replayStats().checkpointId()).as("the reopen starts from the checkpoint").isPositive();
            for (int i = 0; i < 50; i++) {
                VersionedValue v = reopened.getWithVersion(b("k" + i));
                if (i == 7) {
                    assertThat(v.version()).isGreaterThan(versions.get("k7"));
                } else {
                    assertThat(v.version()).as("k" + i).isEqualTo(versions.get("k" + i));
                }
            }
            assertThat(reopened.getWithVersion(b("hits")).version()).isEqualTo(hits);
            reopened.replace(b("k3"), versions.get("k3"), b("cas after reopen")); // the old version still works
            assertThatThrownBy(() -> reopened.replace(b("k7"), versions.get("k7"), b("stale"))).isInstanceOf(ConditionFailedException.class);
            assertThat(reopened.increment(b("hits"), 1)).isEqualTo(43);
        }
    }
}
