package io.ledgerkv.cli;

import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.cluster.MultiProcessCluster;
import io.ledgerkv.cluster.NetNamespaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cluster", description = {"Runs an embedded ZooKeeper and bookies in the foreground until Ctrl-C,",
    "so that other processes (ledgerkv put/get/status, tests, benchmarks) can use it."})
final class ClusterCommand extends CliCommand implements Callable<Integer> {
    @Option(names = "--bookies", description = "Number of bookies (default: 3)")
    Integer bookies;

    @Option(names = "--zk-port", description = "ZooKeeper port (default: a free port)")
    Integer zkPort;

    @Option(names = "--data", description = "Keep data in this directory instead of a temporary one (kept on exit)")
    Path data;

    @Option(names = "--tls", description = "Bookies and a second, TLS-only ZooKeeper port serve TLS with a self-signed"
            + " certificate generated at start; clients pass the printed --zk, --zk-tls and --tls-trust-store options")
    boolean tls;

    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (.properties/.yaml) with keys bookies, zkPort,"
            + " data; flags override it")
    Path config;

    @Option(names = "--processes", description = {"Every ZooKeeper server and bookie in a JVM of its own (their own main classes and",
        "config files), so they can be SIGKILLed or SIGSTOPped one by one"})
    boolean processes;

    @Option(names = "--zk-servers", description = "With --processes: ZooKeeper servers, 1 or an odd ensemble size (default: 3)")
    Integer zkServers;

    @Option(names = "--network", description = {"With --processes: every node in a network namespace of its own on a private bridge",
        "(Linux, root), so single links can be cut (see fault-injection/README.md)"})
    boolean network;

    /** The servers' JVM settings with --processes. */
    enum ServerJvm {
        /** Full JIT, G1, 768 MiB heap: as a server is deployed; what benchmarks against this cluster need. */
        performance(MultiProcessCluster.Options.PERFORMANCE_JVM),
        /** C1 only, serial GC, 256 MiB heap: starts and restarts fast, for fault campaigns; far slower under load. */
        fast_start(MultiProcessCluster.Options.FAST_START_JVM);

        @SuppressWarnings("ImmutableEnumChecker") // the constants are List.of(...), which cannot change
        final List<String> options;

        ServerJvm(List<String> options) {
            this.options = List.copyOf(options);
        }
    }

    @Option(names = "--server-jvm", paramLabel = "KIND", converter = ServerJvmConverter.class,
            description = {"With --processes: the servers' JVM settings, performance (full JIT, G1, 768 MiB heap; default)",
                "or fast-start (C1 only, serial GC, 256 MiB: restarts fast, not for measuring speed)"})
    ServerJvm serverJvm;

    private List<String> serverJvmOptions() {
        return (serverJvm == null ? ServerJvm.performance : serverJvm).options;
    }

    /** Accepts the documented spelling {@code fast-start} for the constant {@code fast_start}. */
    static final class ServerJvmConverter implements CommandLine.ITypeConverter<ServerJvm> {
        @Override
        public ServerJvm convert(String value) {
            for (ServerJvm k : ServerJvm.values()) {
                if (k.name().replace('_', '-').equals(value)) {
                    return k;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a server JVM kind: use performance or fast-start");
        }
    }

    /** Read by {@link LedgerKvCli#main} before the command runs. */
    @Option(names = "--verbose", description = "Let BookKeeper's and ZooKeeper's own log output through to the terminal")
    boolean verbose;

    @Mixin
    OutputOptions output = new OutputOptions();

    private static final Set<String> KEYS = Set.of("bookies", "zkPort", "data");

    @Override
    public Integer call() throws Exception {
        if (config != null) {
            Map<String, String> s = ConfigFile.read(config);
            for (String k : s.keySet()) {
                if (!KEYS.contains(k)) {
                    throw ConfigFile.unknownSetting(k, KEYS, config.toString());
                }
            }
            try {
                bookies = bookies != null ? bookies : s.containsKey("bookies") ? Integer.valueOf(s.get("bookies").trim()) : null;
                zkPort = zkPort != null ? zkPort : s.containsKey("zkPort") ? Integer.valueOf(s.get("zkPort").trim()) : null;
            } catch (NumberFormatException e) {
                throw new InvalidConfigException("bookies/zkPort", "in " + config + ": not a whole number: " + e.getMessage());
            }
            data = data != null ? data : s.containsKey("data") ? Path.of(s.get("data")) : null;
        }
        int bookies = this.bookies == null ? 3 : this.bookies;
        if (processes || network || serverJvm != null) {
            return processes(bookies);
        }
        int zkPort = this.zkPort == null ? 0 : this.zkPort;
        LocalCluster.Builder b = LocalCluster.builder().bookies(bookies).zkPort(zkPort);
        if (data != null) {
            b.dataDir(data, false);
        }
        if (tls) {
            b.tls();
        }
        LocalCluster cluster = b.start();
        CountDownLatch stopped = stopOnExit(cluster);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < cluster.bookieCount(); i++) {
            ids.add(cluster.bookieId(i).toString());
        }
        Map<String, Object> up = OutputOptions.fields("connectString", cluster.connectString(), "metadataServiceUri",
                cluster.metadataServiceUri(), "bookies", ids, "data", cluster.dataDir().toString(), "kept", data != null);
        if (cluster.tls() != null) {
            up.put("secureConnectString", cluster.secureConnectString());
            up.put("tlsTrustStore", cluster.tls().trustStore().toString());
            up.put("tlsTrustStorePasswordFile", cluster.tls().passwordFile().toString());
        }
        output.one(out(), up, () -> printUp(cluster, bookies));
        stopped.await();
        return 0;
    }

    private void printUp(LocalCluster cluster, int bookies) {
        out().println("ledgerkv cluster: ZooKeeper and " + bookies + " bookies are up");
        out().println("  connect string   " + cluster.connectString());
        out().println("  metadata URI     " + cluster.metadataServiceUri());
        for (int i = 0; i < cluster.bookieCount(); i++) {
            out().println("  bookie " + i + "         " + cluster.bookieId(i));
        }
        out().println("  data             " + cluster.dataDir() + (data == null ? " (removed on exit)"
                : " (kept; start again with --data " + cluster.dataDir() + " to serve the same stores)"));
        out().println("Use it from another shell:");
        out().println("  export LEDGERKV_ZK=" + cluster.connectString() + " LEDGERKV_PASSWORD=<a secret>");
        String tlsFlags = cluster.tls() == null ? "" : " --zk " + cluster.secureConnectString() + " --zk-tls --tls-trust-store "
                + cluster.tls().trustStore() + " --tls-trust-store-password-file " + cluster.tls().passwordFile();
        if (cluster.tls() != null) {
            out().println("  ZooKeeper TLS    " + cluster.secureConnectString() + " (the plain port above serves the bookies)");
            out().println("  TLS truststore   " + cluster.tls().trustStore());
        }
        out().println("  ./ledgerkv put --store demo" + tlsFlags + " hello world && ./ledgerkv status --store demo" + tlsFlags);
        out().println("Ctrl-C stops it.");
    }

    /** Closes the cluster when the JVM is asked to stop (Ctrl-C, SIGTERM); the latch opens once it is closed. */
    private CountDownLatch stopOnExit(AutoCloseable cluster) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err().println("ledgerkv cluster: stopping");
            try {
                cluster.close();
            } catch (Exception e) {
                err().println("ledgerkv cluster: " + e);
            }
            stopped.countDown();
        }, "ledgerkv-cluster-shutdown"));
        return stopped;
    }

    private int processes(int bookies) throws InterruptedException {
        if (serverJvm != null && !processes && !network) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--server-jvm needs --processes (the embedded cluster runs in this JVM)");
        }
        if (tls || zkPort != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--processes does not take --tls or --zk-port (each node has its own address or a free port)");
        }
        if (network && NetNamespaces.unavailableReason() != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--network: " + NetNamespaces.unavailableReason());
        }
        int zk = zkServers == null ? 3 : zkServers;
        MultiProcessCluster cluster = MultiProcessCluster.start(new MultiProcessCluster.Options(zk, bookies, data, network)
                .withServerJvm(serverJvmOptions()));
        CountDownLatch stopped = stopOnExit(cluster);
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (int i = 0; i < cluster.zooKeeperCount(); i++) {
            nodes.add(OutputOptions.fields("node", cluster.zooKeeperNode(i), "pid", cluster.zooKeeperPid(i)));
        }
        for (int i = 0; i < cluster.bookieCount(); i++) {
            nodes.add(OutputOptions.fields("node", cluster.bookieId(i), "pid", cluster.bookiePid(i)));
        }
        output.one(out(), OutputOptions.fields("connectString", cluster.connectString(), "metadataServiceUri",
                cluster.metadataServiceUri(), "processes", nodes, "data", cluster.dataDir().toString(), "kept", data != null),
                () -> printUp(cluster, zk, bookies));
        stopped.await();
        return 0;
    }

    private void printUp(MultiProcessCluster cluster, int zk, int bookies) {
        out().println("ledgerkv cluster: " + zk + " ZooKeeper server(s) and " + bookies + " bookies are up, each its own process"
                + (network ? " in its own network namespace" : ""));
        out().println("  connect string   " + cluster.connectString());
        out().println("  metadata URI     " + cluster.metadataServiceUri());
        for (int i = 0; i < cluster.zooKeeperCount(); i++) {
            out().println("  " + cluster.zooKeeperNode(i) + "              pid " + cluster.zooKeeperPid(i));
        }
        for (int i = 0; i < cluster.bookieCount(); i++) {
            out().println("  bookie " + i + "         " + cluster.bookieId(i) + "  pid " + cluster.bookiePid(i));
        }
        out().println("  data             " + cluster.dataDir() + (data == null ? " (removed on exit)" : " (kept)")
                + "; each node's out.log and gc-<pid>.log are in its directory there");
        out().println("  server JVMs      " + String.join(" ", serverJvmOptions()));
        out().println("  kill -STOP <pid> / kill -CONT <pid> / kill -9 <pid> act on one node; Ctrl-C stops them all.");
    }
}
