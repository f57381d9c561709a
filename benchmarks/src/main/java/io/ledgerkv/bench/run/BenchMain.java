package io.ledgerkv.bench.run;

import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.latency.LatencyDriver;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ledgerkv bench --quick|--full} runs a preset and writes {@code results/<date>-<preset>/};
 * {@code ledgerkv bench compare BASE NEW} is the regression gate. For single suites with any JMH
 * option, run the jar's JMH main directly: {@code java -jar benchmarks/target/benchmarks.jar -h}.
 */
@Command(name = "ledgerkv bench", mixinStandardHelpOptions = true, subcommands = {BenchMain.CompareCmd.class, BenchMain.RatioChartCmd.class},
        description = {"Runs a benchmark preset on embedded clusters and writes results/<date>-<preset>/ (JMH JSON, latency logs, "
                + "charts, README).", "Regression gate: ledgerkv bench compare BASE NEW"})
public final class BenchMain implements Callable<Integer> {

    static final class Which {
        @Option(names = "--quick", required = true, description = "Headline settings of every suite, one fork (under 5 min on 2 cores)")
        boolean quick;

        @Option(names = "--full", required = true, description = "The whole matrix, 3 forks where targets are judged (about an hour)")
        boolean full;

        @Option(names = "--gate", required = true, description = "The regression gate's benchmarks: store and map get interleaved in "
                + "one thread, 10 forks, and commits at a fixed rate with their CPU and allocation per transaction, 12 forks (about 11 min); "
                + "compare two such runs with: ledgerkv bench compare BASE NEW --ratios-only")
        boolean gate;
    }

    /** Optional for picocli so that {@code compare} needs neither; required for a run, checked in {@link #call()}. */
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Which which;

    /** Set by picocli: the command line running this, so that usage errors go to its error stream. */
    @Spec
    CommandSpec spec;

    @Option(names = "--out", description = "Results folder (default: results/<date>-<preset>)")
    Path out;

    @Option(names = "--only", split = ",", description = "Run only these suites of the preset (raw, commit, reads, ycsb, codec, reopen, "
            + "latency, ...)")
    List<String> only;

    @Option(names = "--forks", defaultValue = "0", description = "JMH forks for every suite instead of the preset's (e.g. 3 for a run "
            + "the regression gate can judge: it needs 2 or more forks per metric)")
    int forks;

    @Option(names = "--zk", description = "Run against this external cluster (ZooKeeper connect string) instead of embedded bookies "
            + "in every fork; see deploy/README.md")
    String zk;

    @Option(names = "--slowdown", defaultValue = "0", description = "Benchmark-only knob: make store-side invocations lose this fraction "
            + "of throughput (e.g. 0.10), to check that the gate notices")
    double slowdown;

    @Option(names = "--encode-slowdown", defaultValue = "0", description = "Benchmark-only knob: the committer burns CPU after encoding "
            + "each WAL entry so that the commit path's CPU per transaction grows by s / (1 - s) (e.g. 0.10: +11 %%), to check that the "
            + "commit-path gate notices")
    double encodeSlowdown;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (which == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "say which preset: --quick, --full or --gate "
                    + "(or use the compare command: ledgerkv bench compare BASE NEW)");
        }
        if (forks < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--forks must be >= 1 (or 0 for the preset's), got " + forks);
        }
        if (slowdown < 0 || slowdown >= 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--slowdown must be in [0, 1), got " + slowdown);
        }
        if (encodeSlowdown < 0 || encodeSlowdown >= 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--encode-slowdown must be in [0, 1), got " + encodeSlowdown);
        }
        if (zk != null) {
            System.setProperty(BenchCluster.ZK_PROPERTY, zk); // the latency driver runs in this JVM
        }
        Preset preset = which.full ? Preset.FULL : which.gate ? Preset.GATE : Preset.QUICK;
        String name = preset.name().toLowerCase(Locale.ROOT);
        Path dir = out != null ? out : Path.of("results", LocalDate.now(ZoneId.systemDefault()) + "-" + name);
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        List<Preset.Suite> suites = preset.suites().stream().filter(s -> only == null || only.stream().anyMatch(o -> s.name().startsWith(o)))
                .toList();
        for (int i = 0; i < suites.size(); i++) {
            Preset.Suite s = suites.get(i);
            Path log = dir.resolve("jmh-" + s.name() + ".log");
            System.out.printf("ledgerkv bench: suite %d/%d %s (%s), JMH output in %s%n", i + 1, suites.size(), s.name(),
                    s.benchmarkClass(), log);
            try (PrintStream logStream = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
                OutputFormat jmhText = OutputFormatFactory.createFormatInstance(logStream, VerboseMode.NORMAL);
                new Runner(options(s, dir), new ProgressFormat(jmhText, System.out, "suite " + (i + 1) + "/" + suites.size() + " "
                        + s.name())).run();
            }
        }
        LatencyDriver.Report latency = null;
        if (preset.latency() != null && (only == null || only.contains("latency"))) {
            latency = LatencyDriver.run(preset.latency(), dir, msg -> System.out.println("ledgerkv bench: " + msg));
        }
        boolean jmhRan;
        try (Stream<Path> files = Files.list(dir)) {
            jmhRan = files.anyMatch(p -> p.getFileName().toString().startsWith("jmh-") && p.toString().endsWith(".json"));
        }
        List<JmhResults.Score> scores = jmhRan ? JmhResults.load(dir) : List.of();
        List<Path> charts = new ArrayList<>(Charts.commitThroughput(scores, dir));
        if (latency != null) {
            charts.addAll(latencyCharts(dir, latency));
        }
        String command = "./ledgerkv bench --" + name + (out != null ? " --out " + out : "") + (only != null ? " --only "
                + String.join(",", only) : "") + (forks > 0 ? " --forks " + forks : "") + (slowdown > 0 ? " --slowdown " + slowdown : "")
                + (encodeSlowdown > 0 ? " --encode-slowdown " + encodeSlowdown : "") + (zk != null ? " --zk " + zk : "");
        Report.write(dir, command, preset, slowdown, encodeSlowdown, scores, latency, charts, (System.nanoTime() - t0) / 1_000_000);
        System.out.println("ledgerkv bench: results in " + dir.resolve("README.md"));
        return 0;
    }

    private Options options(Preset.Suite s, Path dir) {
        // benchmarkClass is a regex over a class (every method) or Class.method (no trailing dot in JMH's name)
        ChainedOptionsBuilder b = new OptionsBuilder().include("io\\.ledgerkv\\.bench\\..*\\." + s.benchmarkClass() + "(\\..*|$)")
                .forks(forks > 0 ? forks : s.forks()).warmupIterations(s.warmups()).measurementIterations(s.iterations())
                .resultFormat(ResultFormatType.JSON).result(dir.resolve("jmh-" + s.name() + ".json").toString())
                .shouldFailOnError(true);
        if (s.warmupSeconds() > 0) {
            b.warmupTime(TimeValue.seconds(s.warmupSeconds()));
        }
        if (s.iterationSeconds() > 0) {
            b.measurementTime(TimeValue.seconds(s.iterationSeconds()));
        }
        s.params().forEach(b::param);
        if (s.benchmarkClass().startsWith("CommitThroughputBenchmark") || s.benchmarkClass().startsWith("CommitCostBenchmark")) {
            b.addProfiler(CommitCostProfiler.class);
        }
        List<String> jvmArgs = new ArrayList<>();
        if (slowdown > 0) {
            jvmArgs.add("-Dledgerkv.bench.slowdown=" + slowdown);
        }
        if (encodeSlowdown > 0) {
            jvmArgs.add("-Dledgerkv.bench.encodeSlowdown=" + encodeSlowdown);
        }
        if (zk != null) {
            jvmArgs.add("-D" + BenchCluster.ZK_PROPERTY + "=" + zk);
        }
        if (!jvmArgs.isEmpty()) {
            b.jvmArgsPrepend(jvmArgs.toArray(new String[0]));
        }
        return b.build();
    }

    private static List<Path> latencyCharts(Path dir, LatencyDriver.Report latency) throws IOException {
        Map<String, Map<String, Path>> byRate = new TreeMap<>();
        for (var r : latency.results()) {
            String pct = String.format(Locale.ROOT, "%02d", Math.round(100 * r.offeredPerSec() / latency.referenceSaturation()));
            byRate.computeIfAbsent(pct, k -> new LinkedHashMap<>()).put(r.target(), dir.resolve("latency").resolve(r.hlog()));
        }
        List<Path> charts = new ArrayList<>();
        for (var e : byRate.entrySet()) {
            charts.add(Charts.latencyPercentiles(e.getValue(), String.format(Locale.ROOT, "Commit latency at %s %% of saturation "
                    + "(%.0f requests/s, 1 KiB, open loop)", e.getKey(), Integer.parseInt(e.getKey()) / 100.0
                    * latency.referenceSaturation()), dir.resolve("latency-at" + e.getKey() + ".png")));
        }
        return charts;
    }

    @Command(name = "ratio-chart", mixinStandardHelpOptions = true, description = {"Bar chart of in-run ratios: every configuration's "
            + "score with --param at each value over its score at --base (e.g. encryption on / off)."})
    static final class RatioChartCmd implements Callable<Integer> {
        @Parameters(index = "0", description = "JMH JSON file or result folder")
        Path results;

        @Option(names = "--param", required = true, description = "The JMH parameter compared, e.g. encryption")
        String param;

        @Option(names = "--base", required = true, description = "Its value in the denominator, e.g. off")
        String base;

        @Option(names = "--title", defaultValue = "", description = "Chart title")
        String title;

        @Option(names = "--out", required = true, description = "PNG file to write")
        Path out;

        @Override
        public Integer call() throws Exception {
            Charts.ratioBars(JmhResults.load(results), param, base, title, out);
            System.out.println("wrote " + out);
            return 0;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true, description = {"Regression gate: compares two runs (result folders or "
            + "JMH JSON files).", "Exit 1 when a metric is worse by the threshold or more and the difference is significant."})
    static final class CompareCmd implements Callable<Integer> {
        @Parameters(index = "0", description = "Base run (folder with jmh-*.json, or a JMH JSON file)")
        Path base;

        @Parameters(index = "1", description = "New run")
        Path next;

        @Option(names = "--threshold", defaultValue = "0.05", description = "Smallest slowdown of an in-run ratio that fails the gate "
                + "(default: ${DEFAULT-VALUE})")
        double ratioThreshold;

        @Option(names = "--absolute-threshold", defaultValue = "0.05", description = "Same for absolute scores (default: ${DEFAULT-VALUE})")
        double absoluteThreshold;

        @Option(names = "--alpha", defaultValue = "0.01", description = "Significance level (default: ${DEFAULT-VALUE})")
        double alpha;

        @Option(names = "--ratios-only", description = "Report absolute scores but gate on in-run ratios only (for very noisy machines)")
        boolean ratiosOnly;

        @Option(names = "--markdown", description = "Also write the table to this file")
        Path markdown;

        @Override
        public Integer call() throws Exception {
            List<Compare.Row> rows = Compare.compare(base, next, new Compare.Settings(absoluteThreshold, ratioThreshold, alpha, !ratiosOnly));
            if (rows.isEmpty()) {
                System.err.println("no metric appears in both " + base + " and " + next);
                return 2;
            }
            String table = Compare.table(rows);
            long regressions = rows.stream().filter(r -> r.verdict() == Compare.Verdict.REGRESSION).count();
            String verdict = regressions == 0 ? "PASS: no significant slowdown of " + pct(ratioThreshold) + " (ratios) / "
                    + pct(absoluteThreshold) + " (scores) or more"
                    : "FAIL: " + regressions + " regression(s)";
            System.out.print(table);
            System.out.println(verdict);
            if (markdown != null) {
                Files.writeString(markdown, "Base: `" + base + "`, new: `" + next + "`, alpha " + alpha + "\n\n" + table + "\n**"
                        + verdict + "**\n");
            }
            return regressions == 0 ? 0 : 1;
        }

        private static String pct(double f) {
            return String.format(Locale.ROOT, "%.0f %%", 100 * f);
        }
    }
}
