package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.meta.ZkNodes;
import io.ledgerkv.sim.FaultPlan.Fault;
import io.ledgerkv.sim.FaultPlan.Fired;
import io.ledgerkv.sim.FaultPlan.Point;
import io.ledgerkv.sim.FaultPlan;
import io.ledgerkv.sim.SimCluster;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Failure paths reached through the simulated log and metadata layer, one directed schedule each:
 * the four defects issue 18 traced by reading the code. Each test failed before its fix.
 */
class FailurePathTest {
    private static final long BOUND_SECONDS = 10;

    private static StoreConfig.Builder small() {
        return StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).maxBatchBytes(4096).maxInflightBytes(8192)
                .maxValueBytes(64 * 1024).ledgerRollBytes(1024 * 1024).checkpointChunkBytes(4096);
    }

    private static byte[] value(int n, int seed) {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) (seed + i * 31);
        }
        return v;
    }

    /** Waits for a commit, failing the test if it neither succeeds nor fails within the bound. */
    private static Lsn settle(CompletableFuture<Lsn> f, String what) throws Exception {
        try {
            return f.get(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail(what + " neither succeeded nor failed within " + BOUND_SECONDS + " s: the writer hangs");
            return null;
        }
    }

    /**
     * Example 1: a transaction larger than the in-flight window whose second part fails without an
     * ensemble change. The committer waited in submit() for window room that the failed part never
     * gave back, while the roll it needed was only requested: the commit and flush() hung for good.
     */
    @Test
    void aLargeTransactionWhosePartFailsCommitsAfterARollInsteadOfHanging() throws Exception {
        FaultPlan plan = FaultPlan.explicit(List.of(new Fired(Point.BK_ADD, 1, Fault.BK_ADD_TIMEOUT, 0)));
        try (SimCluster cluster = new SimCluster(3, 1, plan)) {
            byte[] big = value(40_000, 7); // about ten entries; the window holds two
            try (var kv = cluster.connect(SimCluster.clientConfig().build());
                 KvStore s = kv.open("large", small().build())) {
                settle(s.putAsync(b("big"), big), "a 40 KB put whose second part failed");
                assertThat(plan.fired()).hasSize(1);
                assertThat(s.get(b("big"))).isEqualTo(big);
            }
            try (var kv = cluster.connect(SimCluster.clientConfig().build());
                 KvStore s = kv.open("large", small().build())) {
                assertThat(s.get(b("big"))).isEqualTo(big);
            }
        }
    }

    /**
     * Example 2: parts 0..2 of a large transaction land in ledger L1, a failure rolls the rest and
     * the commit entry into L2, then a checkpoint covers the transaction. L1 is skipped (or trimmed)
     * on the next open and L2 begins with a continuation part, which the replayer called out of
     * order: no writer, reader or standby could open the store again.
     */
    @Test
    void aLargeTransactionSplitByARollAndCoveredByACheckpointStillOpens() throws Exception {
        FaultPlan plan = FaultPlan.explicit(List.of(new Fired(Point.BK_ADD, 3, Fault.BK_ADD_TIMEOUT, 0)));
        try (SimCluster cluster = new SimCluster(3, 2, plan)) {
            byte[] big = value(30_000, 3);
            StoreConfig cfg = small().maxInflightBytes(1024 * 1024).checkpointRetention(1).build();
            try (var kv = cluster.connect(SimCluster.clientConfig().build());
                 BookKeeperStore s = kv.open("split", cfg, WriterHooks.NONE)) {
                settle(s.putAsync(b("big"), big), "the large put");
                assertThat(s.ledgerRolls()).as("the failed part rolled the ledger").isPositive();
                settle(s.putAsync(b("after"), b("1")), "a put after it");
                s.checkpoint();
                settle(s.putAsync(b("later"), b("2")), "a put after the checkpoint"); // so the open replays ledger 2
            }
            try (var kv = cluster.connect(SimCluster.clientConfig().build())) {
                try (KvStore r = kv.openReadOnly("split", cfg)) {
                    assertThat(r.get(b("big"))).isEqualTo(big);
                }
                try (KvStore s = kv.open("split", cfg)) {
                    assertThat(s.get(b("big"))).isEqualTo(big);
                    assertThat(s.get(b("after"))).isEqualTo(b("1"));
                    assertThat(s.get(b("later"))).isEqualTo(b("2"));
                }
            }
        }
    }

    /**
     * Example 3: the ledger-list update that registers a writer's new ledger is applied, its
     * response lost, and Curator sends it again: the retry fails BAD_VERSION, which the store took
     * for a change by someone else, so it deleted the ledger the list now names. Every later open
     * failed on the missing ledger.
     */
    @Test
    void aLostResponseToTheLedgerListUpdateDoesNotDeleteTheRegisteredLedger() throws Exception {
        try (SimCluster cluster = new SimCluster(3, 3, FaultPlan.none())) {
            StoreConfig cfg = small().build();
            try (var kv = cluster.connect(SimCluster.clientConfig().build()); KvStore s = kv.open("lost", cfg)) {
                s.put(b("k"), b("v1"));
            }
            cluster.zooKeeper().injectOnce(op -> op instanceof ZkNodes.SetData set && set.path().endsWith("/stores/lost/ledgers"),
                    Fault.ZK_APPLIED_RESPONSE_LOST);
            try (var kv = cluster.connect(SimCluster.clientConfig().build()); KvStore s = kv.open("lost", cfg)) {
                s.put(b("k"), b("v2"));
            } catch (RuntimeException e) {
                // Before the fix the open itself failed ("changed by someone else"); what matters is what follows.
            }
            try (var kv = cluster.connect(SimCluster.clientConfig().build()); KvStore s = kv.open("lost", cfg)) {
                assertThat(s.get(b("k"))).isIn(b("v1"), b("v2"));
                s.put(b("k"), b("v3"));
                assertThat(s.get(b("k"))).isEqualTo(b("v3"));
            }
        }
    }

    /**
     * Example 4: the multi that registers a checkpoint (a sequential znode) is applied, its response
     * lost, and Curator sends it again: two znodes name one ledger. With retention 1 the cleanup
     * deleted the older znode and with it the ledger the surviving one names, after the WAL before
     * the checkpoint had been trimmed: the state was gone.
     */
    @Test
    void aRetriedCheckpointRegistrationDoesNotDeleteTheCheckpointItKeeps() throws Exception {
        try (SimCluster cluster = new SimCluster(3, 4, FaultPlan.none())) {
            StoreConfig cfg = small().checkpointRetention(1).ledgerRollBytes(8192).build();
            try (var kv = cluster.connect(SimCluster.clientConfig().build()); KvStore s = kv.open("ckpt", cfg)) {
                for (int i = 0; i < 20; i++) {
                    s.put(b("k" + i), value(900, i));
                }
                cluster.zooKeeper().injectOnce(op -> op instanceof ZkNodes.Create c && c.path().contains("/stores/ckpt/checkpoints/"),
                        Fault.ZK_APPLIED_RESPONSE_LOST);
                s.checkpoint();
                s.put(b("after"), b("1"));
            }
            try (var kv = cluster.connect(SimCluster.clientConfig().build()); KvStore s = kv.open("ckpt", cfg)) {
                for (int i = 0; i < 20; i++) {
                    assertThat(s.get(b("k" + i))).as("k" + i).isEqualTo(value(900, i));
                }
                assertThat(s.get(b("after"))).isEqualTo(b("1"));
                assertThat(s.checkpoints()).as("one checkpoint, registered once").hasSize(1);
            }
        }
    }

    /**
     * Found by the simulation: a read that fails part way through a range (entries before the
     * failure delivered and applied) left the standby's cursor where the read began, so its next
     * poll read those entries again and stopped on a "duplicate entry" in an intact log.
     */
    @Test
    void aReadThatFailsPartWayDoesNotStopTheStandby() throws Exception {
        FaultPlan plan = FaultPlan.explicit(List.of(new Fired(Point.BK_READ, 1, Fault.BK_READ_FAILS, 1)));
        try (SimCluster cluster = new SimCluster(3, 5, plan)) {
            StoreConfig cfg = small().standbyPollInterval(Duration.ofHours(1)).build();
            try (var kv = cluster.connect(SimCluster.clientConfig().build()); KvStore s = kv.open("tail", cfg);
                 var kv2 = cluster.connect(SimCluster.clientConfig().build());
                 BookKeeperStore standby = kv2.openStandby("tail", cfg)) {
                for (int i = 0; i < 3; i++) {
                    s.put(b("k" + i), b("v" + i));
                }
                assertThat(standby.pollStandby()).isTrue(); // reads entries 0..2
                for (int i = 3; i < 6; i++) {
                    s.put(b("k" + i), b("v" + i));
                }
                standby.pollStandby(); // fails part way, after entry 3
                assertThat(plan.fired()).hasSize(1);
                assertThat(standby.pollStandby()).as("the standby goes on: %s", standby.lag().error()).isTrue();
                assertThat(standby.lag().error()).isNull();
                assertThat(standby.get(b("k4"))).isEqualTo(b("v4"));
            }
        }
    }

    /**
     * Found by the simulation (no fault needed): a standby that had not polled since the writer
     * rolled, checkpointed and trimmed the ledgers it had not read was promoted; the ledger it
     * recovered was empty, so nothing showed the gap, and the new writer started from the
     * standby's stale state: every acknowledged write since the standby's last poll was gone.
     */
    @Test
    void aStandbyPromotedAfterTheWalItMissedWasTrimmedHasEveryAcknowledgedWrite() throws Exception {
        try (SimCluster cluster = new SimCluster(3, 6, FaultPlan.none())) {
            StoreConfig cfg = small().checkpointRetention(1).ledgerRollBytes(8192)
                    .standbyPollInterval(Duration.ofHours(1)).build();
            var kv = cluster.connect(SimCluster.clientConfig().build());
            var kv2 = cluster.connect(SimCluster.clientConfig().build());
            try {
                KvStore s = kv.open("promote", cfg);
                BookKeeperStore standby = kv2.openStandby("promote", cfg);
                for (int i = 0; i < 8; i++) {
                    s.put(b("k" + i), value(3000, i)); // rolls ledgers
                }
                s.close();
                s = kv.open("promote", cfg); // its new ledger stays empty
                s.checkpoint(); // trims every ledger before it
                KvStore promoted = standby.promote();
                assertThat(promoted.keyCount()).as("keys the promoted standby has").isEqualTo(8);
                for (int i = 0; i < 8; i++) {
                    assertThat(Arrays.equals(promoted.get(b("k" + i)), value(3000, i))).as("k" + i).isTrue();
                }
            } finally {
                kv.crash();
                kv2.close();
            }
        }
    }

    /**
     * Issue 19, defect 5, in the simulation: the copy reads get fails the store's check, two intact
     * copies exist: the open reads around it; with every copy bad, the entry is corrupt and each
     * bookie is named.
     */
    @Test
    void aBadCopyIsReadAroundAndEveryCopyBadIsCorrupt() throws Exception {
        try (SimCluster cluster = new SimCluster(3, 7, FaultPlan.none())) {
            StoreConfig cfg = small().build();
            long ledgerId;
            try (var kv = cluster.connect(SimCluster.clientConfig().build());
                 BookKeeperStore s = kv.open("copies", cfg, WriterHooks.NONE)) {
                s.put(b("k"), b("intact"));
                ledgerId = s.currentLedgerId();
            }
            byte[] bad = new byte[200]; // not a WAL entry at all: fails the store's check, whatever BookKeeper's says
            cluster.bookKeeper().tamper(ledgerId, 0, 0, bad);
            try (var kv = cluster.connect(SimCluster.clientConfig().build()); KvStore s = kv.openReadOnly("copies", cfg)) {
                assertThat(s.get(b("k"))).isEqualTo(b("intact"));
            }
            cluster.bookKeeper().tamper(ledgerId, 0, 1, bad);
            cluster.bookKeeper().tamper(ledgerId, 0, 2, bad);
            try (var kv = cluster.connect(SimCluster.clientConfig().build())) {
                Assertions.assertThatThrownBy(() -> kv.openReadOnly("copies", cfg))
                        .isInstanceOf(CorruptEntryException.class)
                        .hasMessageContaining("every copy fails")
                        .hasMessageContaining(cluster.bookKeeper().writeSetBookie(ledgerId, 0, 0))
                        .hasMessageContaining(cluster.bookKeeper().writeSetBookie(ledgerId, 0, 2));
            }
        }
    }
}
