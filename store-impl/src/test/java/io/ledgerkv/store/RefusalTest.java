package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static io.ledgerkv.testing.TestStores.freshName;
import static io.ledgerkv.testing.TestStores.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.EncryptionKeyException;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.testing.ClusterExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests that cannot succeed are refused before they change anything (issue 19): a deletion with
 * the wrong password or keys, an open whose quorum the cluster cannot serve; and a store whose first
 * open failed does not exist afterwards.
 */
class RefusalTest {
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
    void aWrongPasswordDeletesNothing() {
        String name = freshName("nodelete");
        try (KvStore s = kv.open(name, config().build())) {
            s.put(b("k"), b("v"));
            assertThatThrownBy(() -> kv.deleteStore(name, config().ledgerPassword("wrong").build()))
                    .isInstanceOf(LedgerKvException.class)
                    .hasMessageContaining("ledger password")
                    .hasMessageContaining("the store was not deleted");
            assertThat(kv.exists(name)).isTrue();
            s.put(b("k2"), b("v2")); // the writer was not fenced either
        }
        try (KvStore s = kv.openReadOnly(name, config().build())) {
            assertThat(contents(s)).containsExactly(Map.entry("k", "v"), Map.entry("k2", "v2"));
        }
        kv.deleteStore(name, config().build());
        assertThat(kv.exists(name)).isFalse();
    }

    @Test
    void keysThatDoNotReadTheStoreDeleteNothing() {
        String name = freshName("nodelete-keys");
        StoreConfig cfg = config().encryption(keys(1)).build();
        try (KvStore s = kv.open(name, cfg)) {
            s.put(b("k"), b("v"));
        }
        assertThatThrownBy(() -> kv.deleteStore(name, config().encryption(keys(2)).build()))
                .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("the store was not deleted");
        assertThatThrownBy(() -> kv.deleteStore(name, config().build()))
                .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("the store was not deleted");
        try (KvStore s = kv.openReadOnly(name, cfg)) {
            assertThat(contents(s)).containsExactly(Map.entry("k", "v"));
        }
    }

    @Test
    void aQuorumTheClusterCannotServeNeitherFencesTheWriterNorWaits() {
        String name = freshName("quorum");
        try (KvStore live = kv.open(name, config().build()); LedgerKv other = CLUSTER.connect()) {
            live.put(b("k"), b("v"));
            Throwable refused = catchThrowable(() -> other.open(name, config().quorum(4, 3, 2).build()));
            // The live writer first: before the fix the failed open had claimed the epoch, and this put
            // failed with StoreFencedException whatever the open's error said.
            live.put(b("k2"), b("v2"));
            assertThat(contents(live)).containsExactly(Map.entry("k", "v"), Map.entry("k2", "v2"));
            assertThat(refused).isInstanceOf(ClusterUnavailableException.class)
                    .hasMessageContaining("ensembleSize 4 needs 4 writable bookies, the cluster has 3")
                    .hasMessageContaining("its writer was not fenced"); // checked up front, not after BookKeeper's timeouts
        }
    }

    @Test
    void aStoreWhoseFirstOpenFailedDoesNotExist() {
        String name = freshName("never");
        assertThatThrownBy(() -> kv.open(name, config().quorum(4, 3, 2).build())).isInstanceOf(ClusterUnavailableException.class);
        assertThat(kv.exists(name)).isFalse();
        assertThat(kv.listStores()).doesNotContain(name);
        try (KvStore s = kv.open(name, config().build())) { // and the name is free to use
            s.put(b("k"), b("v"));
        }
    }
}
