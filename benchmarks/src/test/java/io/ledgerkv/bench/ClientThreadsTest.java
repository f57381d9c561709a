package io.ledgerkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.bench.ClientThreads.Group;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which thread counts as the store's, and that a snapshot pair sees a busy thread's CPU and allocation. */
class ClientThreadsTest {

    @Test
    void threadNamesMapToGroups() {
        // names as they appear in a CommitThroughputBenchmark fork (taken from -Dledgerkv.bench.threads tables)
        assertThat(ClientThreads.group("io.ledgerkv.bench.store.CommitCostBenchmark.commit-jmh-worker-1")).isEqualTo(Group.CALLER);
        assertThat(ClientThreads.group("io.ledgerkv.bench.store.CommitCostBenchmark.commit-jmh-worker-1-EventThread"))
                .isEqualTo(Group.OTHER);
        assertThat(ClientThreads.group("io.ledgerkv.bench.store.CommitCostBenchmark.commit-jmh-worker-1-SendThread(127.0.0.1:46387)"))
                .isEqualTo(Group.OTHER);
        assertThat(ClientThreads.group("ledgerkv-committer-commit")).isEqualTo(Group.STORE);
        assertThat(ClientThreads.group("ledgerkv-completions-3")).isEqualTo(Group.STORE);
        assertThat(ClientThreads.group("bookkeeper-io-41-2")).isEqualTo(Group.BK_CLIENT);
        assertThat(ClientThreads.group("BookKeeperClientWorker-OrderedExecutor-1-0")).isEqualTo(Group.BK_CLIENT);
        assertThat(ClientThreads.group("bookie-io-22-1")).isEqualTo(Group.OTHER);
        assertThat(ClientThreads.group("BookieJournal-34761")).isEqualTo(Group.OTHER);
        assertThat(ClientThreads.group("ForceWriteThread")).isEqualTo(Group.OTHER);
    }

    @Test
    void aBusyStoreThreadShowsUpInItsGroup() throws InterruptedException {
        assertThat(ClientThreads.supported()).isTrue();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        long[] sink = new long[1];
        Thread t = new Thread(() -> {
            try {
                go.await();
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
                byte[][] keep = new byte[64][];
                int i = 0;
                while (System.nanoTime() < deadline) {
                    keep[i++ & 63] = new byte[1024];
                    sink[0] += keep[(i * 7) & 63] == null ? 0 : 1;
                }
                done.countDown();
                release.await(); // stay alive until the second snapshot: a dead thread's counters are gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ledgerkv-test-busy");
        t.start();
        ClientThreads.Snapshot before = ClientThreads.take();
        go.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        ClientThreads.Usage u = ClientThreads.between(before, ClientThreads.take());
        release.countDown();
        t.join(10_000);

        assertThat(u.cpuNanos().get(Group.STORE)).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(5));
        assertThat(u.allocatedBytes().get(Group.STORE)).isGreaterThan(64 * 1024);
        assertThat(u.ownCpuNanos()).isGreaterThanOrEqualTo(u.cpuNanos().get(Group.STORE));
        assertThat(sink[0]).isPositive();
    }
}
