package io.ledgerkv.samza;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.LimitExceededException;
import io.ledgerkv.testing.ClusterExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.apache.samza.SamzaException;
import org.apache.samza.storage.kv.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad configuration, an unreachable cluster, null and oversized keys and values: each fails with an
 * exception that names what was wrong, and nothing already committed is lost.
 */
class SamzaAdapterErrorsTest {
    private static final String P = "stores.scores.ledgerkv.";
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private static Map<String, String> config(String prefix, String... overrides) {
        Map<String, String> c = SamzaEngines.config(CLUSTER.cluster(), prefix);
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                c.remove(overrides[i]);
            } else {
                c.put(overrides[i], overrides[i + 1]);
            }
        }
        return c;
    }

    private static void assertOpenFails(Map<String, String> config, String... messageParts) {
        assertThatThrownBy(() -> SamzaEngines.openStrings(config, "Partition_0")).isInstanceOf(SamzaException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void missingConnectStringIsNamed() {
        assertOpenFails(config("e1", P + "zk", null), P + "zk is required");
    }

    @Test
    void missingPasswordIsNamed() {
        assertOpenFails(config("e2", P + "passwordFile", null), P + "passwordFile or " + P + "passwordEnv is required");
        assertOpenFails(config("e2", P + "passwordFile", null, P + "passwordEnv", "LEDGERKV_TEST_NO_SUCH_VARIABLE"),
                P + "passwordEnv", "LEDGERKV_TEST_NO_SUCH_VARIABLE", "not set");
    }

    @Test
    void unknownKeyIsNamedWithTheNearestValidOne() {
        assertOpenFails(config("e3", P + "codek", "LZ4"), "unknown ledgerkv key " + P + "codek", "did you mean codec?");
        assertOpenFails(config("e3", P + "zookeeper.hosts", "x"), "unknown ledgerkv key " + P + "zookeeper.hosts", "valid keys");
    }

    @Test
    void badValuesAreNamed() {
        assertOpenFails(config("e4", P + "ensembleSize", "three"), P + "ensembleSize", "cannot read 'three' as int");
        assertOpenFails(config("e4", P + "max.value.bytes", "99999999999"), P + "max.value.bytes", "cannot read '99999999999' as int");
        assertOpenFails(config("e4", P + "checkpointOnCommit", "yes"), P + "checkpointOnCommit must be true or false");
        assertOpenFails(config("e4", P + "codec", "LZ5"), "bad ledgerkv settings for store scores", "LZ5");
        assertOpenFails(config("e4", P + "ackQuorum", "3", P + "writeQuorum", "2"), "bad ledgerkv settings for store scores",
                P + "ackQuorum", "got 3");
    }

    @Test
    void unreachableClusterFailsWithinTheConnectTimeoutNamingIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String zk = "127.0.0.1:" + port;
        Map<String, String> c = config("e5", P + "zk", zk, P + "connectTimeout", "1500ms");
        assertThatThrownBy(() -> SamzaEngines.openStrings(c, "Partition_0")).isInstanceOf(ClusterUnavailableException.class)
                .hasMessageContaining(zk);
    }

    @Test
    void nullKeysAndValuesAreRejectedBySamzasNullSafeLayer() {
        KeyValueStore<String, String> engine = SamzaEngines.openStrings(config("e6"), "Partition_0");
        try {
            assertThatThrownBy(() -> engine.put(null, "v")).isInstanceOf(NullPointerException.class).hasMessageContaining("Null");
            assertThatThrownBy(() -> engine.put("k", null)).isInstanceOf(NullPointerException.class).hasMessageContaining("Null");
            assertThatThrownBy(() -> engine.get(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> engine.range(null, "b")).isInstanceOf(NullPointerException.class);
        } finally {
            SamzaEngines.stop(engine);
        }
    }

    @Test
    void anOversizedValueFailsTheCommitNamingTheLimitAndCommittedStateSurvives() {
        Map<String, String> c = config("e7", P + "maxValueBytes", "1024", "stores.scores.object.cache.size", "0");
        KeyValueStore<String, String> engine = SamzaEngines.openStrings(c, "Partition_0");
        try {
            engine.put("kept", "committed");
            engine.flush();
            assertThatThrownBy(() -> engine.put("big", "x".repeat(1025))).isInstanceOf(LimitExceededException.class)
                    .hasMessageContainingAll("1025", "1024");
            assertThatThrownBy(() -> engine.put("x".repeat(70_000), "v")).isInstanceOf(LimitExceededException.class)
                    .hasMessageContaining("key");
        } finally {
            SamzaEngines.stop(engine);
        }
        KeyValueStore<String, String> reopened = SamzaEngines.openStrings(c, "Partition_0");
        try {
            assertThat(reopened.get("kept")).isEqualTo("committed");
            assertThat(reopened.get("big")).isNull();
        } finally {
            SamzaEngines.stop(reopened);
        }
    }
}
