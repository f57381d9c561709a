package io.ledgerkv.fault;

import io.ledgerkv.api.Progress;
import io.ledgerkv.cluster.NetNamespaces;
import io.ledgerkv.fault.campaign.Campaign;
import io.ledgerkv.fault.campaign.CampaignRunner;
import io.ledgerkv.fault.campaign.ProcessCampaign;
import io.ledgerkv.fault.checker.CheckResult;
import io.ledgerkv.fault.checker.Checker;
import io.ledgerkv.fault.history.ElleExport;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.nemesis.FaultKind;
import io.ledgerkv.fault.nemesis.ProcessFault;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
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

/** {@code ledgerkv fault run ...}, {@code ledgerkv fault check FILE} and {@code ledgerkv fault export --elle FILE}. */
@Command(name = "ledgerkv fault", mixinStandardHelpOptions = true,
        description = "Fault campaigns on an embedded cluster, the history checker, and the export for Jepsen's Elle.",
        subcommands = {FaultCli.Run.class, FaultCli.Check.class, FaultCli.Export.class})
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
        "Every run is reproducible from its seed; every run's history is kept, gzipped."})
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

        @Option(names = "--every-kind-once", description = {"Each run injects every enabled fault kind once, in a seeded order",
            "(the run lasts until all have run), instead of the random schedule"})
        boolean everyKindOnce;

        @Option(names = "--processes", description = {"Run on a cluster of processes: 3 ZooKeeper servers and 5 bookies, each its own",
            "JVM, and the writer in JVMs of its own (one cluster for all runs, a new store per run); faults are",
            "signals to real processes (--process-faults)"})
        boolean processes;

        @Option(names = "--network", description = {"With --processes: every node in its own network namespace (needs root on Linux),",
            "so partitions, packet loss and slow links run too; without root it says so and runs the process faults"})
        boolean network;

        @Option(names = "--process-faults", split = ",", description = "Kinds for --processes (default: all this host can inject): "
                + "${COMPLETION-CANDIDATES}")
        List<ProcessFault> processFaults;

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
            Path dir = out != null ? out : Path.of("results", LocalDate.now(ZoneId.systemDefault()) + "-fault");
            List<FaultKind> kinds = faults != null ? faults : Arrays.stream(FaultKind.values())
                    .filter(k -> zk == null || !k.needsEmbeddedCluster()).toList();
            if (zk != null && FaultKind.refusedWithoutEmbeddedCluster(kinds) != null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--faults with --zk: "
                        + FaultKind.refusedWithoutEmbeddedCluster(kinds));
            }
            // The build targets JDK 17, where a null console means no terminal (as in the library's ProgressDisplay).
            @SuppressWarnings("SystemConsoleNull")
            boolean terminal = System.console() != null;
            ProgressBar bar = quiet || !terminal ? null
                    : new ProgressBarBuilder().setTaskName("fault runs").setInitialMax(runs).setStyle(ProgressBarStyle.ASCII).build();
            // A terminal gets a progress bar; a log (CI, nohup) one line per finished run.
            Progress p = bar != null ? (phase, done, total) -> bar.stepTo(done)
                    : quiet ? Progress.NONE : (phase, done, total) -> {
                        if (!CampaignRunner.PHASE.equals(phase)) {
                            System.out.println(done + "/" + total + " " + phase);
                        }
                    };
            CampaignRunner.Summary sum;
            ProcessCampaign pc = null;
            try {
                if (processes || network) {
                    if (zk != null || encrypt || faults != null) {
                        throw new CommandLine.ParameterException(new CommandLine(this),
                                "--processes runs its own cluster of processes with its own fault kinds (--process-faults): "
                                        + "--zk, --encrypt and --faults do not apply to it");
                    }
                    pc = ProcessCampaign.start(processFaults != null ? processFaults : Arrays.asList(ProcessFault.values()), network,
                            dir.resolve("logs"));
                    if (network && pc.cluster().network() == null) {
                        System.out.println("no network namespaces here (" + NetNamespaces.unavailableReason() + "): process faults only");
                    }
                    pc.unavailable().forEach((k, why) -> System.out.println("not injected on this host: " + k + " (" + why + ")"));
                    sum = CampaignRunner.run(runs, s, Duration.ofSeconds(seconds), writers, List.of(),
                            pc.kinds().stream().map(Enum::name).toList(), bug, workload, null, false, everyKindOnce, dir, !noCharts, p,
                            pc::run, network ? " --network" : " --processes");
                } else {
                    sum = CampaignRunner.run(runs, s, Duration.ofSeconds(seconds), writers, kinds, bug, workload, zk, encrypt,
                            everyKindOnce, dir, !noCharts, p);
                }
            } finally {
                if (bar != null) {
                    bar.close();
                }
                if (pc != null) {
                    pc.close();
                }
            }
            System.out.printf("%d runs, %,d operations, %,d acknowledged commits, %d indeterminate (%s), %d faults, %d failed injections,"
                    + " %d anomalies%n", sum.runs(), sum.operations(), sum.ackedCommits(), sum.indeterminate(), sum.indeterminateResolved(),
                    sum.faults().values().stream().mapToLong(Long::longValue).sum(),
                    sum.failedInjections().values().stream().mapToLong(Long::longValue).sum(), sum.anomalies());
            if (!sum.failedRuns().isEmpty()) {
                System.out.println("runs with anomalies (histories in " + dir + "): " + sum.failedRuns());
            }
            System.out.println("summary: " + dir.resolve("summary.md"));
            return sum.anomalies() == 0 ? 0 : 1;
        }
    }

    @Command(name = "check", description = "Checks a saved history (JSON lines) and prints every anomaly. Exit 1 if any.")
    static final class Check implements Callable<Integer> {
        @Parameters(index = "0", description = "History file (JSON lines; gzipped if it ends in .gz)")
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

    @Command(name = "export", description = {"Writes a saved list-append history in the JSON form elle-cli reads, so Jepsen's Elle",
        "can check it: java -jar elle-cli-standalone.jar --model list-append --consistency-models serializable OUT"})
    static final class Export implements Callable<Integer> {
        @Option(names = "--elle", required = true, description = "Elle's list-append form (elle-cli --model list-append); the only form so far")
        boolean elle;

        @Parameters(index = "0", description = "History file (JSON lines, gzipped if it ends in .gz, as `fault run` keeps them)")
        Path file;

        @Option(names = "--out", description = "Output file (default: the history's name ending in .elle.json; elle-cli needs .json)")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Path target = out != null ? out : defaultOut(file);
            int n = ElleExport.write(History.load(file), target);
            spec.commandLine().getOut().println("wrote " + n + " operations to " + target);
            return 0;
        }

        static Path defaultOut(Path history) {
            String name = history.getFileName().toString();
            String stem = name;
            for (String suffix : List.of(".gz", ".jsonl", ".history")) {
                if (stem.endsWith(suffix)) {
                    stem = stem.substring(0, stem.length() - suffix.length());
                }
            }
            return history.resolveSibling(stem + ".elle.json");
        }
    }
}
