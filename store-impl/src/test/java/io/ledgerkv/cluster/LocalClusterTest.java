package io.ledgerkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.client.BookKeeperAdmin;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.bookkeeper.net.BookieId;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

class LocalClusterTest {

    private static Collection<BookieId> available(BookKeeperAdmin admin) throws Exception {
        return admin.getAvailableBookies();
    }

    @Test
    void bookiesCanBeKilledRestartedAndAdded() throws Exception {
        Path dir;
        try (LocalCluster c = LocalCluster.start(3);
             BookKeeperAdmin admin = new BookKeeperAdmin(new ClientConfiguration().setMetadataServiceUri(c.metadataServiceUri()))) {
            dir = c.dataDir();
            assertThat(available(admin)).hasSize(3);
            BookieId victim = c.bookieId(1);
            c.killBookie(1);
            assertThat(c.isRunning(1)).isFalse();
            await().atMost(Duration.ofSeconds(30)).until(() -> !available(admin).contains(victim));
            assertThatThrownBy(() -> c.killBookie(1)).hasMessageContaining("not running");
            c.restartBookie(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> available(admin).contains(victim));
            assertThat(c.bookieId(1)).as("same port, same id").isEqualTo(victim);
            int added = c.startNewBookie();
            assertThat(added).isEqualTo(3);
            await().atMost(Duration.ofSeconds(30)).until(() -> available(admin).size() == 4);
            assertThat(c.runningBookies()).containsExactly(0, 1, 2, 3);
            c.suspendBookie(0);
            assertThat(c.isSuspended(0)).isTrue();
            c.resumeBookie(0);
            assertThat(c.indexOf(c.bookieId(2))).isEqualTo(2);
        }
        assertThat(Files.exists(dir)).as("data removed on close").isFalse();
    }

    @Test
    void expireSessionEndsAClientsSession() throws Exception {
        try (LocalCluster c = LocalCluster.start(1)) {
            CountDownLatch connected = new CountDownLatch(1);
            CountDownLatch expired = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper(c.connectString(), 10_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                } else if (e.getState() == Watcher.Event.KeeperState.Expired) {
                    expired.countDown();
                }
            });
            try {
                assertThat(connected.await(30, TimeUnit.SECONDS)).isTrue();
                c.expireSession(zk);
                assertThat(expired.await(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                zk.close();
            }
        }
    }
}
