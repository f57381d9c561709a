package io.ledgerkv.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One short comparison end to end: a 3-node KRaft cluster of real broker processes and a
 * LocalCluster, 3,000 updates of 100 B JSON values through a Kafka Streams task and a ledgerkv
 * task, then two failovers each (1,000 keys, 2,000 updates; the task process is SIGKILLed, and a
 * replacement with an empty state directory, or a hot standby, must serve every key with its last
 * value).
 */
class PeerBenchSmokeTest {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void oneShortComparisonOfBothSystems(@TempDir Path out) throws Exception {
        PeerBench bench = new PeerBench();
        int rc = new CommandLine(bench).execute("--out", out.toString(), "--repeats", "1", "--updates", "3000", "--throughput-keys", "1000",
                "--value-bytes", "100", "--shapes", "json", "--kafka-flush", "default", "--failover-keys", "1000", "--history-factor", "2", "--standbys", "0,1", "--warmup-rounds", "0",
                "--timeout-s", "90");

        assertThat(rc).isZero();
        assertThat(bench.throughput).extracting(PeerBench.ThroughputRow::system).containsExactlyInAnyOrder("ledgerkv", "kafka-streams");
        assertThat(bench.throughput).allSatisfy(r -> assertThat(r.updatesPerS()).isPositive());
        // CPU is read from /proc for the task, the brokers and the bookies: the task and the brokers (which serve the
        // input to both) used some in every timed window, and the bookies in ledgerkv's.
        assertThat(bench.throughput).allSatisfy(r -> assertThat(r.cpu().taskMs()).isPositive());
        assertThat(bench.throughput).allSatisfy(r -> assertThat(r.cpu().brokerMs()).isPositive());
        assertThat(bench.throughput).filteredOn(r -> r.system().equals("ledgerkv")).allSatisfy(r -> assertThat(r.cpu().bookkeeperMs()).isPositive());
        // Each failover row exists only if the replacement (or the promoted standby) read all 1,000 keys with their final values.
        assertThat(bench.failover).extracting(r -> r.system() + "/" + r.standbys())
                .containsExactlyInAnyOrder("ledgerkv/0", "kafka-streams/0", "ledgerkv/1", "kafka-streams/1");
        assertThat(bench.failover).allSatisfy(r -> assertThat(r.servedMs()).isPositive());
        // The harness removes the killed Streams member from the group at once: the standby must not wait out the dead
        // member's 45 s session (it did while the removal named the wrong group.instance.id and its failure was ignored).
        assertThat(bench.failover).filteredOn(r -> r.standbys() == 1).allSatisfy(r -> assertThat(r.servedMs()).isLessThan(40_000));
        assertThat(Files.readAllLines(out.resolve("throughput.csv"))).hasSize(3);
        assertThat(Files.readAllLines(out.resolve("failover.csv"))).hasSize(5);
        assertThat(Files.readString(out.resolve("summary.md"))).contains("ledgerkv ÷ Kafka Streams");
        assertThat(out.resolve("throughput.png")).isNotEmptyFile();
    }
}
