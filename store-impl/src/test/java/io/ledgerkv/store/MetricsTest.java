package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.CheckpointStatus;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.api.Txn;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.txn.WriterHooks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import org.apache.bookkeeper.net.BookieId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store's Micrometer meters read back after a known workload: every count must equal what the
 * workload did and what the store reports through its other interfaces (write stats, status,
 * replay stats, checkpoint status). Four bookies, so a killed ensemble bookie can be replaced and
 * the ensemble-change counter has something to count.
 */
class MetricsTest {
    @RegisterExtension
    final ClusterExtension clusterExt = new ClusterExtension(4).perTest();

    private DefaultLedgerKv connect(MeterRegistry registry) {
        return clusterExt.connect(clusterExt.cluster().clientConfig().meterRegistry(registry).build());
    }

    private static Search find(MeterRegistry r, String name, String store) {
        return r.find(name).tag("store", store);
    }

    private static double count(MeterRegistry r, String name, String store) {
        return find(r, name, store).counter().count();
    }

    private static double gauge(MeterRegistry r, String name, String store) {
        return find(r, name, store).gauge().value();
    }

    @Test
    void writerMetersCountExactlyWhatTheWorkloadDid() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DefaultLedgerKv kv = connect(registry);
        String name = freshName("metrics");
        // 1 KiB values and 16 KiB ledgers: the workload rolls ledgers a few times.
        StoreConfig cfg = config().maxBatchBytes(4096).ledgerRollBytes(16 * 1024).build();
        BookKeeperStore store = kv.open(name, cfg, WriterHooks.NONE);
        byte[] value = new byte[1024];
        for (int i = 0; i < 100; i++) {
            Arrays.fill(value, (byte) i);
            store.put(b("k" + i), value);
        }
        Txn txn = store.begin();
        for (int i = 0; i < 5; i++) {
            txn.put(b("t" + i), b("v" + i));
        }
        txn.commit();
        store.flush();

        assertThat(count(registry, "ledgerkv.commits", name)).isEqualTo(101);
        assertThat(find(registry, "ledgerkv.commit.latency", name).tag("codec", "NONE").tag("role", "writer").timer().count())
                .isEqualTo(101);
        assertThat(find(registry, "ledgerkv.batch.transactions", name).summary().totalAmount()).isEqualTo(101);
        // fixed SLO buckets (aggregatable across writers), no client-side percentiles
        var latency = find(registry, "ledgerkv.commit.latency", name).timer().takeSnapshot();
        assertThat(latency.histogramCounts()).hasSize(13);
        assertThat(latency.histogramCounts()[12].count()).isEqualTo(101); // everything within 10 s
        assertThat(latency.percentileValues()).isEmpty();
        BookKeeperStore.WriteStats ws = store.writeStats();
        assertThat(find(registry, "ledgerkv.batch.transactions", name).summary().count()).isEqualTo(ws.entries());
        assertThat(count(registry, "ledgerkv.wal.logical", name)).isEqualTo((double) ws.logicalBytes()).isGreaterThan(100 * 1024);
        assertThat(count(registry, "ledgerkv.wal.stored", name)).isEqualTo((double) ws.storedBytes());
        assertThat(find(registry, "ledgerkv.batch.size", name).summary().totalAmount()).isEqualTo((double) ws.logicalBytes());
        assertThat(gauge(registry, "ledgerkv.compression.ratio", name))
                .isEqualTo(ws.logicalBytes() / (double) ws.storedBytes());
        assertThat(gauge(registry, "ledgerkv.outstanding", name)).isZero();
        double rolls = find(registry, "ledgerkv.ledger.rolls", name).functionCounter().count();
        assertThat(rolls).isEqualTo((double) store.ledgerRolls()).isGreaterThanOrEqualTo(3);
        assertThat(kv.status(name).ledgers()).hasSize((int) rolls + 1);
        assertThat(find(registry, "ledgerkv.ensemble.changes", name).functionCounter().count()).isZero();
        assertThat(count(registry, "ledgerkv.fenced", name)).isZero();

        CheckpointStatus cp = store.checkpoint();
        assertThat(find(registry, "ledgerkv.checkpoint.duration", name).timer().count()).isEqualTo(1);
        assertThat(find(registry, "ledgerkv.checkpoint.size", name).summary().totalAmount()).isEqualTo((double) cp.storedBytes());
        store.put(b("after-checkpoint"), b("x"));
        store.close();

        // Closed: the live gauges are gone, the cumulative counters stay.
        assertThat(find(registry, "ledgerkv.outstanding", name).gauge()).isNull();
        assertThat(find(registry, "ledgerkv.ledger.rolls", name).functionCounter()).isNull();
        assertThat(count(registry, "ledgerkv.commits", name)).isEqualTo(102);

        BookKeeperStore reopened = kv.open(name, cfg, WriterHooks.NONE);
        BookKeeperStore.ReplayStats rs = reopened.replayStats();
        assertThat(gauge(registry, "ledgerkv.replay.entries", name)).isEqualTo((double) rs.entries()).isPositive();
        // transactions replayed, not a sequence number: the checkpoint held 101, the WAL after it one
        assertThat(rs.transactions()).isEqualTo(102);
        assertThat(gauge(registry, "ledgerkv.replay.transactions", name)).isEqualTo(1);
        assertThat(find(registry, "ledgerkv.replay.duration", name).timer().count()).isEqualTo(2); // two opens
        reopened.put(b("after-reopen"), b("y"));
        assertThat(count(registry, "ledgerkv.commits", name)).isEqualTo(103);

        // A second process takes over: the first writer counts being fenced, once.
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        BookKeeperStore successor = connect(other).open(name, cfg, WriterHooks.NONE);
        assertThatThrownBy(() -> reopened.put(b("zombie"), b("z"))).isInstanceOf(StoreFencedException.class);
        assertThat(count(registry, "ledgerkv.fenced", name)).isEqualTo(1);
        assertThat(count(other, "ledgerkv.fenced", name)).isZero();
        assertThat(count(other, "ledgerkv.commits", name)).isZero();
        successor.close();
    }

    @Test
    void ensembleChangesAndStandbyLagAreVisible() {
        LocalCluster cluster = clusterExt.cluster();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DefaultLedgerKv kv = connect(registry);
        String name = freshName("metrics-ens");
        StoreConfig cfg = config().quorum(3, 3, 2).build();
        BookKeeperStore store = kv.open(name, cfg, WriterHooks.NONE);
        store.put(b("a"), b("1"));
        BookKeeperStore standby = kv.openStandby(name, cfg);
        assertThat(find(registry, "ledgerkv.standby.lag", name).tag("role", "standby").gauge()).isNotNull();

        StoreStatus st = kv.status(name);
        String victim = st.ledgers().get(st.ledgers().size() - 1).fragments().get(0).ensemble().get(0);
        cluster.killBookie(cluster.indexOf(BookieId.parse(victim)));
        for (int i = 0; i < 20; i++) {
            store.put(b("k" + i), b("v" + i));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            StoreStatus now = kv.status(name);
            long fromStatus = now.ledgers().get(now.ledgers().size() - 1).fragments().size() - 1L;
            assertThat(fromStatus).isPositive();
            assertThat(find(registry, "ledgerkv.ensemble.changes", name).tag("role", "writer").functionCounter().count())
                    .isEqualTo((double) fromStatus);
        });
        store.flush();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(find(registry, "ledgerkv.standby.lag", name).tag("role", "standby").gauge().value()).isZero());
        assertThat(standby.get(b("k19"))).isEqualTo(b("v19"));
    }
}
