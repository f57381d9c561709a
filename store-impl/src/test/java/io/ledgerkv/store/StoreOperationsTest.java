package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.ConditionFailedException;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvSnapshot;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.ReadOnlyStoreException;
import io.ledgerkv.api.Serdes;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.api.Txn;
import io.ledgerkv.api.TypedStore;
import io.ledgerkv.testing.Bytes;
import io.ledgerkv.testing.ClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store's API on a real cluster: reads, writes, iterators, snapshots, transactions, typed access. */
class StoreOperationsTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);
    private static LedgerKv kv;

    @BeforeAll
    static void connect() {
        kv = CLUSTER.connectForClass();
    }

    @AfterAll
    static void disconnect() {
        kv.close();
    }

    @Test
    void putGetDeleteAndBatches() {
        try (KvStore s = kv.open(freshName("ops"), config().build())) {
            Lsn l1 = s.put(b("a"), b("1"));
            Lsn l2 = s.putAll(List.of(new KvEntry(b("b"), b("2")), new KvEntry(b("c"), b("3")), new KvEntry(b("b"), b("2b"))));
            assertThat(l2).isGreaterThan(l1);
            assertThat(s.lastAppliedLsn()).isEqualTo(l2);
            assertThat(s(s.get(b("b")))).as("later entry for the same key wins").isEqualTo("2b");
            assertThat(s.getAll(List.of(b("a"), b("zz"), b("c")))).extracting(Bytes::s).containsExactly("1", null, "3");
            s.delete(b("a"));
            assertThat(s.get(b("a"))).isNull();
            s.deleteAll(List.of(b("b"), b("nope")));
            assertThat(contents(s)).containsExactly(Map.entry("c", "3"));
            assertThat(s.keyCount()).isEqualTo(1);
            // KvStore.putAll takes a Map<byte[], byte[]>: keyed by these arrays themselves, in this order.
            @SuppressWarnings("ArrayAsKeyOfSetOrMap")
            Map<byte[], byte[]> m = new LinkedHashMap<>();
            m.put(b("m1"), b("x"));
            m.put(b("m2"), b("y"));
            s.putAll(m);
            assertThat(s.keyCount()).isEqualTo(3);
        }
    }

    @Test
    void returnedAndGivenArraysAreNotShared() {
        try (KvStore s = kv.open(freshName("copy"), config().build())) {
            byte[] k = b("k");
            byte[] v = b("v1");
            s.put(k, v);
            v[0] = 'X';
            k[0] = 'X';
            byte[] got = s.get(b("k"));
            assertThat(s(got)).isEqualTo("v1");
            got[0] = 'Y';
            assertThat(s(s.get(b("k")))).isEqualTo("v1");
        }
    }

    @Test
    void rangeAllAndSnapshotIterateInUnsignedKeyOrder() {
        try (KvStore s = kv.open(freshName("iter"), config().build())) {
            for (String k : List.of("b", "a", "ab", "c", "d")) {
                s.put(b(k), b(k.toUpperCase(Locale.ROOT)));
            }
            s.put(new byte[] {(byte) 0xf0}, b("HIGH"));
            List<String> keys = new ArrayList<>();
            try (KvIterator it = s.range(b("a"), b("c"))) {
                it.forEachRemaining(e -> keys.add(s(e.key())));
            }
            assertThat(keys).containsExactly("a", "ab", "b");
            keys.clear();
            try (KvIterator it = s.range(b("c"), null)) {
                it.forEachRemaining(e -> keys.add(s(e.key())));
            }
            assertThat(keys).as("open upper bound").containsExactly("c", "d", "\uFFFD");
            keys.clear();
            try (KvIterator it = s.range(null, b("ab"))) {
                it.forEachRemaining(e -> keys.add(s(e.key())));
            }
            assertThat(keys).as("open lower bound").containsExactly("a");
            assertThat(contents(s)).hasSize(6);
            try (KvSnapshot snap = s.snapshot(b("a"), b("z"))) {
                Lsn at = snap.lsn();
                s.put(b("aa"), b("new"));
                s.delete(b("b"));
                for (int round = 0; round < 2; round++) {
                    List<String> seen = new ArrayList<>();
                    try (KvIterator it = snap.iterator()) {
                        it.forEachRemaining(e -> seen.add(s(e.key()) + "=" + s(e.value())));
                    }
                    assertThat(seen).containsExactly("a=A", "ab=AB", "b=B", "c=C", "d=D");
                }
                assertThat(snap.lsn()).isEqualTo(at);
            }
            assertThat(contents(s)).containsKeys("aa").doesNotContainKey("b");
        }
    }

    @Test
    void transactionsReadTheirOwnWritesAndCommitAtomically() {
        try (KvStore s = kv.open(freshName("txn"), config().build())) {
            s.put(b("from"), b("100"));
            s.put(b("to"), b("0"));
            Txn t = s.begin();
            assertThat(t.state()).isEqualTo(Txn.State.OPEN);
            t.put(b("from"), b("60")).put(b("to"), b("40")).delete(b("ghost"));
            assertThat(s(t.get(b("from")))).isEqualTo("60");
            assertThat(s(s.get(b("from")))).as("not visible before commit").isEqualTo("100");
            t.delete(b("to"));
            assertThat(t.get(b("to"))).isNull();
            t.put(b("to"), b("40"));
            assertThat(t.size()).isEqualTo(3);
            Lsn lsn = t.commit();
            assertThat(t.state()).isEqualTo(Txn.State.COMMITTED);
            assertThat(s.lastAppliedLsn()).isEqualTo(lsn);
            assertThat(contents(s)).containsExactly(Map.entry("from", "60"), Map.entry("to", "40"));
        }
    }

    @Test
    void transactionStateIsGuarded() {
        try (KvStore s = kv.open(freshName("state"), config().build())) {
            Txn aborted = s.begin();
            aborted.put(b("x"), b("1"));
            aborted.abort();
            assertThat(aborted.state()).isEqualTo(Txn.State.ABORTED);
            aborted.abort(); // idempotent
            assertThatThrownBy(() -> aborted.put(b("y"), b("1")))
                    .isInstanceOf(IllegalStateException.class).hasMessage("cannot put: transaction is ABORTED, expected OPEN");
            assertThatThrownBy(aborted::commit).hasMessage("cannot commit: transaction is ABORTED, expected OPEN");
            assertThat(s.get(b("x"))).isNull();

            Txn committed = s.begin();
            committed.put(b("x"), b("1")).commit();
            assertThatThrownBy(() -> committed.get(b("x"))).hasMessage("cannot get: transaction is COMMITTED, expected OPEN");
            assertThatThrownBy(committed::abort).hasMessage("cannot abort: transaction is COMMITTED, expected OPEN");

            try (Txn closedUnused = s.begin()) {
                closedUnused.put(b("never"), b("1"));
            }
            assertThat(s.get(b("never"))).isNull();
            Lsn before = s.lastAppliedLsn();
            assertThat(s.begin().commit()).as("empty transaction writes nothing").isEqualTo(before);
        }
    }

    @Test
    void asyncCommitsCompleteInLogOrder() {
        try (KvStore s = kv.open(freshName("async"), config().build())) {
            List<CompletableFuture<Lsn>> fs = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                fs.add(s.putAsync(b(String.format("k%05d", i)), b("v" + i)));
            }
            Lsn prev = Lsn.NONE;
            for (CompletableFuture<Lsn> f : fs) {
                Lsn l = f.join();
                assertThat(l).isGreaterThan(prev);
                prev = l;
            }
            assertThat(s.keyCount()).isEqualTo(2000);
            assertThat(s.lastAppliedLsn()).isEqualTo(prev);
        }
    }

    @Test
    void typedViewUsesSerdes() {
        try (KvStore s = kv.open(freshName("typed"), config().build())) {
            TypedStore<String, Long> scores = s.typed(Serdes.string(), Serdes.longs());
            scores.put("acct-1", 930L);
            scores.putAll(Map.of("acct-2", -5L, "acct-3", 12L));
            assertThat(scores.get("acct-2")).isEqualTo(-5L);
            assertThat(scores.getAll(List.of("acct-3", "none", "acct-1"))).containsExactly(Map.entry("acct-3", 12L), Map.entry("acct-1", 930L));
            try (TypedStore<String, Long>.TypedTxn t = scores.begin()) {
                t.update("acct-1", v -> v - 30);
                t.update("acct-2", v -> v + 30);
                t.commit();
            }
            assertThat(scores.get("acct-1")).isEqualTo(900L);
            List<String> keys = new ArrayList<>();
            try (TypedStore<String, Long>.Iterator it = scores.range("acct-1", "acct-3")) {
                it.forEachRemaining(e -> keys.add(e.key() + "=" + e.value()));
            }
            assertThat(keys).containsExactly("acct-1=900", "acct-2=25");

            // Conditional writes and ttl through the typed view.
            Lsn v1 = scores.version("acct-1");
            assertThat(v1).isNotNull();
            assertThat(scores.version("none")).isNull();
            scores.replace("acct-1", v1, 901L);
            assertThatThrownBy(() -> scores.replace("acct-1", v1, 0L)).isInstanceOf(ConditionFailedException.class);
            assertThatThrownBy(() -> scores.putIfAbsent("acct-1", 0L)).isInstanceOf(ConditionFailedException.class);
            scores.putIfAbsent("acct-9", 9L);
            scores.delete("acct-9", scores.version("acct-9"));
            assertThat(scores.get("acct-9")).isNull();
            scores.put("session", 1L, Duration.ofHours(1));
            assertThat(s.getWithVersion(b("session")).expiresAt()).isPresent();
            assertThat(scores.get("acct-1")).isEqualTo(901L);
        }
        try (KvStore s = kv.open(freshName("typed-long"), config().build())) {
            TypedStore<Long, String> byNumber = s.typed(Serdes.longs(), Serdes.string());
            byNumber.put(-1L, "neg");
            byNumber.put(5L, "pos");
            List<Long> order = new ArrayList<>();
            try (TypedStore<Long, String>.Iterator it = byNumber.range(Long.MIN_VALUE, Long.MAX_VALUE)) {
                it.forEachRemaining(e -> order.add(e.key()));
            }
            assertThat(order).as("long serde sorts numerically").containsExactly(-1L, 5L);
        }
    }

    @Test
    void flushPublishesExactStatsAndStatusShowsTheLedgers() {
        String name = freshName("stats");
        try (KvStore s = kv.open(name, config().build())) {
            for (int i = 0; i < 50; i++) {
                var unused = s.putAsync(b("k" + i), b("v")); // flush() below waits for them
            }
            s.delete(b("k7"));
            s.flush();
            StoreStatus st = kv.status(name);
            assertThat(st.stats().keyCount()).isEqualTo(49);
            assertThat(st.stats().lastLsn()).isEqualTo(s.lastAppliedLsn().toString());
            assertThat(st.stats().logicalBytes()).isPositive();
            assertThat(st.ledgers()).hasSize(1);
            assertThat(st.ledgers().get(0).state()).isEqualTo("OPEN");
            assertThat(st.ledgers().get(0).fragments().get(0).ensemble()).hasSize(3);
            assertThat(st.availableBookies()).hasSize(3);
            assertThat(st.epoch()).isEqualTo(1);
            assertThat(st.owner()).contains("epoch 1");
            assertThat(st.meta()).containsEntry("ackQuorum", 2).doesNotContainKey("ledgerPassword");
        }
        StoreStatus after = kv.status(name);
        assertThat(after.ledgers().get(0).state()).isEqualTo("CLOSED");
        assertThat(after.owner()).isNull();
        assertThat(kv.listStores()).contains(name);
        assertThat(kv.exists(name)).isTrue();
    }

    @Test
    void readOnlyHandleSeesCommittedStateWithoutFencing() {
        String name = freshName("ro");
        try (KvStore w = kv.open(name, config().build())) {
            w.put(b("a"), b("1"));
            w.put(b("b"), b("2"));
            try (KvStore r = kv.openReadOnly(name, config().build())) {
                assertThat(r.isReadOnly()).isTrue();
                // BookKeeper's last-add-confirmed trails the writer by one entry until the next add
                assertThat(s(r.get(b("a")))).isEqualTo("1");
                assertThatThrownBy(() -> r.put(b("c"), b("3"))).isInstanceOf(ReadOnlyStoreException.class)
                        .hasMessageContaining(name);
            }
            w.put(b("c"), b("3")); // the writer is not fenced by the reader
            assertThat(kv.status(name).epoch()).isEqualTo(1);
        }
    }

    @Test
    void largeTransactionsSpanSeveralEntriesAndSurviveReopen() {
        String name = freshName("large");
        var cfg = config().maxBatchBytes(4096).build();
        byte[] big = Bytes.filled(50_000, 3);
        Lsn lsn;
        try (KvStore s = kv.open(name, cfg)) {
            s.put(b("small-before"), b("1"));
            Txn t = s.begin();
            t.put(b("big-1"), big).put(b("big-2"), big);
            lsn = t.commit();
            s.put(b("small-after"), b("2"));
            assertThat(s.get(b("big-2"))).isEqualTo(big);
        }
        try (KvStore s = kv.open(name, cfg)) {
            assertThat(s.get(b("big-1"))).isEqualTo(big);
            assertThat(s.get(b("big-2"))).isEqualTo(big);
            assertThat(contents(s)).containsKeys("small-before", "small-after");
            assertThat(((BookKeeperStore) s).replayStats().entries()).as("~100 KiB in 4 KiB entries").isGreaterThan(20);
            assertThat(s.lastAppliedLsn()).isGreaterThan(lsn);
        }
    }

    /**
     * Decided for issue 19: an empty key and an empty value are ordinary (Samza's stores and RocksDB
     * accept both); an empty value reads back as zero bytes, never as null (null means absent), also
     * after a reopen.
     */
    @Test
    void emptyKeysAndEmptyValuesAreOrdinaryAndAnEmptyValueIsNotAbsent() {
        String name = freshName("empty");
        try (KvStore s = kv.open(name, config().build())) {
            s.put(new byte[0], b("under the empty key"));
            s.put(b("k"), new byte[0]);
            assertThat(s.get(new byte[0])).isEqualTo(b("under the empty key"));
            assertThat(s.get(b("k"))).isNotNull().isEmpty();
            assertThat(s.get(b("absent"))).isNull();
        }
        try (KvStore s = kv.open(name, config().build())) {
            assertThat(s.get(b("k"))).isNotNull().isEmpty();
            assertThat(contents(s)).containsExactly(Map.entry("", "under the empty key"), Map.entry("k", ""));
        }
    }
}
