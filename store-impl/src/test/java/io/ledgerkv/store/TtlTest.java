package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ConditionFailedException;
import io.ledgerkv.api.KvSnapshot;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.ManualClock;
import io.ledgerkv.api.Progress;
import io.ledgerkv.api.StandbyStore;
import io.ledgerkv.api.Txn;
import io.ledgerkv.api.VersionedValue;
import io.ledgerkv.testing.Bytes;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.txn.WriterHooks;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time to live on a real cluster, driven by a {@link ManualClock}: an expired key is absent to
 * every read at once, the writer deletes it through an ordinary WAL delete (so a standby sees it go
 * at the same LSN), expiry follows the writer's clock recorded in the WAL and not a reader's, and
 * expiry times survive crash + replay, a reopen from a checkpoint and a backup + restore exactly.
 */
class TtlTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static ClientConfig withClock(ManualClock clock) {
        return CLUSTER.clientConfig().clock(clock).build();
    }

    @Test
    void anExpiredKeyIsAbsentToEveryReadAtOnce() {
        ManualClock clock = new ManualClock(T0);
        try (KvStore store = CLUSTER.connect(withClock(clock)).open(freshName("ttl"), config().build())) {
            store.put(b("a"), b("1"), Duration.ofSeconds(10));
            store.put(b("b"), b("2"), Duration.ofSeconds(20));
            store.put(b("c"), b("3"));
            VersionedValue a = store.getWithVersion(b("a"));
            assertThat(a.expiresAt()).contains(T0.plusSeconds(10));
            assertThat(store.getWithVersion(b("c")).expiresAt()).isEmpty();
            KvSnapshot before = store.snapshot(null, null);

            clock.advance(Duration.ofMillis(9_999));
            assertThat(s(store.get(b("a")))).as("one millisecond before expiry").isEqualTo("1");
            clock.advance(Duration.ofMillis(1));
            assertThat(store.get(b("a"))).isNull();
            assertThat(store.getWithVersion(b("a"))).isNull();
            assertThat(store.getAll(List.of(b("a"), b("b")))).extracting(Bytes::s).containsExactly(null, "2");
            assertThat(contents(store)).isEqualTo(Map.of("b", "2", "c", "3"));
            assertThat(store.count()).isEqualTo(2);
            assertThat(store.count(b("a"), b("b\0"))).isEqualTo(1);
            assertThat(store.prefixScan(b("a")).hasNext()).isFalse();
            try (var it = store.reverseAll()) {
                assertThat(s(it.next().key())).isEqualTo("c");
                assertThat(s(it.next().key())).isEqualTo("b");
                assertThat(it.hasNext()).isFalse();
            }
            try (Txn t = store.begin()) {
                assertThat(t.get(b("a"))).as("a transaction reads the same state").isNull();
            }
            try (var it = before.iterator()) {
                assertThat(it.next().key()).as("a snapshot pinned before expiry keeps its state").isEqualTo(b("a"));
            }
            before.close();

            // Conditions and counters see an expired key as absent.
            assertThatThrownBy(() -> store.replace(b("a"), a.version(), b("x"))).isInstanceOf(ConditionFailedException.class)
                    .hasMessageContaining("seen no value");
            store.put(b("n"), ByteBuffer.allocate(8).putLong(41).array(), Duration.ofSeconds(5));
            assertThat(store.increment(b("n"), 1)).isEqualTo(42);
            clock.advance(Duration.ofSeconds(5));
            assertThat(store.get(b("n"))).as("an increment keeps no ttl").isNotNull();
            store.put(b("m"), ByteBuffer.allocate(8).putLong(41).array(), Duration.ofSeconds(5));
            clock.advance(Duration.ofSeconds(5));
            assertThat(store.increment(b("m"), 1)).as("an expired counter counts from 0").isEqualTo(1);
            Lsn reput = store.putIfAbsent(b("a"), b("again"));
            assertThat(store.getWithVersion(b("a")).version()).isEqualTo(reput);
            assertThat(store.getWithVersion(b("a")).expiresAt()).as("a put without ttl keeps the key for good").isEmpty();
        }
    }

    @Test
    void theWriterDeletesExpiredKeysThroughTheWalAndAStandbyFollowsTheLogsClock() {
        ManualClock clock = new ManualClock(T0);
        String name = freshName("ttl-reap");
        DefaultLedgerKv kv = CLUSTER.connect(withClock(clock));
        BookKeeperStore store = kv.open(name, config().build(), WriterHooks.NONE);
        store.put(b("a"), b("1"), Duration.ofSeconds(10));
        store.put(b("b"), b("2"), Duration.ofSeconds(10));
        store.put(b("c"), b("3"));
        // The standby's own clock is a year ahead: expiry must follow the writer's clock in the WAL.
        ManualClock standbyClock = new ManualClock(T0.plus(Duration.ofDays(365)));
        try (StandbyStore standby = CLUSTER.connect(withClock(standbyClock)).openStandby(name, config().build())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> standby.lastAppliedLsn().equals(store.lastAppliedLsn()));
            assertThat(contents(standby)).as("the standby's clock does not expire anything").containsOnlyKeys("a", "b", "c");

            assertThat(store.reapExpired().join()).as("nothing due yet").isZero();
            Lsn beforeReap = store.lastAppliedLsn();
            clock.advance(Duration.ofSeconds(10));
            // Whether the periodic reaper or this call gets there first, the keys go in a WAL delete.
            store.reapExpired().join();
            await().atMost(Duration.ofSeconds(30)).until(() -> store.lastAppliedLsn().compareTo(beforeReap) > 0);
            assertThat(store.keyCount()).isEqualTo(1);
            assertThat(store.reapExpired().join()).as("nothing left to reap").isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> standby.lastAppliedLsn().equals(store.lastAppliedLsn()));
            assertThat(contents(standby)).as("the standby saw the writer's delete").isEqualTo(Map.of("c", "3"));
            assertThat(standby.keyCount()).isEqualTo(1);
        }
        store.close();
    }

    @Test
    void theReaperRunsOnItsOwn() {
        ManualClock clock = new ManualClock(T0);
        String name = freshName("ttl-periodic");
        try (BookKeeperStore store = CLUSTER.connect(withClock(clock)).open(name,
                config().statsInterval(Duration.ofMillis(50)).build(), WriterHooks.NONE);
             StandbyStore standby = CLUSTER.connect(withClock(clock)).openStandby(name, config().build())) {
            store.put(b("a"), b("1"), Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(30)).until(() -> standby.get(b("a")) != null);
            clock.advance(Duration.ofSeconds(1));
            // Nothing else is written: only the writer's own delete can move the standby's log time.
            await().atMost(Duration.ofSeconds(30)).until(() -> standby.get(b("a")) == null);
            assertThat(standby.keyCount()).isZero();
        }
    }

    @Test
    void aKeyRewrittenAfterItExpiredIsNotReaped() {
        ManualClock clock = new ManualClock(T0);
        try (BookKeeperStore store = CLUSTER.connect(withClock(clock)).open(freshName("ttl-rewrite"), config().build(),
                WriterHooks.NONE)) {
            store.put(b("a"), b("old"), Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(2));
            store.put(b("a"), b("new"), Duration.ofSeconds(60));
            assertThat(store.reapExpired().join()).isZero();
            assertThat(s(store.get(b("a")))).isEqualTo("new");
        }
    }

    @Test
    void expiryTimesSurviveACrashAReopenFromACheckpointAndABackup(@TempDir Path dir) {
        ManualClock clock = new ManualClock(T0);
        String name = freshName("ttl-durable");
        DefaultLedgerKv kv = CLUSTER.connect(withClock(clock));
        BookKeeperStore store = kv.open(name, config().build(), WriterHooks.NONE);
        store.put(b("short"), b("1"), Duration.ofSeconds(10));
        store.put(b("long"), b("2"), Duration.ofSeconds(100));
        store.put(b("forever"), b("3"));
        kv.crash(); // no flush, no close

        DefaultLedgerKv kv2 = CLUSTER.connect(withClock(clock));
        try (BookKeeperStore reopened = kv2.open(name, config().build(), WriterHooks.NONE)) {
            assertThat(reopened.getWithVersion(b("short")).expiresAt()).contains(T0.plusSeconds(10));
            assertThat(reopened.getWithVersion(b("long")).expiresAt()).contains(T0.plusSeconds(100));
            clock.advance(Duration.ofSeconds(10));
            assertThat(reopened.get(b("short"))).as("replayed expiry holds").isNull();
            reopened.checkpoint();
        }
        try (BookKeeperStore fromCheckpoint = CLUSTER.connect(withClock(clock)).open(name, config().build(), WriterHooks.NONE)) {
            assertThat(fromCheckpoint.replayStats().checkpointId()).isPositive();
            assertThat(fromCheckpoint.get(b("short"))).isNull();
            assertThat(fromCheckpoint.getWithVersion(b("long")).expiresAt()).contains(T0.plusSeconds(100));
            assertThat(fromCheckpoint.count()).isEqualTo(2);
        }
        // A read-only view with a far-future clock still judges expiry by the log's time.
        ClientConfig farFuture = CLUSTER.clientConfig().clock(new ManualClock(T0.plus(Duration.ofDays(3650)))).build();
        try (KvStore view = CLUSTER.connect(farFuture).openReadOnly(name, config().build())) {
            assertThat(contents(view)).containsOnlyKeys("long", "forever");
        }

        Path file = dir.resolve("ttl.lkvb");
        kv2.backup(name, config().build(), AsOf.latest(), file, Progress.NONE);
        String copy = name + "-copy";
        DefaultLedgerKv kv3 = CLUSTER.connect(withClock(clock));
        kv3.restore(file, copy, config().build(), false, Progress.NONE);
        try (KvStore restored = kv3.open(copy, config().build())) {
            assertThat(restored.getWithVersion(b("long")).expiresAt()).as("a backup keeps expiry times").contains(T0.plusSeconds(100));
            assertThat(restored.count()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(90));
            assertThat(contents(restored)).isEqualTo(Map.of("forever", "3"));
        }
    }

    @Test
    void aZeroNegativeOrMissingTtlIsRefusedAndNothingIsWritten() {
        try (KvStore store = CLUSTER.connect().open(freshName("ttl-bad"), config().build())) {
            Lsn before = store.lastAppliedLsn();
            assertThatThrownBy(() -> store.put(b("k"), b("v"), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("put: ttl must be > 0, got PT0S");
            assertThatThrownBy(() -> store.put(b("k"), b("v"), Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ttl must be > 0");
            assertThatThrownBy(() -> store.put(b("k"), b("v"), (Duration) null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("ttl must not be null");
            assertThatThrownBy(() -> store.put(b("k"), b("v"), Duration.ofSeconds(Long.MAX_VALUE / 1000)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("past the end of time");
            assertThatThrownBy(() -> store.put(b("k"), b("v"), Duration.ofSeconds(Long.MAX_VALUE)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("past the end of time");
            try (Txn t = store.begin()) {
                t.put(b("k"), b("kept"));
                assertThatThrownBy(() -> t.put(b("k"), b("v"), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
                assertThat(s(t.get(b("k")))).as("the refused put left the transaction as it was").isEqualTo("kept");
            }
            assertThat(store.lastAppliedLsn()).as("nothing was written").isEqualTo(before);
            assertThat(store.get(b("k"))).isNull();
        }
    }
}
