package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.LimitExceededException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreNotFoundException;
import io.ledgerkv.api.Txn;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.testing.LedgerInjector;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every bad input gets an exception that names the problem, and the store is left exactly as it was. */
class BadInputTest {
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

    private static KvStore seeded(StoreConfig cfg) {
        KvStore s = kv.open(freshName("bad"), cfg);
        s.put(b("existing"), b("value"));
        return s;
    }

    private static void assertUntouched(KvStore s, Lsn before) {
        assertThat(s.lastAppliedLsn()).isEqualTo(before);
        assertThat(contents(s)).containsExactly(Map.entry("existing", "value"));
    }

    @Test
    void nullKeysAndValuesAreRefusedByOperation() {
        try (KvStore s = seeded(config().build())) {
            Lsn before = s.lastAppliedLsn();
            assertThatThrownBy(() -> s.put(null, b("v"))).isInstanceOf(NullPointerException.class).hasMessage("put: key must not be null");
            assertThatThrownBy(() -> s.put(b("k"), null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("put: value must not be null (use delete to remove a key)");
            assertThatThrownBy(() -> s.get(null)).hasMessage("get: key must not be null");
            assertThatThrownBy(() -> s.delete(null)).hasMessage("delete: key must not be null");
            assertThatThrownBy(() -> s.putAll(List.of(new KvEntry(b("ok"), b("1")), new KvEntry(b("k"), null))))
                    .hasMessage("putAll entry #1: value must not be null (use delete to remove a key)");
            assertThatThrownBy(() -> s.deleteAll(Arrays.asList(b("ok"), null))).hasMessage("deleteAll key #1: key must not be null");
            assertThatThrownBy(() -> s.getAll(Arrays.asList(b("ok"), null))).hasMessage("getAll: key #1 must not be null");
            Txn t = s.begin();
            assertThatThrownBy(() -> t.put(b("k"), null)).hasMessage("put: value must not be null (use delete to remove a key)");
            assertThatThrownBy(() -> t.delete(null)).hasMessage("delete: key must not be null");
            t.put(b("ok"), b("1"));
            t.abort();
            assertUntouched(s, before);
        }
    }

    @Test
    void oversizedKeysValuesAndTransactionsAreRefusedWithTheLimitNamed() {
        StoreConfig cfg = config().maxKeyBytes(16).maxValueBytes(100).maxTxnBytes(1000).build();
        try (KvStore s = seeded(cfg)) {
            Lsn before = s.lastAppliedLsn();
            assertThatThrownBy(() -> s.put(new byte[17], b("v")))
                    .isInstanceOf(LimitExceededException.class)
                    .hasMessage("put: key is 17 bytes, over the limit maxKeyBytes=16; nothing was written");
            assertThatThrownBy(() -> s.put(b("k"), new byte[101]))
                    .isInstanceOf(LimitExceededException.class)
                    .hasMessage("put: value is 101 bytes, over the limit maxValueBytes=100; nothing was written");
            List<KvEntry> tooMany = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                tooMany.add(new KvEntry(b("k" + i), new byte[90]));
            }
            assertThatThrownBy(() -> s.putAll(tooMany))
                    .isInstanceOf(LimitExceededException.class).hasMessageContaining("maxTxnBytes=1000");
            Txn t = s.begin();
            for (int i = 0; i < 10; i++) {
                t.put(b("t" + i), new byte[90]); // 95 bytes each once encoded: 955 with the count
            }
            assertThatThrownBy(() -> t.put(b("one-too-many"), new byte[90]))
                    .isInstanceOf(LimitExceededException.class)
                    .satisfies(e -> assertThat(((LimitExceededException) e).limit()).isEqualTo("maxTxnBytes"));
            assertThat(t.state()).as("a refused write leaves the transaction usable").isEqualTo(Txn.State.OPEN);
            assertThat(t.size()).isEqualTo(10);
            t.abort();
            assertUntouched(s, before);
        }
    }

    @Test
    void readOnlyOpenOfAnUnknownStoreNamesIt() {
        assertThatThrownBy(() -> kv.openReadOnly("no-such-store", config().build()))
                .isInstanceOf(StoreNotFoundException.class)
                .hasMessage("store 'no-such-store' does not exist in namespace 'default'");
        assertThat(kv.exists("no-such-store")).isFalse();
    }

    @Test
    void badNamesAndMissingConfigAreRefused() {
        assertThatThrownBy(() -> kv.open("bad/name", config().build())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad/name'");
        assertThatThrownBy(() -> kv.open("x", null)).isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> kv.open("x", config().quorum(3, 2, 3).build())).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("ackQuorum");
        assertThat(kv.exists("x")).as("nothing was created").isFalse();
    }

    @Test
    void anUnreachableClusterFailsWithinTheConnectTimeout() throws Exception {
        int deadPort;
        try (ServerSocket ss = new ServerSocket(0)) {
            deadPort = ss.getLocalPort();
        }
        ClientConfig cc = ClientConfig.builder("127.0.0.1:" + deadPort).connectTimeout(Duration.ofSeconds(2)).build();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertThatThrownBy(() -> LedgerKv.connect(cc))
                        .isInstanceOf(ClusterUnavailableException.class)
                        .hasMessageContaining("cannot reach ZooKeeper at 127.0.0.1:" + deadPort)
                        .hasMessageContaining("connectTimeout=2s"));
    }

    @Test
    void aZooKeeperWithoutBookKeeperIsNamedAsSuch() {
        ClientConfig cc = CLUSTER.clientConfig().ledgersRootPath("/not-bookkeeper").build();
        assertThatThrownBy(() -> CLUSTER.connect(cc))
                .isInstanceOf(ClusterUnavailableException.class)
                .hasMessageContaining("no BookKeeper metadata at /not-bookkeeper");
    }

    @Test
    void operationsOnAClosedStoreSayItIsClosed() {
        KvStore s = seeded(config().build());
        s.close();
        s.close(); // idempotent
        assertThatThrownBy(() -> s.put(b("k"), b("v"))).isInstanceOf(StoreClosedException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> s.get(b("k"))).isInstanceOf(StoreClosedException.class);
    }

    /** An entry that is not a valid WAL entry stops replay with the store, ledger and entry named; nothing from it is applied. */
    @Test
    void aCorruptEntryIsReportedWithStoreLedgerAndEntry() throws Exception {
        String name = freshName("corrupt");
        StoreConfig cfg = config().build();
        try (KvStore s = kv.open(name, cfg)) {
            s.put(b("good"), b("1"));
        }
        long badLedger = LedgerInjector.appendLedger(CLUSTER, "default", name, "test-secret",
                b("definitely not a ledgerkv entry, but long enough to have a header......"));
        assertThatThrownBy(() -> kv.openReadOnly(name, cfg))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining("store '" + name + "', ledger " + badLedger + ", entry 0")
                .hasMessageContaining("bad magic");
        assertThat(kv.status(name).epoch()).as("a failed read-only open changes nothing").isEqualTo(1);
    }
}
