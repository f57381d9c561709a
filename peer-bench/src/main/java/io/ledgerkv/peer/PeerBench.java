package io.ledgerkv.peer;

import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.cluster.LocalCluster;
import java.io.IOException;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ledgerkv side by side with Kafka Streams (RocksDB store, Kafka changelog, exactly-once v2) in
 * one run: a 3-node KRaft Kafka cluster of separate processes and a ledgerkv {@link LocalCluster}
 * (ZooKeeper and 3 bookies, journals fsyncing), the same update stream through both, each task in
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
    @Option(names = "--failover-value-bytes", defaultValue = "100")
    int failoverValueBytes;
    @Option(names = "--standbys", split = ",", defaultValue = "0", description = "Kafka Streams standby replicas in failover runs (0 only so far)")
    List<Integer> standbys;
    @Option(names = "--skip-throughput")
    boolean skipThroughput;
    @Option(names = "--skip-failover")
    boolean skipFailover;
    @Option(names = "--timeout-s", defaultValue = "600", description = "bound on every single wait")
    int timeoutS;

    private KafkaCluster kafka;
    private LocalCluster bk;
    private Path work;
    private int runSeq;
    final List<ThroughputRow> throughput = new ArrayList<>();
    final List<FailoverRow> failover = new ArrayList<>();

    record ThroughputRow(int repeat, String system, String kafkaFlush, Workload w, long elapsedMs) {
        double updatesPerS() {
            return w.updates() * 1000.0 / elapsedMs;
        }

        double mbPerS() {
            return w.updates() * (double) w.updateBytes() / 1e6 * 1000.0 / elapsedMs;
        }
    }

    record FailoverRow(int repeat, String system, int standbys, Workload w, long servedMsFromLaunch, long servedMsSinceMain) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PeerBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        work = Files.createTempDirectory("peer-bench-");
        long t0 = System.nanoTime();
        try {
            log("starting Kafka (3 KRaft nodes, separate JVMs) and ledgerkv's LocalCluster (ZooKeeper + 3 bookies) under " + work);
            kafka = KafkaCluster.start(work.resolve("kafka"), 3);
            bk = LocalCluster.builder().bookies(3).dataDir(work.resolve("bookkeeper"), true).start();
            log("clusters up in " + ms(t0) + " ms: Kafka " + kafka.bootstrap() + ", ZooKeeper " + bk.connectString());
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
        for (int r = 1; r <= repeats; r++) {
            for (int vb : valueBytes) {
                long n = vb >= 1024 ? Math.max(updates / 4, 1000) : updates;
                for (String shape : shapes) {
                    Workload w = new Workload((int) Math.min(throughputKeys, n), n, vb, Workload.Shape.parse(shape));
                    // Rotate the order each repeat so drift in the machine does not always favour one side.
                    for (int i = 0; i < systems.size(); i++) {
                        String sys = systems.get((i + r - 1) % systems.size());
                        long elapsed = throughputRun(sys, w);
                        ThroughputRow row = new ThroughputRow(r, sys.startsWith("kafka") ? "kafka-streams" : "ledgerkv",
                                sys.startsWith("kafka") ? sys.substring(sys.indexOf('/') + 1) : "-", w, elapsed);
                        throughput.add(row);
                        log(String.format(Locale.ROOT, "throughput repeat %d %-28s %-12s %,d updates in %,d ms: %,.0f updates/s, %.2f MB/s", r, sys,
                                w.label(), w.updates(), elapsed, row.updatesPerS(), row.mbPerS()));
                    }
                }
            }
        }
    }

    /** One task processes {@code w.updates()} pre-loaded input records; returns ms from its first record to the last one durable. */
    long throughputRun(String sys, Workload w) throws Exception {
        boolean streams = sys.startsWith("kafka");
        if (streams) {
            kafka.setFlushEveryMessage(sys.endsWith("every-message"));
        }
        String id = "run" + (++runSeq) + "-" + w.label();
        String topic = "in-" + id;
        preload(topic, w);
        try (ChildJvm task = startTask(streams ? "kafka-streams" : "ledgerkv", "load", id, topic, w, 0)) {
            long first = Long.parseLong(task.awaitSignal("FIRST", timeout()).split(" ")[1]);
            long done;
            if (streams) {
                done = awaitCommitted(id, topic, w.updates(), task);
            } else {
                done = Long.parseLong(task.awaitSignal("DONE", timeout()).split(" ")[1]);
            }
            return done - first;
        } finally {
            cleanUp(id, topic, streams);
        }
    }

    private void runFailover() throws Exception {
        for (int factor : historyFactors) {
            for (int keys : failoverKeys) {
                Workload w = new Workload(keys, (long) keys * factor, failoverValueBytes, Workload.Shape.JSON);
                for (int r = 1; r <= repeats; r++) {
                    List<String> systems = new ArrayList<>(List.of("ledgerkv"));
                    for (int sb : standbys) {
                        systems.add("kafka-streams/" + sb);
                    }
                    for (int i = 0; i < systems.size(); i++) {
                        String sys = systems.get((i + r - 1) % systems.size());
                        FailoverRow row = failoverRun(r, sys, w);
                        failover.add(row);
                        log(String.format(Locale.ROOT, "failover repeat %d %-16s %,d keys, %,d updates: serves the full state %,d ms after launch "
                                + "(%,d ms after main)", r, sys, keys, w.updates(), row.servedMsFromLaunch(), row.servedMsSinceMain()));
                    }
                }
            }
        }
    }

    FailoverRow failoverRun(int repeat, String sys, Workload w) throws Exception {
        boolean streams = sys.startsWith("kafka");
        int sb = streams ? Integer.parseInt(sys.substring(sys.indexOf('/') + 1)) : 0;
        if (streams) {
            kafka.setFlushEveryMessage(false);
        }
        String id = "fo" + (++runSeq) + "-" + w.keys();
        String topic = "in-" + id;
        preload(topic, w);
        try {
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

    private ChildJvm startTask(String system, String mode, String id, String topic, Workload w, int sb) throws IOException {
        Path stateDir = Files.createDirectories(work.resolve("task-" + id + "-" + mode)); // empty for every process
        List<String> args = new ArrayList<>(List.of("--system", system, "--mode", mode, "--bootstrap", kafka.bootstrap(), "--topic", topic,
                "--app", id, "--zk", bk.connectString(), "--state-dir", stateDir.toString(), "--keys", Integer.toString(w.keys()),
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
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long s = 0; s < w.updates(); s++) {
                producer.send(new ProducerRecord<>(topic, 0, w.keyOf(s), w.value(s)));
            }
            producer.flush();
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
        try (Admin admin = kafka.admin()) {
            List<String> topics = new ArrayList<>(List.of(topic));
            if (streams) {
                topics.add(id + "-" + TaskMain.STORE + "-changelog");
                // A killed task is a static member until its session times out: remove it, then the group. A task that
                // closed cleanly has left already (UnknownMemberId), which must not keep the topics from being deleted.
                try {
                    admin.removeMembersFromConsumerGroup(id, new RemoveMembersFromConsumerGroupOptions(
                            List.of(new MemberToRemove(id + "-task-0")))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownMemberIdException)) {
                        throw e;
                    }
                }
                admin.deleteConsumerGroups(List.of(id)).all().get(30, TimeUnit.SECONDS);
            }
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log("cleanup of " + id + " incomplete (ignored): " + e);
        }
        if (!streams) {
            try (LedgerKv kv = LedgerKv.connect(bk.clientConfig().build())) {
                kv.deleteStore(id, io.ledgerkv.api.StoreConfig.builder().ledgerPassword("peer-bench".getBytes()).build());
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
