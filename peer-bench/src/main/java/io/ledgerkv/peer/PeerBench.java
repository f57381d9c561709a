package io.ledgerkv.peer;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.cluster.MultiProcessCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * ledgerkv side by side with Kafka Streams (RocksDB store, Kafka changelog, exactly-once v2) in
 * one run: a 3-node KRaft Kafka cluster of separate processes and a ledgerkv cluster of separate
 * processes ({@link MultiProcessCluster}: ZooKeeper and 3 bookies, journals fsyncing; or
 * {@link LocalCluster} in this JVM), the same update stream through both, each task in
 * a JVM of its own. Writes {@code throughput.csv}, {@code failover.csv} and {@code summary.md} to
 * {@code --out}.
 *
 * <pre>
 * java -cp peer-bench/target/classes:$(cat peer-bench/target/classpath.txt) io.ledgerkv.peer.PeerBench --out /tmp/peer
 * </pre>
 */
@Command(name = "ledgerkv bench --peer", mixinStandardHelpOptions = true,
        description = "ledgerkv vs Kafka Streams (RocksDB + Kafka changelog): durable updates/s and failover time, one run.")
public final class PeerBench implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "results folder (CSV files and summary.md)")
    Path out;
    @Option(names = "--repeats", defaultValue = "3", description = "repeats of every measurement (ratios are paired within a repeat)")
    int repeats;
    @Option(names = "--updates", defaultValue = "200000", description = "updates per throughput run with 100 B values; 1 KiB runs use a quarter")
    long updates;
    @Option(names = "--throughput-keys", defaultValue = "100000", description = "distinct keys in the throughput runs")
    int throughputKeys;
    @Option(names = "--value-bytes", split = ",", defaultValue = "100,1024")
    List<Integer> valueBytes;
    @Option(names = "--shapes", split = ",", defaultValue = "json,random")
    List<String> shapes;
    @Option(names = "--kafka-flush", split = ",", defaultValue = "default,every-message",
            description = "Kafka durability modes: default (no fsync per message) and every-message (log.flush.interval.messages=1)")
    List<String> kafkaFlush;
    @Option(names = "--commit-ms", defaultValue = "100", description = "commit interval of both tasks (Streams' exactly-once default)")
    int commitMs;
    @Option(names = "--codec", defaultValue = "none", description = "none or lz4, for both")
    String codec;
    @Option(names = "--failover-keys", split = ",", defaultValue = "10000,50000,200000", description = "state sizes (keys) for failover")
    List<Integer> failoverKeys;
    @Option(names = "--history-factor", split = ",", defaultValue = "2", description = "failover history = factor x keys updates")
    List<Integer> historyFactors;
    @Option(names = "--failover-cells", split = ",", description = "failover cells as KEYSxFACTOR (history = FACTOR x KEYS updates), "
            + "e.g. 10000x2,50000x2,50000x8; replaces the --failover-keys x --history-factor grid")
    List<String> failoverCells;
    @Option(names = "--failover-value-bytes", defaultValue = "100")
    int failoverValueBytes;
    @Option(names = "--standbys", split = ",", defaultValue = "0,1", description = "failover kinds: 0 = a cold replacement on an empty "
            + "directory, 1 = a hot standby taking over (Streams: num.standby.replicas=1 on a second member; ledgerkv: a StandbyStore)")
    List<Integer> standbys;
    @Option(names = "--warmup-rounds", defaultValue = "1", description = "untimed rounds of every workload on every system before the repeats")
    int warmupRounds;
    @Option(names = "--ledgerkv-cluster", defaultValue = "processes", description = "processes: ZooKeeper and each bookie a JVM of its "
            + "own, as Kafka's 3 brokers are (like for like); in-process: LocalCluster in this JVM")
    String ledgerkvCluster;
    @Option(names = "--skip-throughput")
    boolean skipThroughput;
    @Option(names = "--skip-failover")
    boolean skipFailover;
    @Option(names = "--timeout-s", defaultValue = "600", description = "bound on every single wait")
    int timeoutS;

    /** The command line running this one: a usage error goes to its error stream and exit code. */
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private KafkaCluster kafka;
    private AutoCloseable bk;
    private String zk;
    private Path work;
    private int runSeq;
    final List<ThroughputRow> throughput = new ArrayList<>();
    final List<FailoverRow> failover = new ArrayList<>();

    /**
     * CPU milliseconds used in a timed window by the task process, by Kafka's nodes and by ledgerkv's ZooKeeper and
     * bookies. Both clusters are counted in every run: a ledgerkv task reads its input from the brokers too.
     */
    record Cpu(long taskMs, long brokerMs, long bookkeeperMs) {
        long serverMs() {
            return brokerMs + bookkeeperMs;
        }
    }

    record ThroughputRow(int repeat, String system, String kafkaFlush, Workload w, long elapsedMs, Cpu cpu) {
        /** CPU microseconds per update, task and servers together. */
        double cpuMicrosPerUpdate() {
            return (cpu.taskMs() + cpu.serverMs()) * 1000.0 / w.updates();
        }

        double updatesPerS() {
            return w.updates() * 1000.0 / elapsedMs;
        }

        double mbPerS() {
            return w.updates() * (double) w.updateBytes() / 1e6 * 1000.0 / elapsedMs;
        }
    }

    /**
     * One failover. {@code servedMs}: with no standby, from launching the replacement process to it serving the full
     * state; with a hot standby, from the SIGKILL of the task to the standby serving the full state.
     */
    record FailoverRow(int repeat, String system, int standbys, Workload w, long servedMs, long servedMsSinceMain) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PeerBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        // Options that can be wrong are checked before any cluster starts: not after a throughput run of many minutes.
        if (!List.of("processes", "in-process").contains(ledgerkvCluster)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ledgerkv-cluster: processes or in-process, got "
                    + ledgerkvCluster);
        }
        if (!skipFailover) {
            failoverWorkloads();
        }
        Files.createDirectories(out);
        work = Files.createTempDirectory("peer-bench-");
        long t0 = System.nanoTime();
        try {
            log("starting Kafka (3 KRaft nodes, separate JVMs) and ledgerkv's cluster (ZooKeeper + 3 bookies, " + ledgerkvCluster + ") under "
                    + work);
            kafka = KafkaCluster.start(work.resolve("kafka"), 3);
            if (ledgerkvCluster.equals("processes")) {
                MultiProcessCluster c = MultiProcessCluster.start(new MultiProcessCluster.Options(1, 3, work.resolve("bookkeeper"), false)
                        .withServerJvm(MultiProcessCluster.Options.PERFORMANCE_JVM)); // the brokers' heap, G1 and full JIT
                bk = c;
                zk = c.connectString();
            } else if (ledgerkvCluster.equals("in-process")) {
                LocalCluster c = LocalCluster.builder().bookies(3).dataDir(work.resolve("bookkeeper"), true).start();
                bk = c;
                zk = c.connectString();
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(), "--ledgerkv-cluster: processes or in-process, got "
                        + ledgerkvCluster);
            }
            log("clusters up in " + ms(t0) + " ms: Kafka " + kafka.bootstrap() + ", ledgerkv (" + ledgerkvCluster + ") ZooKeeper " + zk);
            if (!skipThroughput) {
                runThroughput();
            }
            if (!skipFailover) {
                runFailover();
            }
        } finally {
            if (bk != null) {
                bk.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            KafkaCluster.deleteTree(work);
        }
        Report.write(out, throughput, failover, this);
        log("done in " + ms(t0) / 1000 + " s; results in " + out);
        return 0;
    }

    private void runThroughput() throws Exception {
        List<String> systems = new ArrayList<>();
        systems.add("ledgerkv");
        for (String f : kafkaFlush) {
            systems.add("kafka-streams/" + f);
        }
        // The brokers, the bookies and this JVM start cold. A warm-up of one workload was not enough: in the first
        // measured repeat after it, the brokers used 3-4x the CPU per update of the later repeats (results/archive/
        // 2026-12-01-peer-short-warmup). So each warm-up round runs every workload on every system, untimed and unrecorded.
        for (int i = 0; i < warmupRounds; i++) {
            for (int vb : valueBytes) {
                long n = vb >= 1024 ? Math.max(updates / 4, 1000) : updates;
                for (String shape : shapes) {
                    Workload w = new Workload((int) Math.min(throughputKeys, n), n, vb, Workload.Shape.parse(shape));
                    for (String sys : systems) {
                        long elapsed = throughputRun(sys, w).elapsedMs();
                        log(String.format(Locale.ROOT, "warm-up %-28s %-12s %,d updates in %,d ms (not recorded)", sys, w.label(),
                                w.updates(), elapsed));
                    }
                }
            }
        }
        for (int r = 1; r <= repeats; r++) {
            for (int vb : valueBytes) {
                long n = vb >= 1024 ? Math.max(updates / 4, 1000) : updates;
                for (String shape : shapes) {
                    Workload w = new Workload((int) Math.min(throughputKeys, n), n, vb, Workload.Shape.parse(shape));
                    // Rotate the order each repeat so drift in the machine does not always favour one side.
                    for (int i = 0; i < systems.size(); i++) {
                        String sys = systems.get((i + r - 1) % systems.size());
                        Timed t = throughputRun(sys, w);
                        ThroughputRow row = new ThroughputRow(r, sys.startsWith("kafka") ? "kafka-streams" : "ledgerkv",
                                sys.startsWith("kafka") ? sys.substring(sys.indexOf('/') + 1) : "-", w, t.elapsedMs(), t.cpu());
                        throughput.add(row);
                        log(String.format(Locale.ROOT, "throughput repeat %d %-28s %-12s %,d updates in %,d ms: %,.0f updates/s, %.2f MB/s; "
                                + "CPU task %,d ms, brokers %,d ms, ZooKeeper+bookies %,d ms (%.1f µs/update)", r, sys, w.label(), w.updates(),
                                t.elapsedMs(), row.updatesPerS(), row.mbPerS(), t.cpu().taskMs(), t.cpu().brokerMs(), t.cpu().bookkeeperMs(),
                                row.cpuMicrosPerUpdate()));
                    }
                }
            }
        }
    }

    /** Elapsed ms of a throughput run (first record to last update durable) and the CPU used in that window. */
    record Timed(long elapsedMs, Cpu cpu) {
    }

    /** ledgerkv's ZooKeeper and bookies (this JVM, with an in-process cluster: then the harness's own CPU is counted too). */
    private List<Long> bookkeeperPids() {
        if (bk instanceof MultiProcessCluster c) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < c.zooKeeperCount(); i++) {
                pids.add(c.zooKeeperPid(i));
            }
            for (int i = 0; i < c.bookieCount(); i++) {
                pids.add(c.bookiePid(i));
            }
            return pids;
        }
        return List.of(ProcessHandle.current().pid());
    }

    private static long cpuMillis(List<Long> pids) {
        return pids.stream().mapToLong(ChildJvm::cpuMillis).sum();
    }

    /** One task processes {@code w.updates()} pre-loaded input records: ms from its first record to the last one durable, and CPU. */
    Timed throughputRun(String sys, Workload w) throws Exception {
        boolean streams = sys.startsWith("kafka");
        if (streams) {
            kafka.setFlushEveryMessage(sys.endsWith("every-message"));
        }
        runSeq++;
        String id = "run" + runSeq + "-" + w.label();
        String topic = "in-" + id;
        preload(topic, w);
        try (ChildJvm task = startTask(streams ? "kafka-streams" : "ledgerkv", "load", id, topic, w, 0)) {
            long first = Long.parseLong(task.awaitSignal("FIRST", timeout()).split(" ")[1]);
            List<Long> brokers = kafka.pids();
            List<Long> bookkeeper = bookkeeperPids();
            long taskCpu0 = ChildJvm.cpuMillis(task.pid());
            long brokerCpu0 = cpuMillis(brokers);
            long bookkeeperCpu0 = cpuMillis(bookkeeper);
            long done;
            if (streams) {
                done = awaitCommitted(id, topic, w.updates(), task);
            } else {
                done = Long.parseLong(task.awaitSignal("DONE", timeout()).split(" ")[1]);
            }
            Cpu cpu = new Cpu(ChildJvm.cpuMillis(task.pid()) - taskCpu0, cpuMillis(brokers) - brokerCpu0, cpuMillis(bookkeeper) - bookkeeperCpu0);
            return new Timed(done - first, cpu);
        } finally {
            cleanUp(id, topic, streams);
        }
    }

    /** The failover cells: {@code --failover-cells} if given, else every {@code --failover-keys} x {@code --history-factor}. */
    List<Workload> failoverWorkloads() {
        List<Workload> cells = new ArrayList<>();
        if (failoverCells != null && !failoverCells.isEmpty()) {
            for (String c : failoverCells) {
                String[] kf = c.toLowerCase(Locale.ROOT).split("x");
                if (kf.length != 2 || !kf[0].trim().matches("[1-9][0-9]{0,8}") || !kf[1].trim().matches("[1-9][0-9]{0,4}")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--failover-cells: want KEYSxFACTOR with positive "
                            + "numbers, e.g. 50000x8; got " + c);
                }
                int keys = Integer.parseInt(kf[0].trim());
                cells.add(new Workload(keys, (long) keys * Integer.parseInt(kf[1].trim()), failoverValueBytes, Workload.Shape.JSON));
            }
            return cells;
        }
        for (int factor : historyFactors) {
            for (int keys : failoverKeys) {
                cells.add(new Workload(keys, (long) keys * factor, failoverValueBytes, Workload.Shape.JSON));
            }
        }
        return cells;
    }

    private void runFailover() throws Exception {
        List<String> systems = new ArrayList<>();
        for (int sb : standbys) {
            systems.add("ledgerkv/" + sb);
            systems.add("kafka-streams/" + sb);
        }
        for (Workload w : failoverWorkloads()) {
            for (int r = 1; r <= repeats; r++) {
                for (int i = 0; i < systems.size(); i++) {
                    String sys = systems.get((i + r - 1) % systems.size());
                    FailoverRow row = failoverRun(r, sys, w);
                    failover.add(row);
                    log(String.format(Locale.ROOT, "failover repeat %d %-16s %,d keys, %,d updates: serves the full state %,d ms after %s "
                            + "(%,d ms after main)", r, sys, w.keys(), w.updates(), row.servedMs(), row.standbys() > 0 ? "the kill" : "launch",
                            row.servedMsSinceMain()));
                }
            }
        }
    }

    FailoverRow failoverRun(int repeat, String sys, Workload w) throws Exception {
        boolean streams = sys.startsWith("kafka");
        int sb = Integer.parseInt(sys.substring(sys.indexOf('/') + 1));
        if (streams) {
            kafka.setFlushEveryMessage(false);
        }
        runSeq++;
        String id = "fo" + runSeq + "-" + w.keys();
        String topic = "in-" + id;
        preload(topic, w);
        try {
            if (sb > 0) {
                return hotStandbyRun(repeat, streams, id, topic, w, sb);
            }
            try (ChildJvm task = startTask(streams ? "kafka-streams" : "ledgerkv", "load", id, topic, w, sb)) {
                task.awaitSignal("FIRST", timeout());
                if (streams) {
                    awaitCommitted(id, topic, w.updates(), task);
                } else {
                    task.awaitSignal("DONE", timeout());
                }
                task.kill(); // SIGKILL: no close, no flush, no leaving the group
            }
            try (ChildJvm successor = startTask(streams ? "kafka-streams" : "ledgerkv", "serve", id, topic, w, sb)) {
                String served = successor.awaitSignal("SERVED", timeout());
                long fromLaunch = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - successor.startedNanos());
                long sinceMain = Long.parseLong(served.replaceAll(".*sinceMain=(\\d+).*", "$1"));
                return new FailoverRow(repeat, streams ? "kafka-streams" : "ledgerkv", sb, w, fromLaunch, sinceMain);
            }
        } finally {
            cleanUp(id, topic, streams);
        }
    }

    /**
     * The load task with a hot standby beside it (started once the load task has processed its first record, so the
     * store and the group exist): once every update is durable and the standby holds the last one, SIGKILL the load
     * task and tell the standby to take over. The time runs from the kill to the standby serving the full state.
     * Neither side waits to detect the death (Streams' session timeout; whatever watches a ledgerkv writer): the
     * harness removes the dead static member from the group at once, as an orchestrator that saw the process die would.
     */
    private FailoverRow hotStandbyRun(int repeat, boolean streams, String id, String topic, Workload w, int sb) throws Exception {
        String system = streams ? "kafka-streams" : "ledgerkv";
        try (ChildJvm task = startTask(system, "load", id, topic, w, sb)) {
            task.awaitSignal("FIRST", timeout());
            try (ChildJvm standby = startTask(system, "standby", id, topic, w, sb)) {
                if (streams) {
                    awaitCommitted(id, topic, w.updates(), task);
                } else {
                    task.awaitSignal("DONE", timeout());
                }
                standby.awaitSignal("CAUGHT_UP", timeout());
                task.kill();
                long killed = System.nanoTime();
                if (streams) {
                    removeStaticMember(id, streamsMember(id, 0), false);
                }
                standby.send("TAKEOVER");
                String served = standby.awaitSignal("SERVED", timeout());
                long fromKill = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                return new FailoverRow(repeat, system, sb, w, fromKill, Long.parseLong(served.replaceAll(".*sinceMain=(\\d+).*", "$1")));
            }
        }
    }

    /**
     * The group.instance.id of task process {@code n}'s one stream thread: Streams suffixes the configured id
     * ({@code <app>-task-<n>}, {@link TaskMain}) with {@code -<thread index>}, from 1.
     */
    static String streamsMember(String app, int n) {
        return app + "-task-" + n + "-1";
    }

    /** Removes a static member from the group (a rebalance follows at once); {@code mayBeGone}: one that left already is fine. */
    private void removeStaticMember(String group, String instanceId, boolean mayBeGone) throws Exception {
        try (Admin admin = kafka.admin()) {
            admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(List.of(new MemberToRemove(instanceId))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!mayBeGone || !(e.getCause() instanceof UnknownMemberIdException)) {
                throw e;
            }
        }
    }

    private ChildJvm startTask(String system, String mode, String id, String topic, Workload w, int sb) throws IOException {
        Path stateDir = Files.createDirectories(work.resolve("task-" + id + "-" + mode)); // empty for every process
        List<String> args = new ArrayList<>(List.of("--system", system, "--mode", mode, "--bootstrap", kafka.bootstrap(), "--topic", topic,
                "--app", id, "--zk", zk, "--state-dir", stateDir.toString(), "--keys", Integer.toString(w.keys()),
                "--updates", Long.toString(w.updates()), "--value-bytes", Integer.toString(w.valueBytes()), "--shape", w.shape().name(),
                "--commit-ms", Integer.toString(commitMs), "--codec", codec, "--standbys", Integer.toString(sb)));
        return ChildJvm.start(system + "-" + mode + "-" + id, List.of("-Xmx1g"), TaskMain.class.getName(), args,
                out.resolve("logs").resolve(system + "-" + mode + "-" + id + ".log"));
    }

    private void preload(String topic, Workload w) throws Exception {
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get(60, TimeUnit.SECONDS);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // A send that fails must fail the preload, not leave the topic short for the task to wait on.
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long s = 0; s < w.updates(); s++) {
                var unused = producer.send(new ProducerRecord<>(topic, 0, w.keyOf(s), w.value(s)), (metadata, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("preloading topic " + topic + " failed", failed.get());
        }
    }

    /** Waits until the Streams application's committed input offset reaches {@code n}; returns the wall-clock time it saw it. */
    private long awaitCommitted(String app, String topic, long n, ChildJvm task) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        long deadline = System.nanoTime() + timeout().toNanos();
        try (Admin admin = kafka.admin()) {
            while (System.nanoTime() < deadline) {
                if (!task.isAlive()) {
                    throw new IllegalStateException(task.name() + " died; log " + task.log());
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(app).partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                OffsetAndMetadata o = offsets.get(tp);
                if (o != null && o.offset() >= n) {
                    return System.currentTimeMillis();
                }
                TimeUnit.MILLISECONDS.sleep(10); // polling the group's offsets; bounded by the deadline
            }
        }
        throw new IllegalStateException(app + ": committed offset did not reach " + n + " within " + timeout());
    }

    private void cleanUp(String id, String topic, boolean streams) {
        List<String> topics = new ArrayList<>(List.of(topic));
        if (streams) {
            topics.add(id + "-" + TaskMain.STORE + "-changelog");
        }
        try (Admin admin = kafka.admin()) {
            // Topics first: whatever happens to the group, no run leaves its partitions behind on the brokers.
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
            if (streams) {
                // A killed task is a static member until its session times out: remove it (and a standby's), then the
                // group. A member that left already (UnknownMemberId) is fine; the group empties once the rebalance
                // the removal started completes, so GroupNotEmpty is retried (at most 10 s).
                removeStaticMember(id, streamsMember(id, 0), true);
                removeStaticMember(id, streamsMember(id, 1), true);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (true) {
                    try {
                        admin.deleteConsumerGroups(List.of(id)).all().get(30, TimeUnit.SECONDS);
                        break;
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof GroupNotEmptyException) || System.nanoTime() > deadline) {
                            throw e;
                        }
                        TimeUnit.MILLISECONDS.sleep(100); // waiting for the group's rebalance; bounded by the deadline
                    }
                }
            }
        } catch (Exception e) {
            log("cleanup of " + id + " incomplete (ignored): " + e);
        }
        if (!streams) {
            try (LedgerKv kv = LedgerKv.connect(ClientConfig.builder(zk).build())) {
                kv.deleteStore(id, StoreConfig.builder().ledgerPassword("peer-bench".getBytes(StandardCharsets.US_ASCII)).build());
            } catch (Exception e) {
                log("cleanup of store " + id + " incomplete (ignored): " + e);
            }
        }
    }

    private Duration timeout() {
        return Duration.ofSeconds(timeoutS);
    }

    private static long ms(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    static void log(String s) {
        System.out.println("peer-bench: " + s);
        System.out.flush();
    }
}
