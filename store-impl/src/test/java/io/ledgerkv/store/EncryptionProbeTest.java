package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.EncryptionKeyException;
import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.txn.WriterHooks;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An encrypted store opened with a key set that cannot read all of it is refused before anything
 * changes: every WAL ledger in the list is probed (not only the newest few, as for a plain store) and
 * so is the newest checkpoint, before the open claims the epoch, so the live writer is not fenced.
 * On the simulated cluster; the real-cluster suite ({@code EncryptionTest}) writes raw entries through
 * BookKeeper's own client and is skipped there.
 */
class EncryptionProbeTest extends SimClusterFixture {
    private static final EncryptionKeys KEY_1 = EncryptionKeys.of(1, Map.of(1, key(1)));
    private static final EncryptionKeys BOTH_2_ACTIVE = EncryptionKeys.of(2, Map.of(1, key(1), 2, key(2)));
    private static final EncryptionKeys KEY_2 = EncryptionKeys.of(2, Map.of(2, key(2)));

    private static StoreConfig cfg(EncryptionKeys keys) {
        return StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0).checkpointRetention(1)
                .encryption(keys).build();
    }

    @Test
    void aKeyMissingForTheOldestOfManyLedgersIsFoundBeforeTheWriterIsFenced() {
        try (DefaultLedgerKv kv = connect()) {
            try (BookKeeperStore s = kv.open("s", cfg(KEY_1), WriterHooks.NONE)) {
                s.put(b("old"), b("under key 1"));
            }
            long oldLedger = kv.status("s").ledgers().get(0).ledgerId();
            // Three more ledgers under key 2: more than a plain store's probe reads.
            for (int i = 0; i < 3; i++) {
                try (BookKeeperStore s = kv.open("s", cfg(BOTH_2_ACTIVE), WriterHooks.NONE)) {
                    s.put(b("new-" + i), b("under key 2"));
                }
            }
            BookKeeperStore live = kv.open("s", cfg(BOTH_2_ACTIVE), WriterHooks.NONE);
            long epoch = kv.status("s").epoch();
            try (DefaultLedgerKv other = connect()) {
                assertThatThrownBy(() -> other.open("s", cfg(KEY_2), WriterHooks.NONE)).isInstanceOf(EncryptionKeyException.class)
                        .hasMessageContaining("ledger " + oldLedger + " entry 0")
                        .hasMessageContaining("the store was not opened and its writer was not fenced");
            }
            assertThat(kv.status("s").epoch()).as("the live writer keeps its epoch").isEqualTo(epoch);
            live.put(b("still"), b("writing"));
            live.close();
        }
    }

    @Test
    void aKeyMissingForTheNewestCheckpointIsFoundBeforeTheWriterIsFenced() {
        try (DefaultLedgerKv kv = connect()) {
            try (BookKeeperStore s = kv.open("s", cfg(KEY_1), WriterHooks.NONE)) {
                s.put(b("old"), b("under key 1"));
            }
            try (BookKeeperStore s = kv.open("s", cfg(KEY_1), WriterHooks.NONE)) {
                s.checkpoint(); // under key 1; it trims the first ledger, the only WAL written under key 1
            }
            try (BookKeeperStore s = kv.open("s", cfg(BOTH_2_ACTIVE), WriterHooks.NONE)) {
                s.put(b("new"), b("under key 2"));
            }
            int checkpoint = kv.status("s").checkpoints().get(0).id();
            try (DefaultLedgerKv plain = connect()) {
                // Every WAL ledger left in the list reads with key 2 alone: only the checkpoint needs key 1.
                for (var l : kv.status("s").ledgers()) {
                    assertThat(WalInspector.dump(plain, "s", cfg(KEY_2), l.ledgerId(), false, r -> { })).isZero();
                }
            }
            long epoch = kv.status("s").epoch();
            assertThatThrownBy(() -> kv.open("s", cfg(KEY_2), WriterHooks.NONE)).isInstanceOf(EncryptionKeyException.class)
                    .hasMessageContaining("checkpoint " + checkpoint + " (ledger ")
                    .hasMessageContaining("the store was not opened and its writer was not fenced");
            assertThat(kv.status("s").epoch()).isEqualTo(epoch);
            try (var r = kv.openReadOnly("s", cfg(BOTH_2_ACTIVE))) {
                assertThat(r.get(b("old"))).isEqualTo(b("under key 1"));
                assertThat(r.get(b("new"))).isEqualTo(b("under key 2"));
            }
        }
    }
}
