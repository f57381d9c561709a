package io.ledgerkv.fault.campaign;

import io.ledgerkv.api.Progress;
import io.ledgerkv.fault.checker.CheckResult;
import io.ledgerkv.fault.nemesis.FaultKind;
import io.ledgerkv.meta.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Runs N campaign runs (seed, seed+1, ...; workloads alternating bank and list-append), checks
 * each, and writes the results folder: {@code summary.md} and {@code summary.json} (runs,
 * operations, faults by kind, acknowledged and indeterminate commits and how they resolved,
 * anomalies), a timeline chart per run, every run's history ({@code .history.jsonl.gz}), and the
 * anomalies of each run that has any.
 */
public final class CampaignRunner {

    /** Totals over all runs. */
    public record Summary(int runs, long operations, long ackedCommits, long failedCommits, long indeterminate,
                          Map<String, Long> indeterminateResolved, Map<String, Long> faults, Map<String, Long> failedInjections,
                          long anomalies,
                          Map<String, Long> anomaliesByKind, List<String> failedRuns, long millis) {
    }

    /** The progress phase of "run i is starting"; after each run, the phase is that run's one-line result. */
    public static final String PHASE = "runs";

    private CampaignRunner() {
    }

    public static Summary run(int runs, long seed, Duration duration, int writers, List<FaultKind> faults, Campaign.Bug bug,
                              String workloadChoice, String zk, boolean encrypt, Path out, boolean charts, Progress progress) {
        return run(runs, seed, duration, writers, faults, bug, workloadChoice, zk, encrypt, false, out, charts, progress);
    }

    /**
     * Runs {@code runs} in-JVM campaign runs, as the overload above does.
     *
     * @param everyKindOnce each run injects every enabled kind once (see {@link Campaign.Config})
     */
    public static Summary run(int runs, long seed, Duration duration, int writers, List<FaultKind> faults, Campaign.Bug bug,
                              String workloadChoice, String zk, boolean encrypt, boolean everyKindOnce, Path out, boolean charts,
                              Progress progress) {
        return run(runs, seed, duration, writers, faults, faults.stream().map(Enum::name).toList(), bug, workloadChoice, zk, encrypt,
                everyKindOnce, out, charts, progress, Campaign::run, "");
    }

    /**
     * The general form: {@code one} runs one configured run (the in-JVM {@link Campaign} or a
     * {@link ProcessCampaign}, which has kinds of its own and gets no {@code kinds}); {@code faults}
     * names the kinds enabled and {@code replayFlags} are the extra {@code fault run} flags that replay it.
     */
    public static Summary run(int runs, long seed, Duration duration, int writers, List<FaultKind> kinds, List<String> faults,
                              Campaign.Bug bug,
                              String workloadChoice, String zk, boolean encrypt, boolean everyKindOnce, Path out, boolean charts,
                              Progress progress, Function<Campaign.Config, Campaign.Result> one, String replayFlags) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long t0 = System.nanoTime();
        long ops = 0;
        long acked = 0;
        long failed = 0;
        long info = 0;
        long anomalies = 0;
        Map<String, Long> resolved = new TreeMap<>();
        Map<String, Long> faultCounts = new TreeMap<>();
        Map<String, Long> failedInjections = new TreeMap<>();
        List<String> failedRuns = new ArrayList<>();
        Map<String, Long> byKind = new TreeMap<>();
        List<Map<String, Object>> perRun = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long s = seed + i;
            String workload = switch (workloadChoice) {
                case "bank", "list-append" -> workloadChoice;
                default -> i % 2 == 0 ? "bank" : "list-append";
            };
            progress.update(PHASE, i, runs);
            String name = String.format(Locale.ROOT, "run-%03d-%s-seed%d", i, workload, s);
            Campaign.Result r;
            try {
                r = one.apply(new Campaign.Config(s, workload, duration, writers, kinds, bug, zk, encrypt, everyKindOnce));
            } catch (RuntimeException e) {
                // The harness itself failed (a cluster node would not restart, a run could not finish): never a clean run.
                anomalies++;
                byKind.merge("harness-error", 1L, Long::sum);
                failedRuns.add(name);
                writeError(out, name, e);
                progress.update(name + ": harness error: " + e, i + 1, runs);
                writeSummary(out, new Summary(i + 1, ops, acked, failed, info, resolved, faultCounts, failedInjections, anomalies, byKind,
                        failedRuns, (System.nanoTime() - t0) / 1_000_000), perRun, runs, seed, duration, writers, faults, bug,
                        workloadChoice, encrypt, replayFlags);
                continue;
            }
            CheckResult c = r.check();
            long runOps = c.outcomes().values().stream().mapToLong(Long::longValue).sum();
            ops += runOps;
            long runAcked = c.outcomes().entrySet().stream().filter(e -> e.getKey().endsWith(":OK") && !e.getKey().contains("read")
                    && !e.getKey().startsWith("setup")).mapToLong(Map.Entry::getValue).sum();
            long runFailed = c.outcomes().entrySet().stream().filter(e -> e.getKey().endsWith(":FAIL") && !e.getKey().contains("read"))
                    .mapToLong(Map.Entry::getValue).sum();
            long runInfo = c.outcomes().entrySet().stream().filter(e -> e.getKey().endsWith(":INFO")).mapToLong(Map.Entry::getValue).sum();
            acked += runAcked;
            failed += runFailed;
            info += runInfo;
            c.indeterminate().forEach((k, v) -> resolved.merge(k, v, Long::sum));
            r.faults().forEach((k, v) -> faultCounts.merge(k, (long) v, Long::sum));
            r.failedInjections().forEach((k, v) -> failedInjections.merge(k, (long) v, Long::sum));
            anomalies += c.anomalies().size();
            c.anomalies().forEach(a -> byKind.merge(a.kind(), 1L, Long::sum));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("run", name);
            row.put("seed", s);
            row.put("workload", workload);
            row.put("operations", runOps);
            row.put("ackedCommits", runAcked);
            row.put("indeterminate", runInfo);
            row.put("faults", r.faults());
            row.put("failedInjections", r.failedInjections());
            row.put("anomalies", c.anomalies().stream().map(Object::toString).toList());
            row.put("millis", r.millis());
            perRun.add(row);
            try {
                if (charts) {
                    TimelineChart.write(r.history(), name + " (" + runAcked + " acked, " + r.faults().values().stream()
                            .mapToInt(Integer::intValue).sum() + " faults)", out.resolve(name + ".png"));
                }
                // Every run's history is kept (compressed): a clean run is evidence too, and can be re-checked.
                r.history().save(out.resolve(name + ".history.jsonl.gz"));
                if (!c.valid()) {
                    failedRuns.add(name);
                    Files.writeString(out.resolve(name + ".anomalies.txt"), String.join("\n",
                            c.anomalies().stream().map(Object::toString).toList()) + "\n");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            progress.update(String.format(Locale.ROOT, "%s: %d acked, %d indeterminate, %d faults, %d failed injections, %d anomalies%s",
                    name, runAcked, runInfo, r.faults().values().stream().mapToInt(Integer::intValue).sum(),
                    r.failedInjections().values().stream().mapToInt(Integer::intValue).sum(), c.anomalies().size(),
                    c.valid() ? "" : " " + c.anomalies().stream().map(a -> a.kind()).distinct().toList()), i + 1, runs);
            // Rewritten after every run: a campaign stopped part way still leaves a true summary of what ran.
            writeSummary(out, new Summary(i + 1, ops, acked, failed, info, resolved, faultCounts, failedInjections, anomalies, byKind,
                    failedRuns,
                    (System.nanoTime() - t0) / 1_000_000), perRun, runs, seed, duration, writers, faults, bug, workloadChoice, encrypt, replayFlags);
        }
        progress.update(PHASE, runs, runs);
        return new Summary(runs, ops, acked, failed, info, resolved, faultCounts, failedInjections, anomalies, byKind, failedRuns,
                (System.nanoTime() - t0) / 1_000_000);
    }

    private static void writeError(Path out, String name, RuntimeException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        try {
            Files.writeString(out.resolve(name + ".harness-error.txt"), trace.toString());
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
    }

    private static void writeSummary(Path out, Summary sum, List<Map<String, Object>> perRun, int planned, long seed, Duration duration,
                                     int writers, List<String> faults, Campaign.Bug bug, String workloadChoice, boolean encrypt,
                                     String replayFlags) {
        try {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("plannedRuns", planned);
            json.put("summary", sum);
            json.put("runs", perRun);
            Files.write(out.resolve("summary.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            String md = markdown(sum, perRun, seed, duration, writers, faults, bug, workloadChoice, encrypt, replayFlags);
            if (sum.runs() < planned) {
                md = "**In progress or interrupted: " + sum.runs() + " of " + planned + " planned runs done.**\n\n" + md;
            }
            Files.writeString(out.resolve("summary.md"), md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String markdown(Summary s, List<Map<String, Object>> perRun, long seed, Duration duration, int writers, List<String> faults,
                           Campaign.Bug bug, String workload, boolean encrypt, String replayFlags) {
        StringBuilder sb = new StringBuilder();
        sb.append("| | |\n|---|---|\n");
        sb.append("| runs | ").append(s.runs()).append(" (seeds ").append(seed).append("..").append(seed + s.runs() - 1)
                .append(", ").append(duration.toSeconds()).append(" s each, ").append(writers).append(" writer threads, workload ")
                .append(workload).append(bug == Campaign.Bug.NONE ? "" : ", BUG " + bug)
                .append(encrypt ? ", AES-GCM encrypted store" : "").append(") |\n");
        sb.append("| operations | ").append(String.format(Locale.ROOT, "%,d", s.operations())).append(" |\n");
        sb.append("| acknowledged commits | ").append(String.format(Locale.ROOT, "%,d", s.ackedCommits())).append(" |\n");
        sb.append("| failed commits (certainly not written) | ").append(s.failedCommits()).append(" |\n");
        sb.append("| indeterminate commits | ").append(s.indeterminate()).append(", resolved after recovery as ")
                .append(s.indeterminateResolved()).append(" |\n");
        sb.append("| faults injected | ").append(s.faults().values().stream().mapToLong(Long::longValue).sum()).append(": ")
                .append(s.faults()).append(" |\n");
        sb.append("| failed injections (not counted as faults) | ").append(s.failedInjections().values().stream()
                .mapToLong(Long::longValue).sum()).append(s.failedInjections().isEmpty() ? "" : ": " + s.failedInjections()).append(" |\n");
        sb.append("| anomalies | **").append(s.anomalies()).append("**").append(s.anomalies() == 0 ? "" : " " + s.anomaliesByKind())
                .append(s.failedRuns().isEmpty() ? "" : " in " + s.failedRuns()).append(" |\n");
        sb.append("| wall time | ").append(s.millis() / 1000).append(" s |\n");
        sb.append("\nFault kinds enabled: ").append(faults).append("\n");
        sb.append("\nReplay one run: `./ledgerkv fault run --runs 1 --seed SEED --workload WORKLOAD --duration ")
                .append(duration.toSeconds()).append(" --writers ").append(writers)
                .append(bug == Campaign.Bug.NONE ? "" : " --bug " + bug).append(encrypt ? " --encrypt" : "").append(replayFlags).append("` (the same faults at the same points of the"
                        + " schedule; thread interleavings differ). Re-check a kept history: `./ledgerkv fault check FILE`.\n");
        sb.append("\n| run | ops | acked | indeterminate | faults | anomalies | s |\n|---|---:|---:|---:|---|---:|---:|\n");
        for (Map<String, Object> r : perRun) {
            sb.append("| ").append(r.get("run")).append(" | ").append(r.get("operations")).append(" | ").append(r.get("ackedCommits"))
                    .append(" | ").append(r.get("indeterminate")).append(" | ").append(r.get("faults")).append(" | ")
                    .append(((List<?>) r.get("anomalies")).size()).append(" | ").append((Long) r.get("millis") / 1000).append(" |\n");
        }
        return sb.toString();
    }
}
