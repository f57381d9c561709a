package io.ledgerkv.cluster;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * Three ZooKeeper servers and four bookies, each its own JVM (in a network namespace of its own
 * when this host allows it): a store written through them survives a bookie SIGKILL and restart on
 * its own data, a SIGSTOPped ZooKeeper server (really stopped: state T) while the ensemble keeps
 * its majority, and a killed ZooKeeper server that comes back and serves again; closing the cluster
 * leaves no process and no namespace behind.
 */
class MultiProcessClusterTest {
    @Test
    void processesServeAStoreThroughKillsPausesAndRestarts() throws Exception {
        boolean namespaces = NetNamespaces.unavailableReason() == null;
        MultiProcessCluster c = MultiProcessCluster.start(new MultiProcessCluster.Options(3, 4, null, namespaces));
        List<Long> pids = new ArrayList<>();
        String zk0Namespace = namespaces ? c.network().namespace(c.zooKeeperNode(0)) : null;
        try {
            assertThat(c.bookiePid(0)).isNotEqualTo(ProcessHandle.current().pid());
            if (namespaces) {
                assertThat(c.connectString()).startsWith("10.77.");
                assertThat(NetNamespaces.run(List.of("ip", "netns", "list"))).contains(zk0Namespace);
            }
            ClientConfig cc = ClientConfig.builder(c.connectString()).sessionTimeout(Duration.ofSeconds(6)).build();
            try (LedgerKv kv = LedgerKv.connect(cc); KvStore s = kv.open("processes", config().quorum(3, 3, 2).build())) {
                s.put(b("a"), b("1"));
                long killed = c.bookiePid(0);
                c.killBookie(0);
                assertThat(c.bookieAlive(0)).isFalse();
                assertThat(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                s.put(b("b"), b("2")); // the ensemble changes to the spare bookie
                c.restartBookie(0);
                assertThat(c.bookiePid(0)).isNotEqualTo(killed);
                c.pauseZooKeeper(1);
                assertThat(processState(c.zooKeeperPid(1))).as("SIGSTOPped").isEqualTo('T');
                s.put(b("c"), b("3"));
                c.resumeZooKeeper(1);
                c.killZooKeeper(2);
                s.put(b("d"), b("4"));
                c.restartZooKeeper(2);
                String zk2 = c.connectString().split(",")[2];
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                    try (ZooKeeper z = new ZooKeeper(zk2, 6_000, e -> { })) {
                        return z.exists("/ledgers", false) != null; // the restarted server rejoined and serves
                    }
                });
            }
            try (LedgerKv kv = LedgerKv.connect(cc); KvStore s = kv.open("processes", config().quorum(3, 3, 2).build())) {
                assertThat(s.get(b("a"))).isEqualTo(b("1"));
                assertThat(s.get(b("b"))).isEqualTo(b("2"));
                assertThat(s.get(b("c"))).isEqualTo(b("3"));
                assertThat(s.get(b("d"))).isEqualTo(b("4"));
            }
            for (int i = 0; i < c.bookieCount(); i++) {
                pids.add(c.bookiePid(i));
            }
            for (int i = 0; i < c.zooKeeperCount(); i++) {
                pids.add(c.zooKeeperPid(i));
            }
        } finally {
            c.close();
        }
        assertThat(pids).hasSize(7).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("process %d after close", pid).isFalse());
        if (namespaces) {
            assertThat(NetNamespaces.run(List.of("ip", "netns", "list"))).doesNotContain(zk0Namespace);
        }
    }

    /** The state letter in /proc/PID/stat (R, S, T for stopped, ...). */
    private static char processState(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
