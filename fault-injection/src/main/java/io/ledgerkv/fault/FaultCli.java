package io.ledgerkv.fault;

import io.ledgerkv.api.Progress;
import io.ledgerkv.fault.campaign.Campaign;
import io.ledgerkv.fault.campaign.CampaignRunner;
import io.ledgerkv.fault.checker.CheckResult;
import io.ledgerkv.fault.checker.Checker;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.nemesis.FaultKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ledgerkv fault run ...} and {@code ledgerkv fault check FILE}. */
@Command(name = "ledgerkv fault", mixinStandardHelpOptions = true,
        description = "Fault campaigns on an embedded cluster, and the history checker.",
        subcommands = {FaultCli.Run.class, FaultCli.Check.class})
public final class FaultCli {

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(withDefaultCommand(args)));
    }

    /**
     * The command line, with failures reported in one line (the command and the message) and exit
     * code 2, never as a stack trace: a malformed history file is bad input, not a crash.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FaultCli());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 2;
        });
        return cl;
    }

    /** {@code ledgerkv fault --runs 10} means {@code ledgerkv fault run --runs 10}. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length > 0 && args[0].startsWith("--") && !args[0].equals("--help") && !args[0].equals("--version")) {
            String[] out = new String[args.length + 1];
            out[0] = "run";
            System.arraycopy(args, 0, out, 1, args.length);
            return out;
        }
        return args;
    }

    @Command(name = "run", description = {"Runs N campaign runs: workloads, nemesis, recovery, checker.",
        "Every run is reproducible from its seed; runs with anomalies keep their history."})
    static final class Run implements Callable<Integer> {
        @Option(names = "--runs", defaultValue = "10", description = "Number of runs (default: ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--seed", description = "Seed of the first run (default: random)")
        Long seed;

        @Option(names = "--duration", defaultValue = "20", description = "Seconds per run (default: ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--writers", defaultValue = "3", description = "Concurrent client threads (default: ${DEFAULT-VALUE})")
        int writers;

        @Option(names = "--workload", defaultValue = "alternate", description = "bank, list-append or alternate (default)")
        String workload;

        @Option(names = "--zk", description = {"Run against this external cluster (ZooKeeper connect string) instead of a fresh",
            "embedded one per run: each run gets a new store; only writer-side faults run here, the",
            "orchestrator kills and pauses bookies (deploy/README.md)"})
        String zk;

        @Option(names = "--faults", split = ",", description = "Fault kinds (default: all; with --zk, the writer-side ones): ${COMPLETION-CANDIDATES}")
        List<FaultKind> faults;

        @Option(names = "--bug", defaultValue = "NONE", description = "Run against a deliberately broken store: ${COMPLETION-CANDIDATES}")
        Campaign.Bug bug;

        @Option(names = "--out", description = "Results folder (default: results/<date>-fault)")
        Path out;

        @Option(names = "--encrypt", description = "Run against a store with AES-GCM encryption at rest")
        boolean encrypt;

        @Option(names = "--no-charts", description = "Skip the timeline charts")
        boolean noCharts;

        @Option(names = {"-q", "--quiet"}, description = "No progress bar")
        boolean quiet;

        @Override
        public Integer call() {
            Configurator.setLevel("org.apache.bookkeeper", Level.OFF);
            Configurator.setLevel("org.apache.zookeeper", Level.OFF);
            Configurator.setLevel("org.apache.curator", Level.OFF);
            Configurator.setLevel("io.ledgerkv", Level.ERROR);
            long s = seed != null ? seed : System.nanoTime();
            Path dir = out != null ? out : Path.of("results", LocalDate.now() + "-fault");
            List<FaultKind> kinds = faults != null ? faults : Arrays.stream(FaultKind.values())
                    .filter(k -> zk == null || !k.needsEmbeddedCluster()).toList();
            if (zk != null && FaultKind.refusedWithoutEmbeddedCluster(kinds) != null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--faults with --zk: "
                        + FaultKind.refusedWithoutEmbeddedCluster(kinds));
            }
            ProgressBar bar = quiet || System.console() == null ? null
                    : new ProgressBarBuilder().setTaskName("fault runs").setInitialMax(runs).setStyle(ProgressBarStyle.ASCII).build();
            Progress p = bar == null ? Progress.NONE : (phase, done, total) -> bar.stepTo(done);
            CampaignRunner.Summary sum;
            try {
                sum = CampaignRunner.run(runs, s, Duration.ofSeconds(seconds), writers, kinds, bug, workload, zk, encrypt, dir, !noCharts,
                        p);
            } finally {
                if (bar != null) {
                    bar.close();
                }
            }
            System.out.printf("%d runs, %,d operations, %,d acknowledged commits, %d indeterminate (%s), %d faults, %d anomalies%n",
                    sum.runs(), sum.operations(), sum.ackedCommits(), sum.indeterminate(), sum.indeterminateResolved(),
                    sum.faults().values().stream().mapToLong(Long::longValue).sum(), sum.anomalies());
            if (!sum.failedRuns().isEmpty()) {
                System.out.println("runs with anomalies (histories kept in " + dir + "): " + sum.failedRuns());
            }
            System.out.println("summary: " + dir.resolve("summary.md"));
            return sum.anomalies() == 0 ? 0 : 1;
        }
    }

    @Command(name = "check", description = "Checks a saved history (JSON lines) and prints every anomaly. Exit 1 if any.")
    static final class Check implements Callable<Integer> {
        @Parameters(index = "0", description = "History file")
        Path file;

        @Override
        public Integer call() {
            CheckResult r = Checker.check(History.load(file));
            System.out.println(file + ": workload " + r.workload() + ", outcomes " + r.outcomes() + ", indeterminate resolved "
                    + r.indeterminate());
            r.anomalies().forEach(a -> System.out.println("  ANOMALY " + a));
            System.out.println(r.valid() ? "valid: no anomalies" : r.anomalies().size() + " anomalies");
            return r.valid() ? 0 : 1;
        }
    }
}
