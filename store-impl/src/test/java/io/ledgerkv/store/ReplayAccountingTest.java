package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.sim.FaultPlan;
import io.ledgerkv.sim.SimCluster;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an open and a promotion report about the log they replayed, exactly: ledgers, entries,
 * transactions, bytes, and the lifetime byte counters a new writer continues from (including what
 * a crashed writer wrote after its last published stats). On the simulated cluster, where every
 * put is one entry and nothing runs in the background unless asked.
 */
class ReplayAccountingTest {
    private final SimCluster cluster = new SimCluster(3, 1, FaultPlan.none());

    /** One transaction per entry, no automatic checkpoints, stats published only when asked (close). */
    private static StoreConfig cfg() {
        return StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0)
                .statsInterval(Duration.ofHours(1)).standbyPollInterval(Duration.ofHours(1)).build();
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    private static void put(BookKeeperStore s, int from, int to) {
        for (int i = from; i < to; i++) {
            s.put(b("k" + i), b("value-" + i));
        }
    }

    @Test
    void aReopenReportsWhatItReplayedAndContinuesTheByteCounters() {
        BookKeeperStore.WriteStats written;
        try (DefaultLedgerKv c = cluster.connect(SimCluster.clientConfig().build())) {
            BookKeeperStore s = c.open("acct", cfg(), WriterHooks.NONE);
            put(s, 0, 5);
            written = s.writeStats();
            assertThat(written.entries()).isEqualTo(5);
            assertThat(s.replayStats().transactions()).as("a new store replays nothing").isZero();
            s.close();
        }
        try (DefaultLedgerKv c = cluster.connect(SimCluster.clientConfig().build())) {
            BookKeeperStore s = c.open("acct", cfg(), WriterHooks.NONE);
            BookKeeperStore.ReplayStats rs = s.replayStats();
            assertThat(rs.ledgers()).isEqualTo(1);
            assertThat(rs.entries()).isEqualTo(5);
            assertThat(rs.transactions()).isEqualTo(5);
            assertThat(rs.logicalBytes()).isEqualTo(written.logicalBytes());
            assertThat(rs.storedBytes()).isEqualTo(written.storedBytes());
            assertThat(rs.entriesByCodec()).isEqualTo(Map.of("NONE", 5L));
            assertThat(rs.checkpointId()).isZero();
            assertThat(rs.checkpointFallbacks()).isEmpty();
            assertThat(s.writeStats().logicalBytes()).as("lifetime bytes continue").isEqualTo(written.logicalBytes());
            assertThat(s.writeStats().storedBytes()).isEqualTo(written.storedBytes());
            put(s, 5, 7);
            written = s.writeStats();
            c.crash(); // its last stats were published at the previous close: these two entries are not in them
        }
        try (DefaultLedgerKv c = cluster.connect(SimCluster.clientConfig().build())) {
            BookKeeperStore s = c.open("acct", cfg(), WriterHooks.NONE);
            assertThat(s.replayStats().transactions()).isEqualTo(7);
            assertThat(s.writeStats().logicalBytes()).as("published plus what replay found after it").isEqualTo(written.logicalBytes());
            assertThat(s.writeStats().storedBytes()).isEqualTo(written.storedBytes());
            assertThat(s.get(b("k6"))).isEqualTo(b("value-6"));
            s.close();
        }
    }

    @Test
    void aPromotionReportsOnlyTheTailItReadAndTheWholeState() {
        try (DefaultLedgerKv wc = cluster.connect(SimCluster.clientConfig().build());
             DefaultLedgerKv sc = cluster.connect(SimCluster.clientConfig().build())) {
            BookKeeperStore writer = wc.open("promo", cfg(), WriterHooks.NONE);
            put(writer, 0, 3);
            BookKeeperStore standby = sc.openStandby("promo", cfg());
            // The last-add-confirmed trails a busy writer by one entry until the idle writer pushes it.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                SimAccess.poll(standby);
                return standby.lag().appliedTxnSeq() == 3;
            });
            put(writer, 3, 5); // the standby does not poll again
            BookKeeperStore.WriteStats written = writer.writeStats();
            wc.crash();
            BookKeeperStore promoted = standby.promote();
            BookKeeperStore.ReplayStats rs = promoted.replayStats();
            assertThat(rs.entries()).as("only the two entries the standby had not read").isEqualTo(2);
            assertThat(rs.transactions()).isEqualTo(5);
            assertThat(rs.checkpointId()).isZero();
            assertThat(promoted.epoch()).isEqualTo(2);
            assertThat(promoted.writeStats().logicalBytes()).isEqualTo(written.logicalBytes());
            assertThat(promoted.getAll(List.of(b("k0"), b("k4")))).containsExactly(b("value-0"), b("value-4"));
            promoted.put(b("k5"), b("value-5"));
            promoted.close();
        }
    }

    @Test
    void aPromotionAfterACheckpointReportsTheCheckpoint() {
        try (DefaultLedgerKv wc = cluster.connect(SimCluster.clientConfig().build());
             DefaultLedgerKv sc = cluster.connect(SimCluster.clientConfig().build())) {
            BookKeeperStore writer = wc.open("promo-cp", cfg(), WriterHooks.NONE);
            put(writer, 0, 3);
            int cp = writer.checkpoint().id();
            put(writer, 3, 4);
            BookKeeperStore standby = sc.openStandby("promo-cp", cfg());
            assertThat(standby.replayStats().checkpointId()).isEqualTo(cp);
            wc.crash();
            BookKeeperStore promoted = standby.promote();
            assertThat(promoted.replayStats().checkpointId()).as("the checkpoint the standby started from").isEqualTo(cp);
            assertThat(promoted.replayStats().transactions()).isEqualTo(4);
            assertThat(promoted.get(b("k3"))).isEqualTo(b("value-3"));
            promoted.close();
        }
    }

    @Test
    void aReopenReadsNoEntryACheckpointCovers() {
        int cp;
        try (DefaultLedgerKv c = cluster.connect(SimCluster.clientConfig().build())) {
            BookKeeperStore s = c.open("covered", cfg(), WriterHooks.NONE);
            put(s, 0, 3);
            cp = s.checkpoint().id();
            s.close(); // its only ledger is closed now, every transaction in it covered by the checkpoint
        }
        try (DefaultLedgerKv c = cluster.connect(SimCluster.clientConfig().build())) {
            BookKeeperStore s = c.open("covered", cfg(), WriterHooks.NONE);
            assertThat(s.replayStats().checkpointId()).isEqualTo(cp);
            assertThat(s.replayStats().transactions()).isEqualTo(3);
            assertThat(s.replayStats().entries()).as("the covered ledger is skipped, not read").isZero();
            assertThat(s.get(b("k2"))).isEqualTo(b("value-2"));
            put(s, 3, 5);
            s.close();
        }
        try (DefaultLedgerKv c = cluster.connect(SimCluster.clientConfig().build())) {
            BookKeeperStore s = c.open("covered", cfg(), WriterHooks.NONE);
            assertThat(s.replayStats().entries()).as("only the second writer's ledger").isEqualTo(2);
            assertThat(s.replayStats().transactions()).isEqualTo(5);
            assertThat(s.replayStats().ledgers()).isEqualTo(2);
            s.close();
        }
    }
}
