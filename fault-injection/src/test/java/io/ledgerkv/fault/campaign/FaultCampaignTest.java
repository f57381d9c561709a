package io.ledgerkv.fault.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.Progress;
import io.ledgerkv.fault.checker.Checker;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.nemesis.FaultKind;
import io.ledgerkv.testing.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short campaigns in the default build: the real store under every fault kind must come out with no
 * anomaly, and each deliberately broken store variant must be caught by the same campaign and
 * checker (otherwise a clean result would mean nothing). The long campaign is
 * {@code ./ledgerkv fault run --runs 200}, see the module README.
 */
class FaultCampaignTest {
    private static final Duration RUN = Duration.ofSeconds(15);

    @Test
    void realStoreSurvivesEveryFaultKindWithoutAnomalies(@TempDir Path out) throws Exception {
        List<FaultKind> all = Arrays.asList(FaultKind.values());

        CampaignRunner.Summary s = CampaignRunner.run(2, 20_261_127L, RUN, 3, all, Campaign.Bug.NONE, "alternate", null, false, out, true,
                Progress.NONE);

        assertThat(s.anomaliesByKind()).isEmpty();
        assertThat(s.anomalies()).isZero();
        assertThat(s.ackedCommits()).as("the workload made progress").isGreaterThan(500);
        assertThat(s.faults().values().stream().mapToLong(Long::longValue).sum()).as("faults were injected").isGreaterThanOrEqualTo(4);
        assertThat(Files.readString(out.resolve("summary.md"))).contains("| anomalies | **0**");
        assertThat(out.resolve("summary.json")).exists();
        try (var files = Files.list(out)) {
            assertThat(files.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(2);
        }
    }

    /**
     * The campaign against an external cluster (here {@code ledgerkv cluster} in another JVM): the
     * writer-side faults run, each run gets a store of its own, and the history checks clean. Bookie
     * faults are refused with the reason, since only the orchestrator can kill an external bookie.
     */
    @Test
    void writerSideFaultsRunAgainstAnExternalClusterAndBookieFaultsAreRefused() {
        List<FaultKind> writerSide = Arrays.stream(FaultKind.values()).filter(k -> !k.needsEmbeddedCluster()).toList();
        assertThat(writerSide).containsExactlyInAnyOrder(FaultKind.EXPIRE_WRITER_SESSION, FaultKind.CRASH_WRITER,
                FaultKind.SUCCESSOR_FENCES_WRITER);
        try (ProcessCluster external = ProcessCluster.start(4)) {
            Campaign.Result a = Campaign.run(new Campaign.Config(21, "bank", Duration.ofSeconds(10), 3, writerSide, Campaign.Bug.NONE,
                    external.connectString()));
            Campaign.Result b = Campaign.run(new Campaign.Config(22, "list-append", Duration.ofSeconds(10), 3, writerSide,
                    Campaign.Bug.NONE, external.connectString()));
            for (Campaign.Result r : List.of(a, b)) {
                assertThat(r.check().anomalies()).isEmpty();
                assertThat(r.faults().values().stream().mapToInt(Integer::intValue).sum()).as("faults were injected").isPositive();
                assertThat(r.history().meta()).containsEntry("cluster", external.connectString());
            }
            assertThat(a.history().meta().get("store")).isNotEqualTo(b.history().meta().get("store"));
            assertThatThrownBy(() -> Campaign.run(new Campaign.Config(23, "bank", Duration.ofSeconds(5), 3,
                    List.of(FaultKind.KILL_BOOKIE), Campaign.Bug.NONE, external.connectString())))
                    .hasMessageContaining("[KILL_BOOKIE] act on bookies").hasMessageContaining("orchestrator");
        }
    }

    @Test
    void acknowledgingBeforeTheQuorumIsCaughtAsLostAcknowledgedCommits() {
        Campaign.Result r = Campaign.run(new Campaign.Config(11, "bank", RUN, 3, List.of(FaultKind.CRASH_WRITER_IN_OUTAGE),
                Campaign.Bug.ACK_BEFORE_QUORUM));

        assertThat(r.faults()).containsKey(FaultKind.CRASH_WRITER_IN_OUTAGE);
        assertThat(r.check().anomalies()).extracting(a -> a.kind()).contains("lost-ack");
    }

    @Test
    void replayingHalfATransactionIsCaughtAsPartialTransactions(@TempDir Path dir) {
        Campaign.Result r = Campaign.run(new Campaign.Config(12, "list-append", RUN, 3, List.of(FaultKind.CRASH_WRITER),
                Campaign.Bug.HALF_TRANSACTION_ON_REPLAY));

        assertThat(r.check().anomalies()).extracting(a -> a.kind()).contains("partial-transaction");
        // the saved history reproduces the verdict offline, as `ledgerkv fault check` does
        Path file = dir.resolve("run.history.jsonl");
        r.history().save(file);
        assertThat(Checker.check(History.load(file)).anomalies()).hasSameSizeAs(r.check().anomalies());
    }
}
