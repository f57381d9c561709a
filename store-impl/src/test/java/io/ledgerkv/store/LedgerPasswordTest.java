package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.contains;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.Json;
import io.ledgerkv.meta.LedgerList;
import io.ledgerkv.meta.LedgerRef;
import io.ledgerkv.meta.ZkLayout;
import io.ledgerkv.testing.ClusterExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.apache.bookkeeper.client.BookKeeper;
import org.apache.bookkeeper.client.LedgerEntry;
import org.apache.bookkeeper.client.LedgerHandle;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The configured ledger secret never reaches ZooKeeper: BookKeeper stores each ledger's password
 * in the ledger's metadata znode, so ledgerkv creates ledgers with a password derived per store
 * (HMAC-SHA256 of {@code namespace/store} under the secret). Ledgers written with the secret itself,
 * before that, stay readable.
 */
class LedgerPasswordTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private static final String SECRET = "s3cret-that-must-stay-out-of-zookeeper";

    private static BookKeeper bookKeeper() throws Exception {
        return BookKeeper.forConfig(new ClientConfiguration().setMetadataServiceUri(CLUSTER.metadataServiceUri())).build();
    }

    private static void collect(CuratorFramework zk, String path, List<byte[]> out) throws Exception {
        byte[] data = zk.getData().forPath(path);
        if (data != null) {
            out.add(data);
        }
        for (String child : zk.getChildren().forPath(path)) {
            collect(zk, (path.equals("/") ? "" : path) + "/" + child, out);
        }
    }


    @Test
    void noZnodeHoldsTheSecretAndEachStoreHasItsOwnLedgerPassword() throws Exception {
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        try (DefaultLedgerKv kv = CLUSTER.connect()) {
            for (String store : List.of("pw-a", "pw-b")) {
                try (KvStore s = kv.open(store, config().ledgerPassword(SECRET).build())) {
                    s.put(b("k"), b("v"));
                    s.checkpoint();
                    s.put(b("k2"), b("v2"));
                }
            }
            long ledgerA = kv.status("pw-a").ledgers().get(0).ledgerId();
            long ledgerB = kv.status("pw-b").ledgers().get(0).ledgerId();
            try (BookKeeper bk = bookKeeper()) {
                byte[] pwA = bk.getLedgerManager().readLedgerMetadata(ledgerA).get().getValue().getPassword();
                byte[] pwB = bk.getLedgerManager().readLedgerMetadata(ledgerB).get().getValue().getPassword();
                assertThat(pwA).as("the password BookKeeper keeps in ZooKeeper is the derived one")
                        .isEqualTo(WalLedgers.bookKeeperPassword(secret, "default", "pw-a"));
                assertThat(pwB).as("two stores sharing a secret get different ledger passwords").isNotEqualTo(pwA);
            }
        }
        List<byte[]> znodes = new ArrayList<>();
        try (CuratorFramework zk = CuratorFrameworkFactory.newClient(CLUSTER.connectString(), new RetryOneTime(100))) {
            zk.start();
            collect(zk, "/", znodes);
        }
        assertThat(znodes.size()).as("walked BookKeeper's and ledgerkv's znodes").isGreaterThan(20);
        assertThat(znodes).noneMatch(d -> contains(d, secret));
    }

    @Test
    void ledgersWrittenWithTheSecretItselfStayReadableAndWritable() throws Exception {
        String store = "legacy";
        try (DefaultLedgerKv kv = CLUSTER.connect(); KvStore s = kv.open(store, config().build())) {
            s.put(b("a"), b("1"));
            s.put(b("b"), b("2"));
        }
        // Rewrite the store's ledger as an older ledgerkv wrote it: the same entries, under the secret itself.
        String path = new ZkLayout("default", store).ledgers();
        try (BookKeeper bk = bookKeeper();
             CuratorFramework zk = CuratorFrameworkFactory.newClient(CLUSTER.connectString(), new RetryOneTime(100))) {
            zk.start();
            LedgerList list = Json.read(zk.getData().forPath(path), LedgerList.class, path);
            List<LedgerRef> refs = new ArrayList<>();
            for (LedgerRef r : list.ledgers()) {
                LedgerHandle src = bk.openLedgerNoRecovery(r.ledgerId(), BookKeeper.DigestType.CRC32C,
                        WalLedgers.bookKeeperPassword(b("test-secret"), "default", store));
                LedgerHandle old = bk.createLedger(3, 3, 2, BookKeeper.DigestType.CRC32C, b("test-secret"));
                if (src.getLastAddConfirmed() >= 0) {
                    Enumeration<LedgerEntry> en = src.readEntries(0, src.getLastAddConfirmed());
                    while (en.hasMoreElements()) {
                        old.addEntry(en.nextElement().getEntry());
                    }
                }
                old.close();
                src.close();
                bk.deleteLedger(r.ledgerId());
                refs.add(new LedgerRef(r.seq(), old.getId(), r.epoch(), r.state(), r.lastEntryId(), r.lastTxnSeq()));
            }
            zk.setData().forPath(path, Json.write(new LedgerList(refs, list.nextSeq())));
        }
        try (DefaultLedgerKv kv = CLUSTER.connect()) {
            try (KvStore s = kv.open(store, config().build())) {
                assertThat(contents(s)).isEqualTo(Map.of("a", "1", "b", "2"));
                s.put(b("c"), b("3"));
            }
            try (KvStore r = kv.openReadOnly(store, config().build())) {
                assertThat(contents(r)).isEqualTo(Map.of("a", "1", "b", "2", "c", "3"));
            }
        }
    }
}
