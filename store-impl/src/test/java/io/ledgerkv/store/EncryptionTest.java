package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.contains;
import static io.ledgerkv.testing.Bytes.s;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.EncryptionKeyException;
import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.Progress;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.ZkLayout;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.testing.LedgerInjector;
import io.ledgerkv.testing.TestStores;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.bookkeeper.client.BookKeeper;
import org.apache.bookkeeper.client.LedgerEntry;
import org.apache.bookkeeper.client.LedgerHandle;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest on a real cluster: what reaches the bookies (WAL, checkpoints) and backup
 * files holds no plaintext and nothing secret reaches ZooKeeper; keys rotate; and the attacks of
 * issue 10 (missing or wrong key, tampered ciphertext, an entry replayed from another store) are
 * refused with a clear error while the owner keeps its data and its writer.
 */
class EncryptionTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private static final String MARKER = "SECRET-MARKER-risk-0.97";

    private static byte[] key(int seed) {
        return TestStores.key(0x40 + seed);
    }

    static final EncryptionKeys K1 = EncryptionKeys.of(1, Map.of(1, key(1)));
    static final EncryptionKeys K12 = EncryptionKeys.of(2, Map.of(1, key(1), 2, key(2)));

    private static StoreConfig.Builder enc(EncryptionKeys k) {
        return config().codec(CodecType.LZ4).encryption(k);
    }

    /** Every entry of the store's WAL ledgers and checkpoint ledgers, as stored on the bookies. */
    private static List<byte[]> rawEntries(DefaultLedgerKv kv, String store) throws Exception {
        List<Long> ids = new ArrayList<>();
        kv.status(store).ledgers().forEach(l -> ids.add(l.ledgerId()));
        kv.status(store).checkpoints().forEach(c -> ids.add(c.ledgerId()));
        List<byte[]> out = new ArrayList<>();
        try (BookKeeper bk = BookKeeper.forConfig(new ClientConfiguration().setMetadataServiceUri(CLUSTER.metadataServiceUri()))
                .build()) {
            for (long id : ids) {
                try (LedgerHandle lh = bk.openLedgerNoRecovery(id, BookKeeper.DigestType.CRC32C,
                        WalLedgers.bookKeeperPassword(b("test-secret"), kv.config().namespace(), store))) {
                    if (lh.getLastAddConfirmed() < 0) {
                        continue;
                    }
                    Enumeration<LedgerEntry> en = lh.readEntries(0, lh.getLastAddConfirmed());
                    while (en.hasMoreElements()) {
                        out.add(en.nextElement().getEntry());
                    }
                }
            }
        }
        return out;
    }


    private static void assertNoPlaintext(List<byte[]> entries, String what) {
        assertThat(entries).as(what + ": entries read").isNotEmpty();
        for (byte[] e : entries) {
            assertThat(contains(e, b(MARKER))).as(what + ": plaintext on a bookie").isFalse();
            assertThat(e[4] & 2).as(what + ": ENCRYPTED flag").isEqualTo(2);
        }
    }

    @Test
    void bookiesSeeOnlyCiphertextAndTheStoreReadsBackAfterReplayCheckpointAndRotation() throws Exception {
        String name = freshName("enc");
        DefaultLedgerKv kv = CLUSTER.connect();
        try (KvStore s = kv.open(name, enc(K1).build())) {
            for (int i = 0; i < 200; i++) {
                s.put(b("acct-" + i), b(MARKER + "-" + i));
            }
            s.checkpoint();
            s.put(b("after-checkpoint"), b(MARKER));
        }
        // The control: the same check sees plaintext in a store without encryption.
        String plain = freshName("plain");
        try (KvStore s = kv.open(plain, config().build())) {
            s.put(b("k"), b(MARKER));
        }
        assertThat(rawEntries(kv, plain).stream().anyMatch(e -> contains(e, b(MARKER)))).isTrue();
        assertNoPlaintext(rawEntries(kv, name), "key 1");

        try (KvStore s = CLUSTER.connect().open(name, enc(K12).build())) {  // rotate: key 2 becomes active
            assertThat(s(s.get(b("acct-7")))).isEqualTo(MARKER + "-7");
            assertThat(s(s.get(b("after-checkpoint")))).isEqualTo(MARKER);
            s.put(b("rotated"), b(MARKER));
        }
        List<byte[]> after = rawEntries(kv, name);
        assertNoPlaintext(after, "after rotation");
        assertThat(after.stream().map(e -> ByteBuffer.wrap(e).getShort(6)).distinct()).containsExactlyInAnyOrder((short) 1, (short) 2);
        try (KvStore view = CLUSTER.connect().openReadOnly(name, enc(K12).build())) {
            assertThat(contents(view)).hasSize(202).containsEntry("rotated", MARKER);
        }
        // Key 1 dropped too early: a read-only open says which key is missing.
        EncryptionKeys only2 = EncryptionKeys.of(2, Map.of(2, key(2)));
        assertThatThrownBy(() -> CLUSTER.connect().openReadOnly(name, enc(only2).build()))
                .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("key id 1, which is not configured");
    }

    @Test
    void aWriterWithoutTheRightKeysFencesNobody() {
        String name = freshName("enc-owner");
        DefaultLedgerKv owner = CLUSTER.connect();
        try (KvStore s = owner.open(name, enc(K12).build())) {
            s.put(b("a"), b(MARKER));
            s.checkpoint();
            s.put(b("b"), b("2"));
            long epoch = owner.status(name).epoch();
            DefaultLedgerKv intruder = CLUSTER.connect();
            assertThatThrownBy(() -> intruder.open(name, config().codec(CodecType.LZ4).build()))
                    .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("no encryption keys are configured")
                    .hasMessageContaining("was not fenced");
            assertThatThrownBy(() -> intruder.open(name, enc(EncryptionKeys.of(2, Map.of(2, key(9)))).build()))
                    .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("authentication failed");
            assertThatThrownBy(() -> intruder.open(name, enc(K1).build()))
                    .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("key id 2, which is not configured");
            assertThatThrownBy(() -> intruder.openReadOnly(name, config().build())).isInstanceOf(EncryptionKeyException.class);
            assertThat(owner.status(name).epoch()).as("nobody was fenced").isEqualTo(epoch);
            s.put(b("c"), b("3"));
            assertThat(contents(s)).containsOnlyKeys("a", "b", "c");
        }
    }

    @Test
    void aTamperedEntryAndAnEntryReplayedFromAnotherStoreAreRefused() throws Exception {
        DefaultLedgerKv kv = CLUSTER.connect();
        String victim = freshName("enc-victim");
        String other = freshName("enc-other");
        try (KvStore a = kv.open(victim, enc(K1).build()); KvStore o = kv.open(other, enc(K1).build())) {
            a.put(b("balance"), b("100"));
            o.put(b("balance"), b("1000000"));
        }
        byte[] good = rawEntries(kv, victim).get(0);
        byte[] flipped = good.clone();
        flipped[flipped.length - 20] ^= 1;                         // one bit of ciphertext
        byte[] forged = fixCrc(flipped);                           // and the CRC recomputed
        byte[] foreign = rawEntries(kv, other).get(0);             // same keys, same position, another store
        for (byte[] bad : List.of(flipped, forged, foreign)) {
            String name = freshName("enc-target");
            Lsn last;
            try (KvStore t = kv.open(name, enc(K1).build())) {
                last = t.put(b("balance"), b("100"));
            }
            long epoch = kv.status(name).epoch();
            long ledger = LedgerInjector.appendLedger(CLUSTER, "default", name, "test-secret", bad);
            String why = bad == flipped ? "CRC32C mismatch" : bad == forged ? "the entry was altered"
                    : "authentication failed (key id 1, store default/" + name + ")";
            assertThatThrownBy(() -> kv.openReadOnly(name, enc(K1).build())).isInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining("ledger " + ledger + ", entry 0").hasMessageContaining(why);
            assertThat(kv.status(name).epoch()).isEqualTo(epoch);
            try (KvStore before = kv.openReadOnly(name, enc(K1).build(), AsOf.lsn(last))) {
                assertThat(s(before.get(b("balance")))).as("the owner's data is intact up to the bad entry").isEqualTo("100");
            }
        }
    }

    private static byte[] fixCrc(byte[] e) {
        CRC32C crc = new CRC32C();
        crc.update(e, 0, 48);
        crc.update(e, 52, e.length - 52);
        byte[] out = e.clone();
        ByteBuffer.wrap(out).putInt(48, (int) crc.getValue());
        return out;
    }

    @Test
    void backupsAreEncryptedAndRestoreNeedsTheKeys(@TempDir Path dir) throws Exception {
        String name = freshName("enc-backup");
        DefaultLedgerKv kv = CLUSTER.connect();
        try (KvStore s = kv.open(name, enc(K1).build())) {
            for (int i = 0; i < 50; i++) {
                s.put(b("k" + i), b(MARKER + i));
            }
        }
        Path file = dir.resolve("b.lkvb");
        kv.backup(name, enc(K1).build(), AsOf.latest(), file, Progress.NONE);
        assertThat(contains(Files.readAllBytes(file), b(MARKER))).as("plaintext in the backup file").isFalse();
        String noKeys = name + "-nokeys";
        assertThatThrownBy(() -> kv.restore(file, noKeys, config().build(), false, Progress.NONE))
                .isInstanceOf(EncryptionKeyException.class);
        assertThat(kv.exists(noKeys)).as("a refused restore creates nothing").isFalse();
        String copy = name + "-copy";
        kv.restore(file, copy, enc(K1).build(), false, Progress.NONE);
        try (KvStore r = kv.open(copy, enc(K1).build())) {
            assertThat(s(r.get(b("k7")))).isEqualTo(MARKER + 7);
            r.put(b("new"), b(MARKER));
            r.checkpoint();
        }
        try (KvStore r = CLUSTER.connect().open(copy, enc(K1).build())) {
            assertThat(r.keyCount()).isEqualTo(51);
        }
        assertNoPlaintext(rawEntries(kv, copy), "restored store");
    }

    @Test
    void noSecretReachesZooKeeperOrAPrintedConfig() throws Exception {
        String name = freshName("enc-zk");
        DefaultLedgerKv kv = CLUSTER.connect();
        StoreConfig cfg = enc(K1).build();
        try (KvStore s = kv.open(name, cfg)) {
            s.put(b(MARKER), b(MARKER));
            s.checkpoint();
            s.flush();
        }
        String b64 = Base64.getEncoder().encodeToString(key(1));
        assertThat(cfg.toString()).doesNotContain(b64).doesNotContain(new String(key(1), StandardCharsets.ISO_8859_1))
                .contains("encryption=EncryptionKeys{active=1, ids=[1], keys hidden}");
        assertThat(kv.status(name).toString()).doesNotContain(b64).doesNotContain(MARKER);
        try (CuratorFramework zk = CuratorFrameworkFactory.newClient(CLUSTER.connectString(), new RetryOneTime(100))) {
            zk.start();
            List<String> stack = new ArrayList<>(List.of(new ZkLayout("default", name).storePath()));
            int nodes = 0;
            while (!stack.isEmpty()) {
                String p = stack.remove(stack.size() - 1);
                byte[] data = zk.getData().forPath(p);
                nodes++;
                if (data != null) {
                    assertThat(contains(data, key(1))).as(p).isFalse();
                    assertThat(new String(data, StandardCharsets.UTF_8)).as(p).doesNotContain(b64).doesNotContain(MARKER);
                }
                for (String c : zk.getChildren().forPath(p)) {
                    stack.add(p + "/" + c);
                }
            }
            assertThat(nodes).as("znodes checked").isGreaterThan(5);
        }
        assertThatThrownBy(() -> enc(K1).codec(CodecType.ZSTD_DICT).build()).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("a trained dictionary holds samples of values");
    }
}
