package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.ReadOnlyStoreException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hot standby: tails the writer within a bounded lag, survives ledger rolls and checkpoints, and takes over without replaying everything. */
class StandbyTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private static void write(KvStore s, Map<String, String> model, int from, int to) {
        for (int i = from; i < to; i += 10) {
            List<KvEntry> batch = new ArrayList<>();
            for (int j = i; j < i + 10; j++) {
                String k = String.format("k%06d", j);
                String v = "v" + j;
                batch.add(new KvEntry(b(k), b(v)));
                model.put(k, v);
            }
            s.putAll(batch);
        }
    }

    @Test
    void aStandbyFollowsTheWriterAcrossRollsAndCheckpointsAndTakesOver() {
        String name = freshName("standby");
        StoreConfig cfg = config().maxBatchBytes(4096).ledgerRollBytes(32 * 1024).checkpointChunkBytes(8192)
                .statsInterval(Duration.ofMillis(100)).standbyPollInterval(Duration.ofMillis(20)).build();
        Map<String, String> model = new TreeMap<>();
        DefaultLedgerKv writerClient = CLUSTER.connect();
        BookKeeperStore writer = writerClient.open(name, cfg, WriterHooks.NONE);
        write(writer, model, 0, 500);

        DefaultLedgerKv standbyClient = CLUSTER.connect();
        BookKeeperStore standby = standbyClient.openStandby(name, cfg);
        assertThat(standby.isReadOnly()).isTrue();
        assertThatThrownBy(() -> standby.put(b("x"), b("y"))).isInstanceOf(ReadOnlyStoreException.class);

        write(writer, model, 500, 1500); // rolls ledgers
        writer.checkpoint();
        write(writer, model, 1500, 2000);
        writer.flush();
        long writerSeq = writer.lastAppliedLsn() == null ? 0 : writerClient.status(name).stats().lastTxnSeq();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(standby.lag())
                .satisfies(l -> assertThat(l.appliedTxnSeq()).as("standby position, lag %s", l).isEqualTo(writerSeq))
                .satisfies(l -> assertThat(l.lagTxns()).isZero()));
        assertThat(contents(standby)).isEqualTo(model);
        assertThat(standby.lag().error()).isNull();

        // Failover: the standby becomes the writer, reading only the little it had not applied.
        write(writer, model, 2000, 2050);
        KvStore promoted = standby.promote();
        assertThat(((BookKeeperStore) promoted).replayStats().entries()).as("only the tail is read on promotion").isLessThan(20);
        assertThat(contents(promoted)).isEqualTo(model);
        assertThatThrownBy(() -> writer.put(b("late"), b("old writer"))).isInstanceOf(StoreFencedException.class);
        promoted.put(b("from-the-new-writer"), b("1"));
        model.put("from-the-new-writer", "1");
        promoted.close();
        try (DefaultLedgerKv c = CLUSTER.connect(); KvStore r = c.openReadOnly(name, cfg)) {
            assertThat(contents(r)).isEqualTo(model);
        }
    }

    @Test
    void aStandbyThatFellBehindACheckpointReloadsFromIt() {
        String name = freshName("behind");
        StoreConfig cfg = config().maxBatchBytes(4096).ledgerRollBytes(16 * 1024).checkpointRetention(1)
                .checkpointChunkBytes(8192).standbyPollInterval(Duration.ofHours(1)).build();
        Map<String, String> model = new TreeMap<>();
        DefaultLedgerKv c = CLUSTER.connect();
        BookKeeperStore writer = c.open(name, cfg, WriterHooks.NONE);
        write(writer, model, 0, 100);
        BookKeeperStore standby = CLUSTER.connect().openStandby(name, cfg);
        standby.pollStandby(); // the background thread polls once at start, then not for an hour
        write(writer, model, 100, 1200); // several ledgers the standby has not read...
        writer.checkpoint();             // ...covered by a checkpoint that trims them away
        write(writer, model, 1200, 1300);
        writer.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            standby.pollStandby();
            return contents(standby).equals(model);
        });
        assertThat(standby.lag().error()).isNull();
        assertThat(standby.standbyResyncs()).as("it reloaded from the checkpoint").isEqualTo(1);
        writer.close();
    }
}
