package io.ledgerkv.cluster;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Three ZooKeeper servers and four bookies, each its own JVM (in a network namespace of its own
 * when this host allows it): a store written through them survives a bookie SIGKILL and restart on
 * its own data, a SIGSTOPped ZooKeeper server (the ensemble keeps its majority), and a killed
 * ZooKeeper server that comes back; and closing the cluster leaves no process behind.
 */
class MultiProcessClusterTest {
    @Test
    void processesServeAStoreThroughKillsPausesAndRestarts() throws Exception {
        boolean namespaces = NetNamespaces.unavailableReason() == null;
        MultiProcessCluster c = MultiProcessCluster.start(new MultiProcessCluster.Options(3, 4, null, namespaces));
        long bookiePid;
        try {
            bookiePid = c.bookiePid(0);
            assertThat(bookiePid).isNotEqualTo(ProcessHandle.current().pid());
            if (namespaces) {
                assertThat(c.connectString()).startsWith("10.77.");
            }
            ClientConfig cc = ClientConfig.builder(c.connectString()).sessionTimeout(Duration.ofSeconds(6)).build();
            try (LedgerKv kv = LedgerKv.connect(cc); KvStore s = kv.open("processes", config().quorum(3, 3, 2).build())) {
                s.put(b("a"), b("1"));
                c.killBookie(0);
                assertThat(c.bookieAlive(0)).isFalse();
                s.put(b("b"), b("2")); // the ensemble changes to the spare bookie
                c.restartBookie(0);
                c.pauseZooKeeper(1);
                s.put(b("c"), b("3"));
                c.resumeZooKeeper(1);
                c.killZooKeeper(2);
                s.put(b("d"), b("4"));
                c.restartZooKeeper(2);
            }
            try (LedgerKv kv = LedgerKv.connect(cc); KvStore s = kv.open("processes", config().quorum(3, 3, 2).build())) {
                assertThat(s.get(b("a"))).isEqualTo(b("1"));
                assertThat(s.get(b("b"))).isEqualTo(b("2"));
                assertThat(s.get(b("c"))).isEqualTo(b("3"));
                assertThat(s.get(b("d"))).isEqualTo(b("4"));
            }
        } finally {
            c.close();
        }
        assertThat(ProcessHandle.of(bookiePid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
}
