package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.CheckpointStatus;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.ReadOnlyStoreException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.api.Txn;
import io.ledgerkv.checkpoint.CheckpointInfo;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.Json;
import io.ledgerkv.meta.ZkLayout;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.bookkeeper.client.BKException;
import org.apache.bookkeeper.client.BookKeeper;
import org.apache.bookkeeper.client.LedgerEntry;
import org.apache.bookkeeper.client.LedgerHandle;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Checkpoints: recovery from them, WAL trimming, crashes at every step, corrupt checkpoints, point-in-time reads. */
class CheckpointTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    /** Small chunks and ledgers, so a few hundred keys make several of each. */
    private static StoreConfig.Builder small() {
        return config().maxBatchBytes(4096).ledgerRollBytes(16 * 1024).checkpointChunkBytes(4096);
    }

    /** Writes keys [from, to) with values tagged by round; mirrors them into the model. */
    private static void write(KvStore s, Map<String, String> model, int from, int to, String round) {
        for (int i = from; i < to; i += 5) {
            Txn t = s.begin();
            for (int j = i; j < Math.min(to, i + 5); j++) {
                String k = String.format("key-%05d", j);
                String v = round + "-" + j + "-" + "x".repeat(40);
                t.put(b(k), b(v));
                model.put(k, v);
            }
            if (i % 50 == 0) {
                String gone = String.format("key-%05d", i / 2);
                t.delete(b(gone));
                model.remove(gone);
            }
            t.commit();
        }
    }

    @Test
    void reopenStartsFromTheCheckpointAndReplaysOnlyTheTail() {
        String name = freshName("ckpt");
        StoreConfig cfg = small().build();
        Map<String, String> model = new TreeMap<>();
        DefaultLedgerKv c = CLUSTER.connect();
        BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
        write(s, model, 0, 600, "a");
        CheckpointStatus cp = s.checkpoint();
        assertThat(cp.id()).isEqualTo(1);
        assertThat(cp.keyCount()).isEqualTo(model.size());
        assertThat(cp.chunks()).isGreaterThan(3);
        assertThat(cp.lsn()).isEqualTo(s.lastAppliedLsn().toString());
        write(s, model, 600, 650, "b");
        c.crash();

        try (DefaultLedgerKv c2 = CLUSTER.connect()) {
            BookKeeperStore r = c2.open(name, cfg, WriterHooks.NONE);
            assertThat(r.replayStats().checkpointId()).isEqualTo(1);
            assertThat(r.replayStats().entries()).as("only entries after the checkpoint are read").isLessThan(40);
            assertThat(contents(r)).isEqualTo(model);
            assertThat(r.keyCount()).isEqualTo(model.size());
        }
    }

    @Test
    void walBeforeTheOldestRetainedCheckpointIsDeleted() throws Exception {
        String name = freshName("trim");
        StoreConfig cfg = small().checkpointRetention(2).build();
        Map<String, String> model = new TreeMap<>();
        DefaultLedgerKv c = CLUSTER.connect();
        BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
        write(s, model, 0, 400, "a");
        long firstLedger = c.status(name).ledgers().get(0).ledgerId();
        s.checkpoint();
        write(s, model, 400, 800, "b");
        int ledgersBefore = c.status(name).ledgers().size();
        s.checkpoint();
        assertThat(c.status(name).ledgers().get(0).ledgerId()).as("WAL before checkpoint 1 trimmed").isNotEqualTo(firstLedger);
        write(s, model, 800, 900, "c");
        CheckpointStatus third = s.checkpoint();
        StoreStatus st = c.status(name);
        assertThat(st.checkpoints()).extracting(CheckpointStatus::id).containsExactly(2, 3);
        long oldestKeptSeq = st.checkpoints().get(0).txnSeq();
        assertThat(st.ledgers().size()).as("the ledger list shrank").isLessThan(ledgersBefore);
        try (BookKeeper bk = BookKeeper.forConfig(new ClientConfiguration().setMetadataServiceUri(CLUSTER.metadataServiceUri())).build()) {
            assertThatThrownBy(() -> bk.openLedgerNoRecovery(firstLedger, BookKeeper.DigestType.CRC32C,
                    WalLedgers.bookKeeperPassword(b("test-secret"), "default", name)))
                    .as("the trimmed ledger is deleted from BookKeeper")
                    .isInstanceOf(BKException.BKNoSuchLedgerExistsOnMetadataServerException.class);
        }
        s.close();
        try (DefaultLedgerKv c2 = CLUSTER.connect()) {
            BookKeeperStore r = c2.open(name, cfg, WriterHooks.NONE);
            assertThat(r.replayStats().checkpointId()).isEqualTo(third.id());
            assertThat(contents(r)).isEqualTo(model);
            assertThat(oldestKeptSeq).isPositive();
        }
    }

    /** Stops a checkpoint at one step, as a crash there would. */
    private static final class CrashAt extends WriterHooks {
        private final Checkpointer.Step at;

        CrashAt(Checkpointer.Step at) {
            this.at = at;
        }

        @Override
        public void checkpointStep(Enum<?> step) {
            if (step == at) {
                throw new IllegalStateException("simulated crash at " + step);
            }
        }
    }

    @ParameterizedTest(name = "crash after {0}")
    @EnumSource(Checkpointer.Step.class)
    void aCrashAtAnyStepOfACheckpointReopensToTheCommittedState(Checkpointer.Step step) {
        String name = freshName("crash-" + step.name().toLowerCase(Locale.ROOT));
        StoreConfig cfg = small().checkpointRetention(1).build();
        Map<String, String> model = new TreeMap<>();
        DefaultLedgerKv c = CLUSTER.connect();
        BookKeeperStore s = c.open(name, cfg, new CrashAt(step));
        write(s, model, 0, 300, "a");
        if (step != Checkpointer.Step.PINNED) {
            // an earlier checkpoint that the crashed one would replace, so trimming has something to do
            Checkpointer.Step never = step;
            s.close();
            s = c.open(name, cfg, WriterHooks.NONE);
            s.checkpoint();
            write(s, model, 300, 500, "b");
            s.close();
            s = c.open(name, cfg, new CrashAt(never));
        }
        write(s, model, 500, 600, "c");
        BookKeeperStore crashing = s;
        assertThatThrownBy(crashing::checkpoint).hasMessageContaining("simulated crash at " + step);
        c.crash();

        try (DefaultLedgerKv c2 = CLUSTER.connect()) {
            BookKeeperStore r = c2.open(name, cfg, WriterHooks.NONE);
            assertThat(contents(r)).isEqualTo(model);
            assertThat(r.replayStats().checkpointFallbacks()).isEmpty();
            write(r, model, 600, 650, "d");
            r.checkpoint(); // the store keeps working, and checkpoints again
            r.close();
            BookKeeperStore again = c2.open(name, cfg, WriterHooks.NONE);
            assertThat(contents(again)).isEqualTo(model);
        }
    }

    @Test
    void aCorruptCheckpointChunkFallsBackToTheOlderCheckpoint() throws Exception {
        String name = freshName("corrupt-ckpt");
        StoreConfig cfg = small().checkpointRetention(2).build();
        Map<String, String> model = new TreeMap<>();
        DefaultLedgerKv c = CLUSTER.connect();
        BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
        write(s, model, 0, 300, "a");
        s.checkpoint();
        write(s, model, 300, 600, "b");
        CheckpointStatus newest = s.checkpoint();
        write(s, model, 600, 650, "c");
        s.close();

        // Copy the newest checkpoint's chunks into a new ledger with one byte flipped in chunk 2,
        // and point the checkpoint's znode at it: the same damage bit rot would do.
        try (BookKeeper bk = BookKeeper.forConfig(new ClientConfiguration().setMetadataServiceUri(CLUSTER.metadataServiceUri())).build();
             CuratorFramework zk = CuratorFrameworkFactory.newClient(CLUSTER.connectString(), new RetryOneTime(100))) {
            zk.start();
            LedgerHandle src = bk.openLedgerNoRecovery(newest.ledgerId(), BookKeeper.DigestType.CRC32C,
                    WalLedgers.bookKeeperPassword(b("test-secret"), "default", name));
            LedgerHandle bad = bk.createLedger(3, 3, 2, BookKeeper.DigestType.CRC32C, b("test-secret"));
            Enumeration<LedgerEntry> en = src.readEntries(0, src.getLastAddConfirmed());
            while (en.hasMoreElements()) {
                LedgerEntry e = en.nextElement();
                byte[] data = e.getEntry();
                if (e.getEntryId() == 2) {
                    data[data.length - 7] ^= 0x20;
                }
                bad.addEntry(data);
            }
            bad.close();
            src.close();
            String path = String.format("%s/ckpt-%010d", new ZkLayout("default", name).checkpoints(), newest.id() - 1);
            CheckpointInfo info = Json.read(zk.getData().forPath(path), CheckpointInfo.class, path);
            zk.setData().forPath(path, Json.write(new CheckpointInfo(0, bad.getId(), info.lsn(), info.txnSeq(), info.epoch(),
                    info.keyCount(), info.logicalBytes(), info.storedBytes(), info.chunks(), info.checksum(), info.codec(),
                    info.createdAtMillis())));
        }

        try (DefaultLedgerKv c2 = CLUSTER.connect()) {
            BookKeeperStore r = c2.open(name, cfg, WriterHooks.NONE);
            assertThat(r.replayStats().checkpointFallbacks()).singleElement().asString()
                    .contains("checkpoint " + newest.id()).contains("entry 2");
            assertThat(r.replayStats().checkpointId()).isEqualTo(newest.id() - 1);
            assertThat(contents(r)).as("older checkpoint + the WAL it still has").isEqualTo(model);
        }
    }

    @Test
    void pointInTimeReadsAtACheckpointOrAnLsn() {
        String name = freshName("pit");
        StoreConfig cfg = small().checkpointRetention(3).build();
        Map<String, String> model = new TreeMap<>();
        DefaultLedgerKv c = CLUSTER.connect();
        BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
        write(s, model, 0, 200, "a");
        CheckpointStatus first = s.checkpoint();
        Map<String, String> atFirst = new TreeMap<>(model);
        write(s, model, 200, 300, "b");
        Lsn middle = s.put(b("marker"), b("m"));
        model.put("marker", "m");
        Map<String, String> atMiddle = new TreeMap<>(model);
        write(s, model, 0, 100, "c"); // overwrites
        s.checkpoint();

        try (KvStore old = c.openReadOnly(name, cfg, AsOf.checkpoint(first.id()))) {
            assertThat(contents(old)).isEqualTo(atFirst);
        }
        try (KvStore mid = c.openReadOnly(name, cfg, AsOf.lsn(middle))) {
            assertThat(contents(mid)).isEqualTo(atMiddle);
            assertThat(mid.lastAppliedLsn()).isEqualTo(middle);
        }
        assertThatThrownBy(() -> c.openReadOnly(name, cfg, AsOf.checkpoint(99))).hasMessageContaining("has no checkpoint 99");
        assertThat(contents(s)).isEqualTo(model);
        s.close();
    }

    @Test
    void checkpointsAreTakenOnScheduleByWalSize() {
        String name = freshName("sched");
        StoreConfig cfg = small().checkpointEveryBytes(20_000).statsInterval(Duration.ofMillis(100)).build();
        Map<String, String> model = new TreeMap<>();
        DefaultLedgerKv c = CLUSTER.connect();
        BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
        write(s, model, 0, 600, "a");
        await().atMost(Duration.ofSeconds(30)).until(() -> !s.checkpoints().isEmpty());
        s.close();
        try (DefaultLedgerKv c2 = CLUSTER.connect()) {
            BookKeeperStore r = c2.open(name, cfg, WriterHooks.NONE);
            assertThat(r.replayStats().checkpointId()).isPositive();
            assertThat(contents(r)).isEqualTo(model);
        }
    }

    @Test
    void checkpointsUseTheStoreCodecAndReadOnlyHandlesCannotTakeThem() {
        String name = freshName("ckpt-codec");
        StoreConfig cfg = small().codec(CodecType.LZ4).build();
        Map<String, String> model = new TreeMap<>();
        DefaultLedgerKv c = CLUSTER.connect();
        BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
        write(s, model, 0, 300, "a");
        CheckpointStatus cp = s.checkpoint();
        assertThat(cp.codec()).isEqualTo("LZ4");
        assertThat(cp.storedBytes()).isLessThan(cp.logicalBytes());
        try (KvStore ro = c.openReadOnly(name, cfg)) {
            assertThatThrownBy(ro::checkpoint).isInstanceOf(ReadOnlyStoreException.class);
        }
        List<String> keys = new ArrayList<>(model.keySet());
        assertThat(keys).isNotEmpty();
        s.close();
    }
}
