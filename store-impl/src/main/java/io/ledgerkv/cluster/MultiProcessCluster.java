package io.ledgerkv.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.client.BookKeeperAdmin;
import org.apache.bookkeeper.conf.ServerConfiguration;
import org.apache.bookkeeper.server.Main;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

/**
 * ZooKeeper servers and bookies, each a JVM of its own started from this class path with the
 * servers' own main classes and config files ({@code QuorumPeerMain zoo.cfg},
 * {@code Main -c bookie.conf}), each with its own data directory. With
 * {@link Options#namespaces}, every node also runs in a network namespace of its own
 * ({@link NetNamespaces}) at its own address, so network faults can cut single links; without, all
 * listen on loopback at free ports. Nodes can be SIGKILLed, SIGSTOPped and SIGCONTed, and restarted
 * on their own data (same address, port and bookie id). Journals are fsynced
 * ({@code journalSyncData=true}).
 *
 * <p>{@link #java} builds the command for any other JVM that should live on the network (the
 * campaign's writer process). Every child is killed when this closes, also from a shutdown hook
 * (SIGTERM, Ctrl-C). An owner killed with SIGKILL runs no hook: with namespaces, the next cluster
 * that starts with namespaces kills what runs in them and removes them; on loopback its children
 * keep running until killed by hand (their command lines name the data directory).
 *
 * <p>With {@link Options#configFiles}, the servers start from a directory's {@code zoo.cfg} and
 * {@code bookie.conf} (deploy/conf, the files docker-compose.yaml mounts) instead of configs written
 * here: nodes are named as the compose services ({@code zookeeper-1}, {@code bookie-1}), resolve each
 * other's names and have them as host names ({@link NetNamespaces#resolveNodeNames}), and the only
 * settings changed are those in {@link #CONFIG_FILE_HOST_SETTINGS}. The metadata is created the way
 * compose's {@code bookkeeper-init} does, with {@code bookkeeper shell initnewcluster}.
 */
@SuppressWarnings("try") // ZooKeeper's close() declares InterruptedException
public final class MultiProcessCluster implements AutoCloseable {
    /**
     * What to start: ZooKeeper servers (1, or an ensemble of 3 or 5), bookies, where the data lives,
     * whether each node gets a namespace, and optionally the directory of the config files to start
     * the servers from ({@code zoo.cfg}, {@code bookie.conf}; null: configs written here), and the
     * JVM options of every server ({@link #FAST_START_JVM} unless {@link #withServerJvm}).
     */
    public record Options(int zkServers, int bookies, Path data, boolean namespaces, Path configFiles, List<String> serverJvm) {
        /**
         * The servers' JVM options for fault campaigns and tests: small heaps and C1 only, so a node starts and restarts
         * fast. Not for measuring speed: without C2 a bookie is much slower (see {@link #PERFORMANCE_JVM}).
         */
        public static final List<String> FAST_START_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        /** The servers' JVM options for benchmarks: full JIT and G1, as a server is deployed. */
        public static final List<String> PERFORMANCE_JVM = List.of("-Xmx768m", "-Xms256m", "-XX:+UseG1GC");

        public Options(int zkServers, int bookies, Path data, boolean namespaces) {
            this(zkServers, bookies, data, namespaces, null);
        }

        public Options(int zkServers, int bookies, Path data, boolean namespaces, Path configFiles) {
            this(zkServers, bookies, data, namespaces, configFiles, FAST_START_JVM);
        }

        /** The same, with {@code jvm} as every server's JVM options (heap, collector, JIT). */
        public Options withServerJvm(List<String> jvm) {
            return new Options(zkServers, bookies, data, namespaces, configFiles, jvm);
        }

        public Options {
            serverJvm = List.copyOf(serverJvm);
            if (configFiles != null && !namespaces) {
                throw new IllegalArgumentException("configFiles " + configFiles + " needs namespaces: the files name the servers by"
                        + " host name, which only the nodes' namespaces resolve");
            }
            if (zkServers < 1 || zkServers % 2 == 0) {
                throw new IllegalArgumentException("zkServers must be odd and at least 1 (a ZooKeeper ensemble needs a majority), got "
                        + zkServers);
            }
            if (bookies < 1) {
                throw new IllegalArgumentException("bookies must be at least 1, got " + bookies);
            }
        }
    }

    private static final int ZK_CLIENT_PORT = 2181;
    private static final int BOOKIE_PORT = 3181;
    private static final long START_TIMEOUT_SECONDS = 120;
    /** The node that creates BookKeeper's metadata from config files, named as the compose service that does. */
    private static final String INIT_NODE = "bookkeeper-init";

    /**
     * Settings that {@link Options#configFiles} mode changes, by file: where the data lives, because
     * compose mounts volumes at the images' paths ({@code /data}, {@code /opt/bookkeeper/data/...}),
     * which this host does not have. Every other line is started as written.
     */
    public static final Map<String, List<String>> CONFIG_FILE_HOST_SETTINGS = Map.of(
            "zoo.cfg", List.of("dataDir", "dataLogDir"),
            "bookie.conf", List.of("journalDirectories", "ledgerDirectories"));

    /** One child JVM: its name on the network, address, port, id (a bookie's), config file and the running process. */
    private static final class Node {
        final String name;
        final String address;
        final int port;
        final String id;
        final Path dir;
        final Path config;
        final String mainClass;
        final List<String> args;
        volatile Process process;
        volatile boolean stopped;

        Node(String name, String address, int port, Path dir, Path config, String mainClass, List<String> args) {
            this(name, address, port, address + ":" + port, dir, config, mainClass, args);
        }

        Node(String name, String address, int port, String id, Path dir, Path config, String mainClass, List<String> args) {
            this.name = name;
            this.address = address;
            this.port = port;
            this.id = id;
            this.dir = dir;
            this.config = config;
            this.mainClass = mainClass;
            this.args = args;
        }
    }

    private final Options options;
    private final Path data;
    private final boolean temporary;
    private final NetNamespaces net;
    private final List<Node> zks = new ArrayList<>();
    private final List<Node> bookies = new ArrayList<>();
    private final List<Process> others = new ArrayList<>();
    private final Thread reaper;
    private boolean closed;

    private MultiProcessCluster(Options o) throws IOException {
        this.options = o;
        this.temporary = o.data() == null;
        this.data = temporary ? Files.createTempDirectory("ledgerkv-processes") : Files.createDirectories(o.data());
        this.net = o.namespaces() ? NetNamespaces.create(data.resolve("network")) : null;
        // On SIGTERM/Ctrl-C of the owner: kill every child and remove the network (close() does both).
        this.reaper = new Thread(this::close, "ledgerkv-processes-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts the cluster and waits (up to 2 minutes) until ZooKeeper answers and every bookie is registered and writable. */
    public static MultiProcessCluster start(Options o) {
        MultiProcessCluster c;
        try {
            c = new MultiProcessCluster(o);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster's data directory", e);
        }
        try {
            c.startAll();
            return c;
        } catch (Exception e) {
            c.close();
            throw new IllegalStateException("the process cluster did not start: " + e.getMessage(), e);
        }
    }

    private void startAll() throws Exception {
        if (options.configFiles() != null) {
            startFromConfigFiles(options.configFiles());
            return;
        }
        boolean formatted = Files.exists(data.resolve("formatted"));
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < options.zkServers(); i++) {
            String name = "zk" + i;
            String address = net != null ? net.add(name) : "127.0.0.1";
            int port = net != null ? ZK_CLIENT_PORT : LocalCluster.freePort();
            int peer = net != null ? 2888 : LocalCluster.freePort();
            int election = net != null ? 3888 : LocalCluster.freePort();
            peers.add("server." + (i + 1) + "=" + address + ":" + peer + ":" + election);
            Path dir = Files.createDirectories(data.resolve(name));
            zks.add(new Node(name, address, port, dir, dir.resolve("zoo.cfg"), "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                    List.of(dir.resolve("zoo.cfg").toString())));
            Files.writeString(dir.resolve("myid"), Integer.toString(i + 1));
        }
        for (Node z : zks) {
            StringBuilder cfg = new StringBuilder("tickTime=1000\ninitLimit=10\nsyncLimit=5\n")
                    .append("dataDir=").append(z.dir).append('\n')
                    .append("clientPort=").append(z.port).append('\n')
                    .append("clientPortAddress=").append(z.address).append('\n')
                    .append("admin.enableServer=false\n4lw.commands.whitelist=*\nmaxClientCnxns=0\n");
            if (options.zkServers() > 1) {
                peers.forEach(p -> cfg.append(p).append('\n'));
            }
            Files.writeString(z.config, cfg.toString());
            launch(z);
        }
        awaitZooKeeper();
        if (!formatted) {
            ServerConfiguration formatConf = new ServerConfiguration();
            formatConf.setMetadataServiceUri(metadataServiceUri());
            if (!BookKeeperAdmin.format(formatConf, false, true)) {
                throw new IOException("formatting BookKeeper metadata failed");
            }
            Files.writeString(data.resolve("formatted"), "BookKeeper metadata formatted\n");
        }
        for (int i = 0; i < options.bookies(); i++) {
            String name = "b" + i;
            String address = net != null ? net.add(name) : "127.0.0.1";
            Path dir = Files.createDirectories(data.resolve(name));
            Path portFile = dir.resolve("port");
            int port = net != null ? BOOKIE_PORT : Files.exists(portFile) ? Integer.parseInt(Files.readString(portFile).trim())
                    : LocalCluster.freePort();
            Files.writeString(portFile, Integer.toString(port));
            String conf = "bookiePort=" + port + "\nadvertisedAddress=" + address + "\n"
                    + "allowLoopback=true\nuseHostNameAsBookieID=false\n"
                    + "metadataServiceUri=" + metadataServiceUri() + "\n"
                    + "journalDirectories=" + dir.resolve("journal") + "\nledgerDirectories=" + dir.resolve("ledgers") + "\n"
                    + "journalSyncData=true\njournalPreAllocSizeMB=4\nzkTimeout=6000\n"
                    + "autoRecoveryDaemonEnabled=false\nhttpServerEnabled=false\n"
                    + "statsProviderClass=org.apache.bookkeeper.stats.NullStatsProvider\n"
                    + "diskCheckInterval=600000\n";
            Path config = dir.resolve("bookie.conf");
            Files.writeString(config, conf);
            Node b = new Node(name, address, port, dir, config, "org.apache.bookkeeper.server.Main", List.of("-c", config.toString()));
            bookies.add(b);
            clearRegistration(b);
            launch(b);
        }
        awaitBookies(bookies);
    }

    /**
     * Starts every server from {@code dir}'s zoo.cfg and bookie.conf, changing only
     * {@link #CONFIG_FILE_HOST_SETTINGS}. ZooKeeper server N is node {@code zookeeper-N} and must be
     * {@code server.N=zookeeper-N:...} in zoo.cfg; bookie N is node {@code bookie-N}, whose id comes from
     * bookie.conf (with {@code useHostNameAsBookieID=true}: {@code bookie-N:<bookiePort>}).
     */
    private void startFromConfigFiles(Path dir) throws Exception {
        Path zooCfg = dir.resolve("zoo.cfg");
        Path bookieConf = dir.resolve("bookie.conf");
        String zooText = Files.readString(zooCfg);
        String bookieText = Files.readString(bookieConf);
        List<String> servers = zooText.lines().map(String::strip).filter(l -> l.startsWith("server.")).toList();
        if (servers.size() != options.zkServers()) {
            throw new IllegalArgumentException(zooCfg + " names " + servers.size() + " servers, the options ask for " + options.zkServers());
        }
        // Every node before anything starts, so that every hosts file names all of them.
        for (int i = 1; i <= options.zkServers(); i++) {
            net.add("zookeeper-" + i);
        }
        for (int i = 1; i <= options.bookies(); i++) {
            net.add("bookie-" + i);
        }
        net.add(INIT_NODE);
        net.resolveNodeNames();
        boolean formatted = Files.exists(data.resolve("formatted"));
        for (int i = 1; i <= options.zkServers(); i++) {
            String name = "zookeeper-" + i;
            String prefix = "server." + i + "=" + name + ":";
            String line = servers.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException(zooCfg + " has no line " + prefix + "...: server N must be the node zookeeper-N"));
            String client = line.contains(";") ? line.substring(line.indexOf(';') + 1) : setting(zooText, "clientPort").orElse("2181");
            int clientPort = Integer.parseInt(client.substring(client.lastIndexOf(':') + 1).strip()); // ;2181 or ;0.0.0.0:2181
            Path nodeDir = Files.createDirectories(data.resolve(name));
            Path dataDir = Files.createDirectories(nodeDir.resolve("data"));
            Path config = nodeDir.resolve("zoo.cfg");
            Files.writeString(config, withSettings(zooText, zooCfg, Map.of("dataDir", dataDir.toString(),
                    "dataLogDir", Files.createDirectories(nodeDir.resolve("datalog")).toString())));
            Files.writeString(dataDir.resolve("myid"), Integer.toString(i)); // as the image's entrypoint does from ZOO_MY_ID
            zks.add(new Node(name, net.address(name), clientPort, nodeDir, config, "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                    List.of(config.toString())));
        }
        for (Node z : zks) {
            launch(z);
        }
        awaitZooKeeper();
        int bookiePort = Integer.parseInt(setting(bookieText, "bookiePort").orElse("3181"));
        for (int i = 1; i <= options.bookies(); i++) {
            String name = "bookie-" + i;
            Path nodeDir = Files.createDirectories(data.resolve(name));
            Path config = nodeDir.resolve("bookie.conf");
            Files.writeString(config, withSettings(bookieText, bookieConf, Map.of("journalDirectories", nodeDir.resolve("journal").toString(),
                    "ledgerDirectories", nodeDir.resolve("ledgers").toString())));
            // The id a bookie registers with; BookKeeper derives it from its host name (or advertisedAddress) itself.
            String id = setting(bookieText, "advertisedAddress").orElse(name) + ":" + bookiePort;
            bookies.add(new Node(name, net.address(name), bookiePort, id, nodeDir, config, "org.apache.bookkeeper.server.Main",
                    List.of("-c", config.toString())));
        }
        if (!formatted) {
            initNewCluster(bookies.get(0).config);
            Files.writeString(data.resolve("formatted"), "BookKeeper metadata created by bookkeeper shell initnewcluster\n");
        }
        for (Node b : bookies) {
            clearRegistration(b);
            launch(b);
        }
        awaitBookies(bookies);
    }

    /** {@code bookkeeper shell initnewcluster} with a bookie's config, in its own node, as compose's bookkeeper-init runs it. */
    private void initNewCluster(Path bookieConf) throws Exception {
        Path log = Files.createDirectories(data.resolve(INIT_NODE)).resolve("out.log");
        Process p = new ProcessBuilder(java(INIT_NODE, List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                "org.apache.bookkeeper.bookie.BookieShell", List.of("-conf", bookieConf.toString(), "initnewcluster")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        adopt(p);
        if (!p.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IOException("bookkeeper shell initnewcluster did not finish within " + START_TIMEOUT_SECONDS + " s; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IOException("bookkeeper shell initnewcluster exited with " + p.exitValue() + "; see " + log);
        }
    }

    /** A {@code key=value} setting of a config file's text, if set. */
    private static Optional<String> setting(String text, String key) {
        return text.lines().map(String::strip).filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1).strip())
                .reduce((first, last) -> last);
    }

    /** The text with each {@code key=value} line of {@code values} replaced; every key must be set in the file. */
    private static String withSettings(String text, Path file, Map<String, String> values) {
        Set<String> seen = new HashSet<>();
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String key = line.contains("=") && !line.strip().startsWith("#") ? line.substring(0, line.indexOf('=')).strip() : null;
            if (key != null && values.containsKey(key)) {
                seen.add(key);
                out.append(key).append('=').append(values.get(key));
            } else {
                out.append(line);
            }
            out.append('\n');
        }
        out.setLength(out.length() - 1);
        for (String key : values.keySet()) {
            if (!seen.contains(key)) {
                throw new IllegalArgumentException(file + " does not set " + key + ", which must point at this host's data directory");
            }
        }
        return out.toString();
    }

    public String connectString() {
        return String.join(",", zks.stream().map(z -> z.address + ":" + z.port).toList());
    }

    public String metadataServiceUri() {
        return "zk+hierarchical://" + String.join(";", zks.stream().map(z -> z.address + ":" + z.port).toList()) + "/ledgers";
    }

    /** The private network, or null when every node listens on loopback. */
    public NetNamespaces network() {
        return net;
    }

    public Path dataDir() {
        return data;
    }

    public int bookieCount() {
        return bookies.size();
    }

    public int zooKeeperCount() {
        return zks.size();
    }

    /** A bookie's id as BookKeeper knows it ({@code address:port}; from config files {@code bookie-1:3181}). */
    public String bookieId(int i) {
        return bookies.get(i).id;
    }

    /** The config file a bookie runs with. */
    public Path bookieConfig(int i) {
        return bookies.get(i).config;
    }

    /** The config file a ZooKeeper server runs with. */
    public Path zooKeeperConfig(int i) {
        return zks.get(i).config;
    }

    /** The node name a bookie or ZooKeeper server has on the network ({@code b0}, {@code zk1}). */
    public String bookieNode(int i) {
        return bookies.get(i).name;
    }

    public String zooKeeperNode(int i) {
        return zks.get(i).name;
    }

    public long bookiePid(int i) {
        return bookies.get(i).process.pid();
    }

    public long zooKeeperPid(int i) {
        return zks.get(i).process.pid();
    }

    /** Whether the bookie's process is alive (a SIGSTOPped one is alive). */
    public boolean bookieAlive(int i) {
        Process p = bookies.get(i).process;
        return p != null && p.isAlive();
    }

    public boolean zooKeeperAlive(int i) {
        Process p = zks.get(i).process;
        return p != null && p.isAlive();
    }

    /** SIGKILL: the bookie dies at once, whatever it had not fsynced is gone. */
    public void killBookie(int i) {
        kill(bookies.get(i));
    }

    public void killZooKeeper(int i) {
        kill(zks.get(i));
    }

    /** Starts a killed bookie again on its own data, address and port, and waits until it is registered. */
    public void restartBookie(int i) throws Exception {
        restartBookies(List.of(i));
    }

    /** Starts killed bookies again, all at once, and waits until every one is registered. */
    public void restartBookies(List<Integer> which) throws Exception {
        List<Node> nodes = new ArrayList<>();
        for (int i : which) {
            Node b = bookies.get(i);
            if (b.process != null && b.process.isAlive()) {
                throw new IllegalStateException("bookie " + i + " is still running");
            }
            nodes.add(b);
        }
        for (Node b : nodes) {
            clearRegistration(b);
            launch(b);
        }
        awaitBookies(nodes);
    }

    /** Starts a killed ZooKeeper server again on its own data. */
    public void restartZooKeeper(int i) throws IOException {
        Node z = zks.get(i);
        if (z.process != null && z.process.isAlive()) {
            throw new IllegalStateException("ZooKeeper server " + i + " is still running");
        }
        launch(z);
    }

    /** SIGSTOP: the bookie keeps its sockets and stops answering (a long GC pause, a frozen VM). */
    public void pauseBookie(int i) {
        signal(bookies.get(i), "STOP");
    }

    /** SIGCONT: undoes {@link #pauseBookie}. */
    public void resumeBookie(int i) {
        signal(bookies.get(i), "CONT");
    }

    public void pauseZooKeeper(int i) {
        signal(zks.get(i), "STOP");
    }

    public void resumeZooKeeper(int i) {
        signal(zks.get(i), "CONT");
    }

    /** Whether the node is SIGSTOPped. */
    public boolean bookiePaused(int i) {
        return bookies.get(i).stopped;
    }

    public boolean zooKeeperPaused(int i) {
        return zks.get(i).stopped;
    }

    /**
     * The command that runs {@code mainClass} in a JVM of its own on this cluster's network: in the
     * namespace of {@code node} (created on first use) when there is a network, else on this host.
     * The child gets this JVM's class path, {@code --add-opens} and log settings, and {@code jvmArgs}.
     */
    public List<String> java(String node, List<String> jvmArgs, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        if (net != null) {
            net.add(node);
            cmd.addAll(net.exec(node));
        }
        cmd.addAll(childJava());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * The start of a command line for a child JVM like this one: this JVM's {@code java} binary and
     * the flags a child needs to behave the same ({@code --add-opens}, the log4j configuration,
     * headless AWT). Tests that start the CLI or a cluster in another JVM use it too.
     */
    public static List<String> childJava() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-Dlog4j2.configurationFile") || arg.startsWith("-Djava.awt.headless")) {
                cmd.add(arg);
            }
        }
        return cmd;
    }

    /** Remembers a process started on the network (with {@link #java}) so that {@link #close} kills it too. */
    public synchronized void adopt(Process p) {
        others.add(p);
    }

    /** Sends a signal (STOP, CONT, KILL) to a process. */
    public static void signal(long pid, String signal) {
        NetNamespaces.run(List.of("kill", "-" + signal, Long.toString(pid)));
    }

    private void signal(Node n, String signal) {
        Process p = n.process;
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException(n.name + " is not running");
        }
        signal(p.pid(), signal);
        n.stopped = "STOP".equals(signal);
    }

    private void kill(Node n) {
        Process p = n.process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(n.name + " (pid " + p.pid() + ") did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        n.stopped = false;
    }

    private void launch(Node n) throws IOException {
        List<String> jvm = new ArrayList<>(options.serverJvm());
        jvm.add("-Dzookeeper.admin.enableServer=false");
        // One line per GC pause, in the node's directory (a file per process, so a restart keeps the old one): stalls seen
        // by clients can be lined up against the servers' pauses.
        jvm.add("-Xlog:gc:file=" + n.dir.resolve("gc-%p.log") + ":time,uptime");
        ProcessBuilder pb = new ProcessBuilder(java(n.name, jvm, n.mainClass, n.args)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.dir.resolve("out.log").toFile()));
        n.stopped = false;
        n.process = pb.start();
    }

    private void awaitZooKeeper() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            for (Node z : zks) {
                if (!z.process.isAlive()) {
                    throw new IOException(z.name + " exited with " + z.process.exitValue() + "; see " + z.dir.resolve("out.log"));
                }
            }
            try (ZooKeeper zk = new ZooKeeper(connectString(), 10_000, e -> { })) {
                zk.exists("/", false);
                return;
            } catch (KeeperException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new IOException("ZooKeeper did not answer within " + START_TIMEOUT_SECONDS + " s", last);
    }

    private void awaitBookies(List<Node> which) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        try (ZooKeeper zk = new ZooKeeper(connectString(), 10_000, e -> { })) {
            while (true) {
                List<String> missing = new ArrayList<>();
                for (Node b : which) {
                    if (!b.process.isAlive()) {
                        throw new IOException(b.name + " exited with " + b.process.exitValue() + "; see " + b.dir.resolve("out.log"));
                    }
                    try {
                        if (zk.exists("/ledgers/available/" + b.id, false) == null) {
                            missing.add(b.name);
                        }
                    } catch (KeeperException e) {
                        missing.add(b.name + " (" + e.code() + ")");
                    }
                }
                if (missing.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("bookies " + missing + " did not register within " + START_TIMEOUT_SECONDS + " s");
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * Removes a killed bookie's registration, which its ZooKeeper session would keep for up to its
     * timeout: a restart would otherwise wait for it or refuse to start.
     */
    private void clearRegistration(Node b) throws Exception {
        String id = b.id;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (ZooKeeper zk = new ZooKeeper(connectString(), 10_000, e -> { })) {
            for (String path : List.of("/ledgers/available/" + id, "/ledgers/available/readonly/" + id)) {
                while (true) {
                    try {
                        zk.delete(path, -1);
                        break;
                    } catch (KeeperException.NoNodeException e) {
                        break;
                    } catch (KeeperException e) {
                        if (System.nanoTime() > deadline) {
                            throw e;
                        }
                        Thread.sleep(200);
                    }
                }
            }
        }
    }

    private synchronized void killAll() {
        for (Process p : others) {
            p.destroyForcibly();
        }
        for (Node n : bookies) {
            if (n.process != null) {
                n.process.destroyForcibly();
            }
        }
        for (Node n : zks) {
            if (n.process != null) {
                n.process.destroyForcibly();
            }
        }
    }

    /** Kills every child (SIGKILL: stopping a cluster has nothing to save that the journals do not hold), removes the network and a temporary data directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        killAll();
        for (Process p : allProcesses()) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (net != null) {
            net.close();
        }
        if (Thread.currentThread() != reaper) {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        if (temporary) {
            try (var walk = Files.walk(data)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private List<Process> allProcesses() {
        List<Process> all = new ArrayList<>(others);
        bookies.stream().map(n -> n.process).filter(Objects::nonNull).forEach(all::add);
        zks.stream().map(n -> n.process).filter(Objects::nonNull).forEach(all::add);
        return all;
    }
}
