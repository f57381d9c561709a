package io.ledgerkv.samza;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.testing.ClusterExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.samza.metrics.Gauge;
import org.apache.samza.metrics.Metric;
import org.apache.samza.metrics.MetricsRegistryMap;
import org.apache.samza.serializers.StringSerde;
import org.apache.samza.storage.kv.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI's settings give a store, a Samza job gets by the same keys: a ZooKeeper identity and
 * encryption at rest, end to end through the storage engine; and ledgerkv's meters in Samza's registry.
 */
class SamzaParityTest {
    private static final String P = "stores.scores.ledgerkv.";
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);
    @TempDir
    Path dir;

    /**
     * A job with zkDigestFile and encryptionKeyFile: its namespace is closed to other identities, and
     * its entries can be read only with its keys, exactly as for a store the CLI wrote with the
     * same settings.
     */
    @Test
    void digestAndEncryptionKeysReachTheStore() throws Exception {
        Path digest = Files.writeString(dir.resolve("digest"), "svc-scores:scores-pw\n");
        Path keys = dir.resolve("keys");
        EncryptionKeys.generate(32).write(keys);
        Map<String, String> c = SamzaEngines.config(CLUSTER.cluster(), "secure");
        c.put(P + "namespace", "samza-secure");
        c.put(P + "zkDigestFile", digest.toString());
        c.put(P + "encryptionKeyFile", keys.toString());
        KeyValueStore<String, String> engine = SamzaEngines.openStrings(c, "Partition_0");
        try {
            engine.put("acct-1", "0.93");
            engine.flush();
        } finally {
            SamzaEngines.stop(engine);
        }
        String store = "secure-scores-Partition_0";
        StoreConfig noKeys = StoreConfig.builder().ledgerPassword(SamzaEngines.PASSWORD).build();
        try (LedgerKv anonymous = LedgerKv.connect(CLUSTER.clientConfig().namespace("samza-secure").build())) {
            assertThatThrownBy(() -> anonymous.openReadOnly(store, noKeys)).as("another ZooKeeper identity")
                    .isInstanceOf(AccessDeniedException.class);
        }
        try (LedgerKv owner = LedgerKv.connect(CLUSTER.clientConfig().namespace("samza-secure").zkDigest("svc-scores:scores-pw").build())) {
            assertThatThrownBy(() -> owner.openReadOnly(store, noKeys).close()).as("the encryption keys are needed")
                    .isInstanceOf(LedgerKvException.class);
            try (KvStore s = owner.openReadOnly(store, noKeys.toBuilder().encryption(EncryptionKeys.read(keys)).build())) {
                assertThat(new String(s.get("acct-1".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)).isEqualTo("0.93");
            }
        }
    }

    /** After writes, the task's Samza registry holds the store's ledgerkv meters, with values. */
    @Test
    void ledgerKvMetricsAreInSamzasRegistry() {
        Map<String, String> c = SamzaEngines.config(CLUSTER.cluster(), "metrics");
        c.put("stores.scores.object.cache.size", "0"); // every put reaches the store: one commit each
        MetricsRegistryMap registry = new MetricsRegistryMap();
        KeyValueStore<String, String> engine = SamzaEngines.open(c, "Partition_0", new StringSerde(),
                new StringSerde(), registry);
        try {
            for (int i = 0; i < 5; i++) {
                engine.put("k" + i, "v" + i);
            }
            engine.flush();
            Map<String, Metric> group = registry.getGroup("ledgerkv.scores");
            assertThat(group).as("group ledgerkv.scores").containsKeys(SamzaMetrics.NAMES);
            assertThat(value(group, "commits")).isEqualTo(5.0);
            assertThat(value(group, "wal-logical-bytes")).isPositive();
            assertThat(value(group, "wal-stored-bytes")).isPositive();
            assertThat(value(group, "commit-latency-mean-ms")).isPositive();
            assertThat(value(group, "commit-latency-max-ms")).isGreaterThanOrEqualTo(value(group, "commit-latency-mean-ms"));
            assertThat(value(group, "fenced")).isZero();
        } finally {
            SamzaEngines.stop(engine);
        }
    }

    private static double value(Map<String, Metric> group, String name) {
        return ((Number) ((Gauge<?>) group.get(name)).getValue()).doubleValue();
    }
}
