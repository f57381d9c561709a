package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.BackupSummary;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.Progress;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.checkpoint.BackupFile;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.meta.StoreMeta;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.txn.WriterHooks;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Backups to a portable file and restores on another cluster, under another name; damaged files change nothing. */
class BackupRestoreTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    @TempDir
    Path dir;

    private static StoreConfig cfg() {
        return config().checkpointChunkBytes(8192).build();
    }

    private static Map<String, String> fill(KvStore s, int n) {
        Map<String, String> model = new TreeMap<>();
        for (int i = 0; i < n; i += 20) {
            List<KvEntry> batch = new ArrayList<>();
            for (int j = i; j < i + 20; j++) {
                String k = String.format("acct/%06d", j);
                String v = "{\"score\":" + (j % 97) / 100.0 + ",\"limit\":" + j * 10 + "}";
                batch.add(new KvEntry(b(k), b(v)));
                model.put(k, v);
            }
            s.putAll(batch);
        }
        return model;
    }

    @Test
    void aBackupRestoresOnAnotherClusterUnderAnotherNameWithEveryKey() throws Exception {
        String name = freshName("src");
        Path file = dir.resolve("risk.lkvbak");
        Map<String, String> model;
        BackupSummary written;
        AtomicLong progressCalls = new AtomicLong();
        try (DefaultLedgerKv c = CLUSTER.connect()) {
            BookKeeperStore s = c.open(name, cfg(), WriterHooks.NONE);
            model = fill(s, 3000);
            // A reader sees the writer's last entry once the writer pushes its last-add-confirmed
            // (an idle writer does so after 100 ms); before that a live backup may lag one entry.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (KvStore ro = c.openReadOnly(name, cfg())) {
                    return ro.keyCount() == 3000;
                }
            });
            written = c.backup(name, cfg(), AsOf.latest(), file, (phase, done, total) -> progressCalls.incrementAndGet());
            s.put(b("after-backup"), b("not in the file"));
            s.close();
        }
        assertThat(written.keyCount()).isEqualTo(3000);
        assertThat(written.chunks()).isGreaterThan(5);
        assertThat(progressCalls.get()).isPositive();
        BackupFile.Manifest m = BackupFile.readManifest(file);
        assertThat(m.formatVersion()).isEqualTo(1);
        assertThat(m.chunks()).hasSize(written.chunks());
        assertThat(m.meta()).containsKey("ackQuorum").doesNotContainKey("ledgerPassword");

        ClusterExtension.needsRealCluster("a second cluster to restore into");
        try (LocalCluster other = LocalCluster.start(3);
             DefaultLedgerKv c2 = DefaultLedgerKv.connect(other.clientConfig().build())) {
            StoreConfig otherSecret = cfg().toBuilder().ledgerPassword("another-clusters-secret").build();
            BackupSummary restored = c2.restore(file, "copy", otherSecret, false, Progress.NONE);
            assertThat(restored.keyCount()).isEqualTo(3000);
            BookKeeperStore r = c2.open("copy", otherSecret, WriterHooks.NONE);
            assertThat(contents(r)).isEqualTo(model);
            assertThat(r.replayStats().checkpointId()).isEqualTo(1);
            Lsn restoredAt = r.lastAppliedLsn();
            assertThat(restoredAt.toString()).isEqualTo(written.lsn());
            Lsn next = r.put(b("new-on-copy"), b("1"));
            assertThat(next).as("LSNs keep increasing after a restore").isGreaterThan(restoredAt);
            r.close();
            try (KvStore again = c2.openReadOnly("copy", otherSecret)) {
                assertThat(again.keyCount()).isEqualTo(3001);
            }
        }
    }

    @Test
    void aPointInTimeCopyMakesANewStoreOnTheSameCluster() {
        String name = freshName("pitsrc");
        try (DefaultLedgerKv c = CLUSTER.connect()) {
            BookKeeperStore s = c.open(name, cfg(), WriterHooks.NONE);
            Map<String, String> model = fill(s, 400);
            Lsn at = s.lastAppliedLsn();
            fill(s, 800);
            String copy = freshName("pitcopy");
            c.copyStore(name, AsOf.lsn(at), copy, cfg());
            try (KvStore r = c.openReadOnly(copy, cfg())) {
                assertThat(contents(r)).isEqualTo(model);
            }
            s.close();
        }
    }

    @Test
    void anExistingTargetIsRefusedUnlessForcedAndIsNeverTouched() throws Exception {
        String src = freshName("src");
        String target = freshName("target");
        Path file = dir.resolve("b.lkvbak");
        try (DefaultLedgerKv c = CLUSTER.connect()) {
            BookKeeperStore s = c.open(src, cfg(), WriterHooks.NONE);
            Map<String, String> model = fill(s, 200);
            s.close();
            c.backup(src, cfg(), AsOf.latest(), file, Progress.NONE);
            BookKeeperStore t = c.open(target, cfg(), WriterHooks.NONE);
            t.put(b("precious"), b("data"));
            t.close();
            assertThatThrownBy(() -> c.restore(file, target, cfg(), false, Progress.NONE))
                    .isInstanceOf(LedgerKvException.class)
                    .hasMessageContaining("store '" + target + "' already exists")
                    .hasMessageContaining("not touched");
            try (KvStore r = c.openReadOnly(target, cfg())) {
                assertThat(contents(r)).containsExactly(Map.entry("precious", "data"));
            }
            c.restore(file, target, cfg(), true, Progress.NONE);
            try (KvStore r = c.openReadOnly(target, cfg())) {
                assertThat(contents(r)).isEqualTo(model);
            }
        }
    }

    @Test
    void truncatedCorruptOrNewerFilesAreRefusedAndLeaveNoStore() throws Exception {
        String src = freshName("src");
        Path good = dir.resolve("good.lkvbak");
        try (DefaultLedgerKv c = CLUSTER.connect()) {
            BookKeeperStore s = c.open(src, cfg(), WriterHooks.NONE);
            fill(s, 500);
            s.close();
            c.backup(src, cfg(), AsOf.latest(), good, Progress.NONE);
            byte[] bytes = Files.readAllBytes(good);

            Path truncated = dir.resolve("truncated.lkvbak");
            Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
            assertRefused(c, truncated, "end marker missing");

            Path corrupt = dir.resolve("corrupt.lkvbak");
            byte[] flipped = bytes.clone();
            flipped[200] ^= 0x01; // inside the first chunk
            Files.write(corrupt, flipped);
            assertRefused(c, corrupt, "chunk 0 at offset 12 fails its CRC32C");

            Path newer = dir.resolve("newer.lkvbak");
            Files.write(newer, bytes);
            rewriteManifest(newer, "\"formatVersion\":1", "\"formatVersion\":9");
            assertRefused(c, newer, "format version 9 is newer");

            Path notBackup = dir.resolve("hello.txt");
            Files.writeString(notBackup, "hello, this is not a backup at all, but it is long enough");
            assertRefused(c, notBackup, "not a ledgerkv backup");
        }
    }

    private static void assertRefused(DefaultLedgerKv c, Path file, String reason) {
        String target = freshName("never");
        assertThatThrownBy(() -> c.restore(file, target, cfg(), false, Progress.NONE))
                .isInstanceOf(BackupFile.BadBackupException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(reason);
        assertThat(c.exists(target)).as("a refused restore creates nothing").isFalse();
    }

    /** Replaces text in the manifest and fixes its CRC, as a newer writer would have produced it. */
    private static void rewriteManifest(Path file, String from, String to) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        int len = ByteBuffer.wrap(bytes, bytes.length - 16, 4).getInt();
        String json = new String(bytes, bytes.length - 16 - len, len, StandardCharsets.UTF_8).replace(from, to);
        byte[] mj = json.getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(mj);
        ByteBuffer out = ByteBuffer.allocate(bytes.length - len + mj.length);
        out.put(bytes, 0, bytes.length - 16 - len).put(mj).putInt(mj.length).putInt((int) crc.getValue())
                .put(bytes, bytes.length - 8, 8);
        Files.write(file, out.array());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            assertThat(raf.length()).isEqualTo(out.capacity());
        }
    }

    @Test
    void aStoreLeftRestoringCannotBeOpened() {
        String name = freshName("half");
        try (DefaultLedgerKv c = CLUSTER.connect()) {
            new StoreMetadata(c.nodes(), "default", name).createIfAbsent(StoreMeta.of(cfg(), 0, StoreMeta.RESTORING));
            assertThatThrownBy(() -> c.open(name, cfg())).hasMessageContaining("restore that has not finished");
            assertThatThrownBy(() -> c.openReadOnly(name, cfg())).hasMessageContaining("restore that has not finished");
            c.deleteStore(name, cfg());
            assertThat(c.exists(name)).isFalse();
        }
    }
}
