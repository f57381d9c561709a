package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Single writer: a new writer fences the old one, which then fails every commit and never acknowledges falsely. */
class FencingTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private static DefaultLedgerKv connect() {
        return CLUSTER.connect();
    }

    @Test
    void secondWriterFencesTheFirst() {
        String name = freshName("fence");
        StoreConfig cfg = config().build();
        try (DefaultLedgerKv a = connect(); DefaultLedgerKv b = connect()) {
            KvStore first = a.open(name, cfg);
            first.put(b("k1"), b("from-first"));
            KvStore second = b.open(name, cfg);
            assertThat(contents(second)).containsExactly(Map.entry("k1", "from-first"));

            assertThatThrownBy(() -> first.put(b("k2"), b("late"))).isInstanceOf(StoreFencedException.class)
                    .hasMessageContaining(name);
            assertThatThrownBy(() -> first.put(b("k3"), b("later"))).isInstanceOf(StoreFencedException.class);
            assertThatThrownBy(first::flush).isInstanceOf(StoreFencedException.class);
            assertThatThrownBy(first::begin).isInstanceOf(StoreFencedException.class);
            first.close(); // must not disturb the new writer's metadata

            second.put(b("k2"), b("from-second"));
            StoreStatus st = b.status(name);
            assertThat(st.epoch()).isEqualTo(2);
            assertThat(st.ledgers()).hasSize(2);
            assertThat(st.ledgers().get(1).state()).isEqualTo("OPEN");
            assertThat(st.owner()).contains("epoch 2");
            second.close();
        }
        try (DefaultLedgerKv c = connect(); KvStore third = c.open(name, cfg)) {
            assertThat(contents(third)).containsExactly(Map.entry("k1", "from-first"), Map.entry("k2", "from-second"));
        }
    }

    @Test
    void commitsInFlightWhileFencedAreNeverFalselyAcknowledged() throws Exception {
        String name = freshName("inflight");
        StoreConfig cfg = config().build();
        List<CompletableFuture<Lsn>> futures = Collections.synchronizedList(new ArrayList<>());
        try (DefaultLedgerKv a = connect(); DefaultLedgerKv b = connect()) {
            KvStore first = a.open(name, cfg);
            Thread load = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    try {
                        futures.add(first.putAsync(b("k" + i), b("v")));
                    } catch (StoreFencedException e) {
                        return; // the writer knows it is fenced: later commits are refused up front
                    }
                }
            });
            load.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> futures.size() > 200);
            KvStore second = b.open(name, cfg);
            load.join();
            await().atMost(Duration.ofSeconds(30)).until(() -> List.copyOf(futures).stream().allMatch(CompletableFuture::isDone));
            Map<String, String> seen = contents(second);
            int acked = 0;
            int fenced = 0;
            for (int i = 0; i < futures.size(); i++) {
                CompletableFuture<Lsn> f = futures.get(i);
                if (f.isCompletedExceptionally()) {
                    assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(StoreFencedException.class);
                    fenced++;
                } else {
                    acked++;
                    assertThat(seen).as("acknowledged k%d is visible to the new writer", i).containsKey("k" + i);
                }
            }
            assertThat(acked).isPositive();
            assertThat(fenced + acked).isEqualTo(futures.size());
            second.close();
        }
    }

    @Test
    void anExpiredZooKeeperSessionFencesTheWriter() throws Exception {
        String name = freshName("expire");
        StoreConfig cfg = config().build();
        try (DefaultLedgerKv a = CLUSTER.connect(CLUSTER.clientConfig().sessionTimeout(Duration.ofSeconds(4)).build())) {
            BookKeeperStore s = a.open(name, cfg, WriterHooks.NONE);
            s.put(b("k"), b("v"));
            CLUSTER.expireSession(a);
            await().atMost(Duration.ofSeconds(30)).until(() -> s.writerFailure() instanceof StoreFencedException);
            assertThatThrownBy(() -> s.put(b("k2"), b("v"))).isInstanceOf(StoreFencedException.class)
                    .hasMessageContaining("session");
        }
        try (DefaultLedgerKv b = connect(); KvStore next = b.open(name, cfg)) {
            assertThat(contents(next)).containsExactly(Map.entry("k", "v"));
        }
    }

    @Test
    void aWriterWithTheWrongPasswordCannotFenceTheOwner() {
        String name = freshName("password");
        try (DefaultLedgerKv a = connect(); DefaultLedgerKv b = connect()) {
            KvStore owner = a.open(name, config().build());
            owner.put(b("k"), b("v"));
            assertThatThrownBy(() -> b.open(name, config().ledgerPassword("wrong").build()))
                    .hasMessageContaining("ledger password");
            owner.put(b("k2"), b("still the writer"));
            assertThat(a.status(name).epoch()).isEqualTo(1);
            owner.close();
        }
    }
}
