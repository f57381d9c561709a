package io.ledgerkv.cli;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.store.DefaultLedgerKv;
import io.ledgerkv.testing.ClusterExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.apache.bookkeeper.net.BookieId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ledgerkv status} as a health check: exit 0 while a writer holds the store and its bookies
 * are up, exit 4 with the reason when no writer holds it, when an ensemble bookie dies
 * (under-replicated) and when fewer bookies than the ack quorum are left.
 */
class StatusHealthTest {
    @RegisterExtension
    final ClusterExtension clusterExt = new ClusterExtension(4).perTest();

    private record Result(int code, String out, String err) {
    }

    private Result status(String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = new String[extra.length + 3];
        args[0] = "status";
        args[1] = "--zk=" + clusterExt.cluster().connectString();
        args[2] = "--connect-timeout=5s";
        System.arraycopy(extra, 0, args, 3, extra.length);
        int code = LedgerKvCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void statusExitsNonZeroAndSaysWhyWhenTheStoreCannotTakeWrites() {
        LocalCluster cluster = clusterExt.cluster();
        DefaultLedgerKv kv = clusterExt.connect();
        String name = freshName("health");
        KvStore writer = kv.open(name, config().quorum(3, 3, 2).build());
        writer.put(b("k"), b("v"));

        Result ok = status("--store", name);
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("health    OK");
        assertThat(status().out()).containsPattern(name + " .* OK");

        writer.close();
        Result noWriter = status("--store", name);
        assertThat(noWriter.code()).isEqualTo(4);
        assertThat(noWriter.out()).contains("UNHEALTHY", "no writer: no process holds writer epoch");
        Result list = status();
        assertThat(list.code()).isEqualTo(4);
        assertThat(list.out()).contains(name, "UNHEALTHY: no writer");
        assertThat(status("--store", name, "--json").out()).contains("\"problems\"", "no writer");

        writer = kv.open(name, config().quorum(3, 3, 2).build());
        writer.put(b("k2"), b("v2"));
        assertThat(status("--store", name).code()).isZero();

        StoreStatus st = kv.status(name);
        List<String> ensemble = st.ledgers().get(st.ledgers().size() - 1).fragments().get(0).ensemble();
        String victim = ensemble.get(0);
        cluster.killBookie(cluster.indexOf(BookieId.parse(victim)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Result r = status("--store", name);
            assertThat(r.code()).isEqualTo(4);
            assertThat(r.out()).contains("under-replicated: ledger", "[" + victim + "] that are down");
        });

        for (String other : ensemble.subList(1, 3)) {
            cluster.killBookie(cluster.indexOf(BookieId.parse(other)));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Result r = status("--store", name);
            assertThat(r.code()).isEqualTo(4);
            assertThat(r.out()).contains("bookies below the ack quorum: 1 writable, ack quorum 2");
        });
        assertThat(status("--store", name).out()).doesNotContain("test-secret");
    }
}
