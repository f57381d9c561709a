package io.ledgerkv.fault.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.Progress;
import io.ledgerkv.fault.checker.Checker;
import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.nemesis.FaultKind;
import io.ledgerkv.testing.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /**
     * The forced schedule: each run injects every fault kind once (the random schedule of a short run
     * reached at most five of nine), one bank run and one list-append run.
     */
    @Test
    void realStoreSurvivesEveryFaultKindWithoutAnomalies(@TempDir Path out) throws Exception {
        List<FaultKind> all = Arrays.asList(FaultKind.values());
        List<String> lines = new CopyOnWriteArrayList<>();

        CampaignRunner.Summary s = CampaignRunner.run(2, 20_261_127L, RUN, 3, all, Campaign.Bug.NONE, "alternate", null, false, true, out,
                true, (phase, done, total) -> lines.add(phase));

        assertThat(s.anomaliesByKind()).isEmpty();
        assertThat(s.anomalies()).isZero();
        assertThat(s.faults().keySet()).as("every fault kind was injected (failed injections: %s)", s.failedInjections())
                .containsExactlyInAnyOrderElementsOf(all.stream().map(Enum::name).toList());
        // one line per finished run, and every run's history kept, compressed, re-checkable
        assertThat(lines.stream().filter(l -> l.startsWith("run-"))).hasSize(2).allMatch(l -> l.contains(" acked, ")
                && l.endsWith(" 0 anomalies"));
        try (var files = Files.list(out)) {
            List<Path> histories = files.filter(p -> p.toString().endsWith(".history.jsonl.gz")).toList();
            assertThat(histories).hasSize(2);
            for (Path h : histories) {
                assertThat(Checker.check(History.load(h)).valid()).isTrue();
            }
        }
        assertThat(s.ackedCommits()).as("the workload made progress").isGreaterThan(500);
        // the workloads read inside the transaction and guard what they read: stale reads are refused, not written
        assertThat(s.failedCommits()).as("conditions refused commits whose reads had gone stale").isPositive();
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

    /**
     * The fencing fault fences a writer that is committing: its workers keep committing while the
     * successor opens, so the old writer has commits in flight at the fence, and some of them fail
     * fenced; nothing it acknowledged is lost.
     */
    @Test
    void theSuccessorFencesAWriterWithCommitsInFlight() {
        Campaign.Result r = Campaign.run(new Campaign.Config(31, "list-append", RUN, 3, List.of(FaultKind.SUCCESSOR_FENCES_WRITER),
                Campaign.Bug.NONE));

        assertThat(r.check().anomalies()).isEmpty();
        assertThat(r.faults()).containsKey(FaultKind.SUCCESSOR_FENCES_WRITER.name());
        long inFlightAtFence = r.history().events().stream()
                .filter(e -> e.type() == Event.Type.NEMESIS_END
                        && e.value().get("oldWriterInFlightAtStart") != null)
                .mapToLong(e -> ((Number) e.value().get("oldWriterInFlightAtStart")).longValue()).sum();
        long failedFenced = r.history().events().stream()
                .filter(e -> e.type() == Event.Type.INFO && String.valueOf(e.error()).contains("Fenced"))
                .count();
        System.out.println("fencing: " + r.faults() + ", commits in flight at the fences " + inFlightAtFence + ", failed fenced "
                + failedFenced + ", indeterminate resolved " + r.check().indeterminate());
        assertThat(inFlightAtFence).as("the old writer had commits in flight when its successor began to open").isPositive();
        assertThat(failedFenced).as("commits of the old writer failed with StoreFencedException").isPositive();
        // checkpoints ran (the WAL was trimmed behind them) and the standby's reads, checked with the rest, went through
        @SuppressWarnings("unchecked")
        Map<String, Integer> checkpoints = (Map<String, Integer>) r.history().meta().get("checkpoints");
        Set<Integer> standbyProcesses = new HashSet<>();
        r.history().events().stream().filter(e -> e.type() == Event.Type.INVOKE
                && Boolean.TRUE.equals(e.value().get("standby"))).forEach(e -> standbyProcesses.add(e.process()));
        long standbyReads = r.history().events().stream().filter(e -> e.type() == Event.Type.OK
                && "read".equals(e.f()) && standbyProcesses.contains(e.process())).count();
        System.out.println("checkpoints " + checkpoints + ", standby reads " + standbyReads);
        assertThat(checkpoints.getOrDefault("ok", 0)).as("checkpoints during the run").isPositive();
        assertThat(standbyReads).as("standby reads during the run").isPositive();
    }

    /**
     * A fenced writer that reports the commits it had in flight as acknowledged: some of them the
     * fenced ledger refused, so they are acknowledged and missing.
     */
    @Test
    void acknowledgingAfterTheFenceIsCaught() {
        Campaign.Result r = Campaign.run(new Campaign.Config(32, "list-append", RUN, 3, List.of(FaultKind.SUCCESSOR_FENCES_WRITER),
                Campaign.Bug.ACK_AFTER_FENCE));

        System.out.println("acknowledged when fenced: " + r.check().anomalies());
        assertThat(r.check().anomalies()).extracting(a -> a.kind()).containsAnyOf("lost-ack", "acked-after-fence");
    }

    /**
     * One acknowledged transaction that never reaches the log, in the middle of the first epoch and
     * with no fault at all: the list-append workload appends to what the store returned, so the lost
     * element never comes back. (The old workload rewrote each whole list from the client's memory,
     * which put a lost element back with the next append to that list.)
     */
    @Test
    void anAcknowledgedTransactionLostMidEpochIsCaught() {
        Campaign.Result r = Campaign.run(new Campaign.Config(33, "list-append", Duration.ofSeconds(8), 3, List.of(),
                Campaign.Bug.LOSE_ACKED_MID_EPOCH));

        assertThat(r.faults()).isEmpty();
        // lost-ack if no later transaction read the lost append; if one did, it carried the id on
        // (the writer's memory still had it) and the lost transaction's own marker is what is missing
        System.out.println("lost mid-epoch: " + r.check().anomalies());
        assertThat(r.check().anomalies()).extracting(a -> a.kind()).containsAnyOf("lost-ack", "partial-transaction");
    }

    @Test
    void acknowledgingBeforeTheQuorumIsCaughtAsLostAcknowledgedCommits() {
        Campaign.Result r = Campaign.run(new Campaign.Config(11, "bank", RUN, 3, List.of(FaultKind.CRASH_WRITER_IN_OUTAGE),
                Campaign.Bug.ACK_BEFORE_QUORUM));

        assertThat(r.faults()).containsKey(FaultKind.CRASH_WRITER_IN_OUTAGE.name());
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
