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
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.bookkeeper.net.BookieId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bookies die under the writer. Four bookies and ensemble 3, so the client can replace a dead
 * bookie; with two dead, no replacement exists, the ledger closes and the writer rolls once a
 * bookie is back. In every case no acknowledged commit is lost.
 */
class BookieFailureTest {
    private LocalCluster cluster;

    @BeforeEach
    void start() {
        cluster = LocalCluster.start(4);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private DefaultLedgerKv connect() {
        return DefaultLedgerKv.connect(cluster.clientConfig().build());
    }

    private int ensembleBookie(DefaultLedgerKv c, String store) {
        StoreStatus st = c.status(store);
        String id = st.ledgers().get(st.ledgers().size() - 1).fragments().get(0).ensemble().get(0);
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
            StoreStatus st = c.status(name);
            assertThat(st.ledgers().get(0).fragments()).as("an ensemble change happened").hasSizeGreaterThan(1);
            assertThat(st.ledgers().get(0).fragments().get(0).down()).hasSize(1);
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
            int first = ensembleBookie(c, name);
            int second = cluster.runningBookies().stream().filter(i -> i != first).findFirst().orElseThrow();
            cluster.killBookie(first);
            cluster.killBookie(second);
            List<CompletableFuture<Lsn>> fs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fs.add(s.putAsync(b("k" + i), b("v" + i)));
            }
            // Two bookies are left for an ensemble of three: the ledger fails and the roll waits for bookies.
            await().atMost(Duration.ofSeconds(60)).until(() -> s.rollAttempts() > 0);
            cluster.restartBookie(first);
            for (CompletableFuture<Lsn> f : fs) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(s.ledgerRolls()).isPositive();
            assertThat(c.status(name).ledgers()).hasSizeGreaterThan(1);
            s.close();
        }
        try (DefaultLedgerKv c = connect(); KvStore r = c.open(name, cfg)) {
            assertThat(contents(r)).hasSize(51);
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
