package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.net.BookieId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bookies die under the writer. Four bookies and ensemble 3, so the client can replace a dead
 * bookie; with two dead, no replacement exists, the ledger closes and the writer rolls once a
 * bookie is back. In every case no acknowledged commit is lost.
 */
class BookieFailureTest {
    @RegisterExtension
    final ClusterExtension clusterExt = new ClusterExtension(4).perTest();
    private LocalCluster cluster;

    @BeforeEach
    void bind() {
        cluster = clusterExt.cluster();
    }

    private DefaultLedgerKv connect() {
        return clusterExt.connect();
    }

    private int ensembleBookie(DefaultLedgerKv c, String store) {
        return ensembleBookie(c, store, 0);
    }

    /** Index of the {@code n}-th bookie of the current ledger's first ensemble. */
    private int ensembleBookie(DefaultLedgerKv c, String store, int n) {
        StoreStatus st = c.status(store);
        String id = st.ledgers().get(st.ledgers().size() - 1).fragments().get(0).ensemble().get(n);
        return cluster.indexOf(BookieId.parse(id));
    }

    @Test
    void killingAnEnsembleBookieMidStreamLosesNoAcknowledgedCommit() {
        String name = freshName("kill");
        StoreConfig cfg = config().build();
        List<CompletableFuture<Lsn>> fs = new ArrayList<>();
        try (DefaultLedgerKv c = connect()) {
            KvStore s = c.open(name, cfg);
            for (int i = 0; i < 1000; i++) {
                fs.add(s.putAsync(b("k" + i), b("v" + i)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> fs.stream().filter(CompletableFuture::isDone).count() >= 300);
            cluster.killBookie(ensembleBookie(c, name));
            for (int i = 1000; i < 2000; i++) {
                fs.add(s.putAsync(b("k" + i), b("v" + i)));
            }
            for (CompletableFuture<Lsn> f : fs) {
                f.join(); // every commit succeeds: the client replaced the dead bookie
            }
            // The client replaces the dead bookie when a write to it fails; that may finish after the
            // commits themselves (two acks are enough), so wait for it.
            await().atMost(Duration.ofSeconds(30)).until(() -> c.status(name).ledgers().get(0).fragments().size() > 1);
            assertThat(c.status(name).ledgers().get(0).fragments().get(0).down()).hasSize(1);
            s.close();
        }
        try (DefaultLedgerKv c = connect(); KvStore r = c.open(name, cfg)) {
            Map<String, String> state = contents(r);
            assertThat(state).hasSize(2000);
            for (int i = 0; i < 2000; i++) {
                assertThat(state).containsEntry("k" + i, "v" + i);
            }
        }
    }

    @Test
    void withNoSpareBookieTheWriterRollsToANewLedgerOnceOneIsBack() throws Exception {
        String name = freshName("roll");
        StoreConfig cfg = config().build();
        try (DefaultLedgerKv c = connect()) {
            BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
            s.put(b("before"), b("1"));
            // Two of the ensemble's three bookies die: no entry can reach the ack quorum, and the one
            // spare bookie cannot replace both, so the ledger fails. (Killing one ensemble bookie and
            // the spare is different: entries still reach two bookies and succeed; BookKeeper closes
            // the ledger in the background and only the next write finds out.)
            int first = ensembleBookie(c, name, 0);
            int second = ensembleBookie(c, name, 1);
            cluster.killBookie(first);
            cluster.killBookie(second);
            List<CompletableFuture<Lsn>> fs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fs.add(s.putAsync(b("k" + i), b("v" + i)));
            }
            // Two bookies are left for an ensemble of three: the roll waits for a third.
            await().atMost(Duration.ofSeconds(60)).until(() -> s.rollAttempts() > 0);
            cluster.restartBookie(first);
            for (CompletableFuture<Lsn> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(s.ledgerRolls()).isPositive();
            assertThat(c.status(name).ledgers()).hasSizeGreaterThan(1);
            s.close();
        }
        try (DefaultLedgerKv c = connect(); KvStore r = c.open(name, cfg)) {
            assertThat(contents(r)).hasSize(51);
        }
    }

    /**
     * One ensemble bookie and the only spare die. An entry can still reach two bookies: BookKeeper
     * acknowledges it under-replicated and defers replacing the dead bookie to the next add, which
     * then cannot find a replacement, closes the ledger and fails. The writer rolls once a bookie is back.
     */
    @Test
    void aLedgerThatCannotReplaceADeadBookieIsRolledOnTheNextWrite() throws Exception {
        String name = freshName("underrep");
        StoreConfig cfg = config().build();
        try (DefaultLedgerKv c = connect()) {
            BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
            s.put(b("before"), b("1"));
            List<String> ensemble = c.status(name).ledgers().get(0).fragments().get(0).ensemble();
            int dead = cluster.indexOf(BookieId.parse(ensemble.get(0)));
            int spare = cluster.runningBookies().stream()
                    .filter(i -> !ensemble.contains(cluster.bookieId(i).toString())).findFirst().orElseThrow();
            cluster.killBookie(dead);
            cluster.killBookie(spare);
            List<CompletableFuture<Lsn>> fs = new ArrayList<>();
            fs.add(s.putAsync(b("k1"), b("v1")));
            // k1 either succeeds under-replicated (two acks) or fails and starts a roll; in the first
            // case the next write is the one that finds the ledger cannot be repaired.
            await().atMost(Duration.ofSeconds(60)).until(() -> fs.get(0).isDone() || s.rollAttempts() > 0);
            if (s.rollAttempts() == 0) {
                fs.add(s.putAsync(b("k2"), b("v2")));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> s.rollAttempts() > 0);
            cluster.restartBookie(spare);
            for (CompletableFuture<Lsn> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(s.ledgerRolls()).isEqualTo(1);
            s.put(b("after"), b("3"));
            s.close();
        }
        try (DefaultLedgerKv c = connect(); KvStore r = c.open(name, cfg)) {
            assertThat(contents(r)).containsKeys("before", "k1", "after");
        }
    }

    @Test
    void aFrozenBookieDoesNotStallCommitsWhenTheAckQuorumIsSmallerThanTheWriteQuorum() throws Exception {
        String name = freshName("freeze");
        StoreConfig cfg = config().build();
        try (DefaultLedgerKv c = connect()) {
            KvStore s = c.open(name, cfg);
            s.put(b("warm"), b("1"));
            int frozen = ensembleBookie(c, name);
            cluster.suspendBookie(frozen);
            try {
                for (int i = 0; i < 200; i++) {
                    s.put(b("k" + i), b("v")); // each waits for two of three acks only
                }
            } finally {
                cluster.resumeBookie(frozen);
            }
            assertThat(s.keyCount()).isEqualTo(201);
            s.close();
        }
    }
}
