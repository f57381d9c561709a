package io.ledgerkv.cluster;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.testing.ProcessCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster started on a data directory it ran on before serves every store it had: same bookie
 * ids, same BookKeeper instance (issue 19). Stopped cleanly (SIGTERM) and killed (SIGKILL), as a
 * separate process, and in this JVM.
 */
class ClusterRestartTest {

    private static void write(ClientConfig cc, String store, String key, String value) {
        try (LedgerKv kv = LedgerKv.connect(cc); KvStore s = kv.open(store, config().build())) {
            s.put(b(key), b(value));
        }
    }

    private static Map<String, String> read(ClientConfig cc, String store) {
        try (LedgerKv kv = LedgerKv.connect(cc); KvStore s = kv.openReadOnly(store, config().build())) {
            return contents(s);
        }
    }

    @Test
    void aProcessClusterRestartsOnItsDataAfterSigtermAndAfterSigkill(@TempDir Path data) {
        try (ProcessCluster c = ProcessCluster.start(3, data)) {
            write(c.clientConfig().build(), "kept", "a", "1");
        } // SIGTERM: the shutdown hook stops bookies and ZooKeeper
        ProcessCluster second = ProcessCluster.start(3, data);
        try {
            assertThat(read(second.clientConfig().build(), "kept")).containsExactly(Map.entry("a", "1"));
            write(second.clientConfig().build(), "kept", "b", "2");
        } finally {
            second.kill(); // SIGKILL: no shutdown at all
        }
        try (ProcessCluster third = ProcessCluster.start(3, data)) {
            assertThat(third.connectString()).isEqualTo(second.connectString());
            assertThat(read(third.clientConfig().build(), "kept")).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
            write(third.clientConfig().build(), "kept", "c", "3"); // and writable
        }
    }

    @Test
    void anInProcessClusterRestartsOnItsData(@TempDir Path data) throws Exception {
        String connect;
        try (LocalCluster c = LocalCluster.builder().bookies(3).dataDir(data, false).start()) {
            connect = c.connectString();
            write(c.clientConfig().build(), "kept", "a", "1");
        }
        try (LocalCluster c = LocalCluster.builder().bookies(3).dataDir(data, false).start()) {
            assertThat(c.connectString()).isEqualTo(connect);
            assertThat(read(c.clientConfig().build(), "kept")).containsExactly(Map.entry("a", "1"));
        }
    }

    @Test
    @SuppressWarnings("AddressSelection") // LocalCluster binds 127.0.0.1: the busy port must be taken on that address
    void aBusyPortIsNamed(@TempDir Path data) throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> LocalCluster.builder().bookies(1).zkPort(busy.getLocalPort()).dataDir(data, false).start())
                    .hasMessageContaining("port " + busy.getLocalPort())
                    .hasMessageContaining("in use");
        }
    }
}
