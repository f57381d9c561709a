package io.ledgerkv.peer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

/**
 * A Kafka cluster of {@code n} KRaft nodes, each a JVM of its own ({@code kafka.Kafka} on a
 * generated {@code server.properties}), on free loopback ports, each with its own log directory.
 * Every node is both broker and controller ("combined" mode, which Kafka supports for small
 * clusters): three processes rather than six, on a 2-core machine. The controller quorum is
 * static ({@code controller.quorum.voters}); each directory is formatted with the storage tool's
 * own entry point ({@code kafka-storage format -t <id> -c server.properties}).
 *
 * <p>Settings are those of a cluster that runs exactly-once Kafka Streams: replication factor 3
 * for every topic (changelogs, offsets, transaction state), {@code min.insync.replicas=2}.
 */
final class KafkaCluster implements AutoCloseable {
    private final Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private final String bootstrap;

    private record Node(int id, int port, int controllerPort, Path config, Path logDir, ChildJvm[] jvm) {
    }

    private KafkaCluster(Path dir, int n, String heap) throws Exception {
        this.dir = dir;
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ports.add(new int[] {freePort(), freePort()});
        }
        String voters = IntStream.range(0, n).mapToObj(i -> (i + 1) + "@127.0.0.1:" + ports.get(i)[1])
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        for (int i = 0; i < n; i++) {
            int id = i + 1;
            Path nodeDir = Files.createDirectories(dir.resolve("kafka-" + id));
            Path logDir = nodeDir.resolve("data");
            Path config = nodeDir.resolve("server.properties");
            Properties p = serverProperties(id, ports.get(i)[0], ports.get(i)[1], voters, logDir);
            try (var out = Files.newBufferedWriter(config)) {
                p.store(out, "ledgerkv peer-bench: KRaft node " + id + " (broker and controller)");
            }
            format(clusterId, config);
            nodes.add(new Node(id, ports.get(i)[0], ports.get(i)[1], config, logDir, new ChildJvm[1]));
        }
        this.bootstrap = nodes.stream().map(nd -> "127.0.0.1:" + nd.port).collect(Collectors.joining(","));
        for (Node nd : nodes) {
            start(nd, heap);
        }
        awaitBrokers(n, Duration.ofSeconds(90));
    }

    /** Starts {@code n} nodes under {@code dir} and waits (at most 90 s) until all are registered brokers. */
    static KafkaCluster start(Path dir, int n) {
        try {
            return new KafkaCluster(dir, n, "-Xmx768m");
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Kafka cluster did not start: " + e, e);
        }
    }

    static Properties serverProperties(int id, int port, int controllerPort, String voters, Path logDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(id));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "3");
        p.put("min.insync.replicas", "2");
        p.put("offsets.topic.replication.factor", "3");
        p.put("transaction.state.log.replication.factor", "3");
        p.put("transaction.state.log.min.isr", "2");
        // Fewer partitions of the internal topics than the defaults (50): 2 cores, one application at a time.
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        return p;
    }

    private static void format(String clusterId, Path config) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()}, ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("kafka-storage format " + config + " exited " + rc + ": " + buf.toString(StandardCharsets.UTF_8));
        }
    }

    private void start(Node nd, String heap) {
        nd.jvm[0] = ChildJvm.start("kafka-" + nd.id, List.of(heap, "-Xms256m"), "kafka.Kafka", List.of(nd.config.toString()),
                dir.resolve("kafka-" + nd.id).resolve("out.log"));
    }

    private void awaitBrokers(int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        // First the listeners (an Admin client would log a warning per refused connection meanwhile).
        for (Node nd : nodes) {
            while (!accepts(nd.port)) {
                if (!nd.jvm[0].isAlive()) {
                    throw new IllegalStateException("broker " + nd.id + " exited at start; log " + nd.jvm[0].log() + ":\n" + tail(nd.jvm[0].log()));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("broker " + nd.id + " not listening within " + timeout);
                }
                TimeUnit.MILLISECONDS.sleep(100); // harness polling, bounded by the deadline
            }
        }
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                for (Node nd : nodes) {
                    if (!nd.jvm[0].isAlive()) {
                        throw new IllegalStateException("broker " + nd.id + " exited at start; log " + nd.jvm[0].log() + ":\n" + tail(nd.jvm[0].log()));
                    }
                }
                try {
                    int seen = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    if (seen == n) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                TimeUnit.MILLISECONDS.sleep(200); // harness polling, not a test sleep: bounded by the deadline
            }
        }
        throw new IllegalStateException("not all " + n + " brokers registered within " + timeout, last);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000));
    }

    /**
     * Sets {@code log.flush.interval.messages} cluster-wide (a dynamic broker default): 1 makes every
     * broker fsync its log after every message batch it appends (the per-topic {@code flush.messages=1}
     * for every topic, internal ones included); {@code null} returns to Kafka's default (no fsync per
     * message: durability from replication and the page cache).
     */
    void setFlushEveryMessage(boolean on) throws Exception {
        ConfigResource cluster = new ConfigResource(ConfigResource.Type.BROKER, "");
        AlterConfigOp op = on ? new AlterConfigOp(new ConfigEntry("log.flush.interval.messages", "1"), AlterConfigOp.OpType.SET)
                : new AlterConfigOp(new ConfigEntry("log.flush.interval.messages", ""), AlterConfigOp.OpType.DELETE);
        try (Admin admin = admin()) {
            admin.incrementalAlterConfigs(Map.of(cluster, List.of(op))).all().get(60, TimeUnit.SECONDS);
        }
    }

    /** The nodes' process ids. */
    List<Long> pids() {
        return nodes.stream().map(n -> n.jvm[0].pid()).toList();
    }

    int size() {
        return nodes.size();
    }

    /** SIGKILL of node {@code i} (0-based). */
    void kill(int i) {
        nodes.get(i).jvm[0].kill();
    }

    /** Clean shutdown of every node (SIGTERM, in parallel: a controlled shutdown each), SIGKILL after 30 s. */
    @Override
    public void close() {
        for (Node nd : nodes) {
            if (nd.jvm[0] != null) {
                nd.jvm[0].beginStop();
            }
        }
        for (Node nd : nodes) {
            if (nd.jvm[0] != null && !nd.jvm[0].waitFor(Duration.ofSeconds(30))) {
                nd.jvm[0].kill();
            }
        }
        deleteTree(dir);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
