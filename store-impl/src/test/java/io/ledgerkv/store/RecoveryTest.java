package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.api.Txn;

import io.ledgerkv.testing.Bytes;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.WalEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A writer that dies without closing anything: what was acknowledged is there after reopen, and nothing is half-applied. */
class RecoveryTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private static DefaultLedgerKv connect() {
        return CLUSTER.connect();
    }

    @Test
    void acknowledgedCommitsSurviveAWriterCrashAndInFlightTransactionsAreAllOrNothing() {
        String name = freshName("crash");
        StoreConfig cfg = config().maxBatchTxns(16).build();
        DefaultLedgerKv writer = connect();
        KvStore s = writer.open(name, cfg);
        List<CompletableFuture<Lsn>> singles = new ArrayList<>();
        List<CompletableFuture<Lsn>> txns = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            singles.add(s.putAsync(b("single-" + i), b("v" + i)));
            if (i % 3 == 0) {
                Txn t = s.begin();
                for (String part : List.of("a", "b", "c")) {
                    t.put(b("txn-" + i + "-" + part), b("t" + i));
                }
                txns.add(t.commitAsync());
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> singles.stream().filter(CompletableFuture::isDone).count() >= 500);
        writer.crash();
        // After the crash every future is complete: acknowledged ones normally, the rest with an error.
        await().atMost(Duration.ofSeconds(10)).until(() -> singles.stream().allMatch(CompletableFuture::isDone)
                && txns.stream().allMatch(CompletableFuture::isDone));

        try (LedgerKv reader = connect(); KvStore r = reader.open(name, cfg)) {
            Map<String, String> state = contents(r);
            int acked = 0;
            for (int i = 0; i < singles.size(); i++) {
                if (!singles.get(i).isCompletedExceptionally()) {
                    acked++;
                    assertThat(state).as("acknowledged single-%d", i).containsEntry("single-" + i, "v" + i);
                }
            }
            assertThat(acked).isGreaterThanOrEqualTo(500);
            for (int j = 0; j < txns.size(); j++) {
                int i = j * 3;
                long present = List.of("a", "b", "c").stream().filter(p -> state.containsKey("txn-" + i + "-" + p)).count();
                assertThat(present).as("transaction %d is all or nothing", i).isIn(0L, 3L);
                if (!txns.get(j).isCompletedExceptionally()) {
                    assertThat(present).as("acknowledged transaction %d", i).isEqualTo(3);
                }
            }
            StoreStatus st = reader.status(name);
            assertThat(st.epoch()).isEqualTo(2);
            assertThat(st.ledgers()).hasSize(2);
            assertThat(st.ledgers().get(0).state()).as("the crashed writer's ledger was recovered and closed").isEqualTo("CLOSED");
        }
    }

    /** The writer dies after the parts of a large transaction are written and before its commit entry. */
    @Test
    void crashBetweenThePartsOfALargeTransactionLeavesNoTrace() throws Exception {
        String name = freshName("midcommit");
        StoreConfig cfg = config().maxBatchBytes(4096).build();
        CountDownLatch atCommitEntry = new CountDownLatch(1);
        CountDownLatch partsAcked = new CountDownLatch(9);
        CountDownLatch never = new CountDownLatch(1);
        WriterHooks holdCommit = new WriterHooks() {
            @Override
            public void beforeSubmit(WalEntry.Type type, long firstSeq, int partIndex) throws InterruptedException {
                if (type == WalEntry.Type.TXN_COMMIT) {
                    atCommitEntry.countDown();
                    never.await(); // until the crash interrupts the committer
                }
            }

            @Override
            public void afterAck(WalEntry.Type type, long firstSeq, int partIndex) {
                if (type == WalEntry.Type.TXN_PART) {
                    partsAcked.countDown();
                }
            }
        };
        DefaultLedgerKv writer = connect();
        BookKeeperStore s = writer.open(name, cfg, holdCommit);
        s.put(b("before"), b("1"));
        Txn big = s.begin();
        byte[] value = Bytes.filled(20_000, 1);
        big.put(b("big-a"), value).put(b("big-b"), value).put(b("before"), b("overwritten"));
        CompletableFuture<Lsn> f = big.commitAsync();
        atCommitEntry.await();
        partsAcked.await(); // all 9 part entries are durable; the commit entry is never sent
        writer.crash();
        await().atMost(Duration.ofSeconds(10)).until(f::isDone);
        assertThat(f).isCompletedExceptionally();

        try (DefaultLedgerKv reader = connect()) {
            BookKeeperStore r = reader.open(name, cfg, WriterHooks.NONE);
            assertThat(r.replayStats().entries()).as("the parts were read back, then dropped").isEqualTo(10);
            assertThat(contents(r)).containsExactly(Map.entry("before", "1"));
            r.put(b("after"), b("2"));
            assertThat(s(r.get(b("after")))).isEqualTo("2");
        }
    }

    @Test
    void manyEpochsOfCleanClosesAndCrashesReplayToTheSameState() {
        String name = freshName("epochs");
        StoreConfig cfg = config().build();
        for (int epoch = 1; epoch <= 4; epoch++) {
            DefaultLedgerKv c = connect();
            KvStore s = c.open(name, cfg);
            assertThat(s.keyCount()).isEqualTo((epoch - 1) * 10L);
            for (int i = 0; i < 10; i++) {
                s.put(b("e" + epoch + "-" + i), b("x"));
            }
            if (epoch % 2 == 0) {
                c.crash();
            } else {
                c.close();
            }
        }
        try (LedgerKv c = connect(); KvStore s = c.open(name, cfg)) {
            assertThat(s.keyCount()).isEqualTo(40);
            StoreStatus st = c.status(name);
            assertThat(st.epoch()).isEqualTo(5);
            assertThat(st.ledgers()).hasSize(5);
            assertThat(st.ledgers().subList(0, 4)).allMatch(l -> l.state().equals("CLOSED"));
        }
    }

    @Test
    void ledgerRollsKeepLogOrderAcrossLedgers() {
        String name = freshName("roll");
        StoreConfig cfg = config().maxBatchBytes(1024).ledgerRollBytes(16 * 1024).build();
        try (DefaultLedgerKv c = connect()) {
            BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
            for (int i = 0; i < 300; i++) {
                s.put(b(String.format("k%04d", i)), Bytes.filled(200, i));
            }
            assertThat(s.ledgerRolls()).isGreaterThan(2);
            s.close();
            BookKeeperStore r = c.open(name, cfg, WriterHooks.NONE);
            assertThat(r.keyCount()).isEqualTo(300);
            assertThat(r.get(b("k0299"))).isEqualTo(Bytes.filled(200, 299));
            assertThat(r.replayStats().ledgers()).isGreaterThan(3);
        }
    }
}
