package io.ledgerkv.cluster;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.testing.CliRun;
import io.ledgerkv.testing.ProcessCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The harness the process-cluster test run rests on: {@code ledgerkv cluster} really runs in another
 * JVM, a store written through it survives a client restart, {@code ledgerkv status} reads it,
 * and closing it ends the process.
 */
class ProcessClusterTest {
    @Test
    void aClusterInAnotherJvmServesTheStoreAndStopsOnClose() {
        ProcessCluster cluster = ProcessCluster.start(3);
        try {
            assertThat(cluster.pid()).isNotEqualTo(ProcessHandle.current().pid());
            try (LedgerKv kv = LedgerKv.connect(cluster.clientConfig().build());
                 KvStore s = kv.open("over-the-wire", config().build())) {
                s.put(b("k"), b("v"));
            }
            try (LedgerKv kv = LedgerKv.connect(cluster.clientConfig().build());
                 KvStore s = kv.open("over-the-wire", config().build())) {
                assertThat(s.get(b("k"))).isEqualTo(b("v"));
                StringWriter out = new StringWriter();
                int code = CliRun.invoke(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "status",
                        "--zk=" + cluster.connectString(), "--store", "over-the-wire");
                assertThat(code).as(out.toString()).isZero();
                assertThat(out.toString()).contains("health    OK", "3 available");
            }
        } finally {
            cluster.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !cluster.isAlive());
    }
}
