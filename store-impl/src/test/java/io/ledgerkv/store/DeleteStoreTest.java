package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.txn.WriterHooks;
import org.junit.jupiter.api.Test;

/**
 * Deleting a store deletes every ledger it owned (WAL ledgers, checkpoint ledgers) and its
 * metadata, and touches no other store's; on the simulated cluster, which can list every ledger.
 */
class DeleteStoreTest extends SimClusterFixture {
    @Test
    void deletingAStoreDeletesEveryLedgerItOwnedAndNoOtherStoresLedgers() {
        StoreConfig cfg = StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0)
                .checkpointRetention(2).build();
        try (DefaultLedgerKv c = connect()) {
            BookKeeperStore other = c.open("other", cfg, WriterHooks.NONE);
            other.put(b("k"), b("v"));
            other.close();
            var otherLedgers = cluster.bookKeeper().ledgerIds();

            BookKeeperStore s = c.open("doomed", cfg, WriterHooks.NONE);
            s.put(b("a"), b("1"));
            s.checkpoint();
            s.put(b("b"), b("2"));
            s.checkpoint();
            s.close();
            s = c.open("doomed", cfg, WriterHooks.NONE); // a second WAL ledger
            s.put(b("c"), b("3"));
            s.close();
            assertThat(cluster.bookKeeper().ledgerIds()).hasSizeGreaterThan(otherLedgers.size() + 3);

            c.deleteStore("doomed", cfg);
            assertThat(c.exists("doomed")).isFalse();
            assertThat(c.listStores()).containsExactly("other");
            assertThat(cluster.bookKeeper().ledgerIds()).as("only the other store's ledgers are left")
                    .containsExactlyInAnyOrderElementsOf(otherLedgers);
            try (var r = c.openReadOnly("other", cfg)) {
                assertThat(r.get(b("k"))).isEqualTo(b("v"));
            }
        }
    }

    @Test
    void aDeleteWithTheWrongPasswordIsRefusedAndDeletesNothing() {
        StoreConfig cfg = StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0).build();
        StoreConfig wrong = cfg.toBuilder().ledgerPassword("not-the-password").build();
        try (DefaultLedgerKv c = connect()) {
            try (BookKeeperStore s = c.open("kept", cfg, WriterHooks.NONE)) {
                s.put(b("k"), b("v"));
                s.checkpoint();
            }
            var ledgers = cluster.bookKeeper().ledgerIds();
            long epoch = c.status("kept").epoch();
            assertThatThrownBy(() -> c.deleteStore("kept", wrong))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("the store was not deleted");
            assertThat(cluster.bookKeeper().ledgerIds()).isEqualTo(ledgers);
            assertThat(c.status("kept").epoch()).as("nobody was fenced").isEqualTo(epoch);
            try (var r = c.openReadOnly("kept", cfg)) {
                assertThat(r.get(b("k"))).isEqualTo(b("v"));
            }
        }
    }

    @Test
    void aLiveWriterIsFencedByTheDelete() {
        StoreConfig cfg = StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0).build();
        try (DefaultLedgerKv w = connect();
             DefaultLedgerKv c = connect()) {
            BookKeeperStore s = w.open("doomed", cfg, WriterHooks.NONE);
            s.put(b("k"), b("v"));
            c.deleteStore("doomed", cfg);
            assertThatThrownBy(() -> s.put(b("late"), b("v"))).as("its ledger was fenced before the delete")
                    .isInstanceOf(LedgerKvException.class);
            s.close();
            assertThat(c.exists("doomed")).isFalse();
            assertThat(cluster.bookKeeper().ledgerIds()).isEmpty();
        }
    }
}
