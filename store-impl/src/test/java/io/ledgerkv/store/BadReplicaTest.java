package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.log.bookkeeper.BookKeeperLog;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ReferenceCounted;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.bookie.storage.ldb.DbLedgerStorage;
import org.apache.bookkeeper.client.BKException;
import org.apache.bookkeeper.client.BookKeeper;
import org.apache.bookkeeper.client.LedgerHandle;
import org.apache.bookkeeper.client.api.WriteFlag;
import org.apache.bookkeeper.net.BookieId;
import org.apache.bookkeeper.proto.BookieProtocol;
import org.apache.bookkeeper.proto.LedgerMetadataFormat;
import org.apache.bookkeeper.proto.checksum.DigestManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One bookie holds a copy of a WAL entry that passes BookKeeper's digest but not the store's own
 * check (a bug above BookKeeper's checksum, or tampering that recomputed it): the store reads the
 * intact copy of another bookie, and names the bad one; only when every copy is bad is the entry
 * corrupt (issue 19, defect 5). The bad copy is written straight to the bookie with a valid digest.
 */
class BadReplicaTest {
    private static LocalCluster cluster;

    /**
     * Bookies with DbLedgerStorage, whose write cache keeps the newest copy of an entry (the default
     * storage's memtable keeps the first), so a copy written over an entry is the one it serves.
     */
    @BeforeAll
    static void start() {
        cluster = LocalCluster.builder().bookies(3).bookieConfig(c -> {
            c.setLedgerStorageClass(DbLedgerStorage.class.getName());
            c.setProperty("dbStorage_writeCacheMaxSizeMb", 16);
            c.setProperty("dbStorage_readAheadCacheMaxSizeMb", 16);
        }).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** Writes {@code bad} as entry 0 of {@code ledgerId} on the {@code position}-th bookie of its write set. */
    private static String forge(BookKeeper bk, long ledgerId, byte[] password, int position, byte[] bad) throws Exception {
        LedgerHandle lh = bk.openLedgerNoRecovery(ledgerId, BookKeeper.DigestType.CRC32C, password);
        List<BookieId> ensemble = lh.getLedgerMetadata().getEnsembleAt(0);
        BookieId target = ensemble.get(position % ensemble.size());
        DigestManager digests = DigestManager.instantiate(ledgerId, password, LedgerMetadataFormat.DigestType.CRC32C,
                UnpooledByteBufAllocator.DEFAULT, false);
        byte[] key = DigestManager.generateMasterKey(password);
        ReferenceCounted toSend = digests.computeDigestAndPackageForSending(0, -1, bad.length, Unpooled.wrappedBuffer(bad), key,
                BookieProtocol.FLAG_NONE);
        CompletableFuture<Integer> done = new CompletableFuture<>();
        bk.getClientCtx().getBookieClient().addEntry(target, ledgerId, key, 0, toSend, (rc, l, e, addr, ctx) -> done.complete(rc), null,
                BookieProtocol.FLAG_RECOVERY_ADD, false, EnumSet.noneOf(WriteFlag.class));
        assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo(BKException.Code.OK);
        lh.close();
        return target.toString();
    }

    private static byte[] firstEntry(BookKeeper bk, long ledgerId, byte[] password) throws Exception {
        try (LedgerHandle lh = bk.openLedgerNoRecovery(ledgerId, BookKeeper.DigestType.CRC32C, password)) {
            return lh.readEntries(0, 0).nextElement().getEntry();
        }
    }

    @Test
    void oneBadCopyIsReadAroundAndNamed() throws Exception {
        String name = freshName("replica");
        long ledgerId;
        try (LedgerKv kv = LedgerKv.connect(cluster.clientConfig().build()); KvStore s = kv.open(name, config().build())) {
            s.put(b("k"), b("the intact value"));
            ledgerId = ((BookKeeperStore) s).currentLedgerId();
        }
        byte[] password = WalLedgers.bookKeeperPassword(b("test-secret"), "default", name);
        String bad;
        try (BookKeeper bk = BookKeeperLog.newClient(cluster.clientConfig().build())) {
            byte[] copy = firstEntry(bk, ledgerId, password).clone();
            copy[copy.length - 1] ^= 0x55; // a payload byte: the store's CRC32C fails, BookKeeper's digest is recomputed
            bad = forge(bk, ledgerId, password, 0, copy);
            assertThat(firstEntry(bk, ledgerId, password)).as("BookKeeper now serves the bad copy").isEqualTo(copy);
        }
        try (LedgerKv kv = LedgerKv.connect(cluster.clientConfig().build()); KvStore s = kv.openReadOnly(name, config().build())) {
            assertThat(s.get(b("k"))).isEqualTo(b("the intact value"));
        }
        try (LedgerKv kv = LedgerKv.connect(cluster.clientConfig().build()); KvStore s = kv.open(name, config().build())) {
            assertThat(s.get(b("k"))).isEqualTo(b("the intact value"));
            s.put(b("k2"), b("writable"));
        }
        assertThat(bad).isNotEmpty();
    }

    @Test
    void whenEveryCopyIsBadTheEntryIsCorruptAndEveryBookieIsNamed() throws Exception {
        String name = freshName("replica-all");
        long ledgerId;
        try (LedgerKv kv = LedgerKv.connect(cluster.clientConfig().build()); KvStore s = kv.open(name, config().build())) {
            s.put(b("k"), b("v"));
            ledgerId = ((BookKeeperStore) s).currentLedgerId();
        }
        byte[] password = WalLedgers.bookKeeperPassword(b("test-secret"), "default", name);
        List<String> bookies = new ArrayList<>();
        try (BookKeeper bk = BookKeeperLog.newClient(cluster.clientConfig().build())) {
            byte[] copy = firstEntry(bk, ledgerId, password).clone();
            copy[copy.length - 1] ^= 0x55;
            for (int i = 0; i < 3; i++) {
                bookies.add(forge(bk, ledgerId, password, i, copy));
            }
        }
        try (LedgerKv kv = LedgerKv.connect(cluster.clientConfig().build())) {
            assertThatThrownBy(() -> kv.openReadOnly(name, config().build()))
                    .isInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining("every copy fails")
                    .hasMessageContaining(bookies.get(0)).hasMessageContaining(bookies.get(1)).hasMessageContaining(bookies.get(2));
        }
    }
}
