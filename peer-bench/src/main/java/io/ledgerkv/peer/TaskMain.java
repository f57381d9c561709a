package io.ledgerkv.peer;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.StandbyStore;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.Txn;
import io.ledgerkv.codec.CodecType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * One stream task, in a JVM of its own so the harness can kill it: it consumes the input topic
 * (partition 0, key = state key, value = new value) and puts every record into its state store.
 *
 * <ul>
 *   <li>{@code --system kafka-streams}: a Kafka Streams application, {@code exactly_once_v2}, one
 *       thread, a persistent RocksDB key-value store with logging enabled (its changelog topic:
 *       replication factor 3, {@code min.insync.replicas=2}); Streams commits the store's changelog
 *       records and the input offsets in one Kafka transaction every {@code --commit-ms}.</li>
 *   <li>{@code --system ledgerkv}: a plain consumer and a ledgerkv store; every {@code --commit-ms}
 *       one ledgerkv transaction holds the puts since the last commit and the input offset
 *       (key {@code __offset}), committed synchronously: the same atomic "state and position"
 *       commit that exactly-once gives Streams, and the same stop-the-task commit.</li>
 * </ul>
 *
 * <p>{@code --mode load} processes the input until {@code --updates} records, then idles (the
 * harness kills it). {@code --mode serve} starts on an empty state directory (Streams restores
 * its changelog; ledgerkv opens the store as its writer: fence the old writer, checkpoint plus WAL
 * tail) and reads every key once, checking each value against {@link Workload#finalValue}.
 * {@code --mode standby} is a hot standby beside a running load task (Streams: a second group
 * member holding the standby replica, {@code num.standby.replicas=1}; ledgerkv: a
 * {@link StandbyStore} tailing the writer): it signals {@code CAUGHT_UP} when it holds the last
 * update, waits for {@code TAKEOVER} on standard input, takes over (Streams: the rebalance after
 * the harness removed the dead member; ledgerkv: {@link StandbyStore#promote()}) and serves as
 * {@code serve} does.
 * Progress goes to stdout as {@code PEER <word> ...} lines ({@link ChildJvm#SIGNAL}).
 */
@Command(name = "peer-task", mixinStandardHelpOptions = true, description = "One stream task of the peer benchmark.")
public final class TaskMain implements Callable<Integer> {
    static final String STORE = "state";
    static final byte[] OFFSET_KEY = "__offset".getBytes(StandardCharsets.US_ASCII);

    @Option(names = "--system", required = true, description = "kafka-streams or ledgerkv")
    String system;
    @Option(names = "--mode", required = true, description = "load or serve")
    String mode;
    @Option(names = "--bootstrap", required = true)
    String bootstrap;
    @Option(names = "--topic", required = true, description = "input topic")
    String topic;
    @Option(names = "--app", required = true, description = "Streams application.id, or the ledgerkv store name")
    String app;
    @Option(names = "--zk", description = "ledgerkv: ZooKeeper connect string")
    String zk;
    @Option(names = "--state-dir", required = true)
    Path stateDir;
    @Option(names = "--keys", required = true)
    int keys;
    @Option(names = "--updates", required = true)
    long updates;
    @Option(names = "--value-bytes", required = true)
    int valueBytes;
    @Option(names = "--shape", defaultValue = "JSON")
    String shape;
    @Option(names = "--commit-ms", defaultValue = "100")
    int commitMs;
    @Option(names = "--codec", defaultValue = "none", description = "none or lz4: ledgerkv's WAL codec / the Streams producer's compression.type")
    String codec;
    @Option(names = "--standbys", defaultValue = "0")
    int standbys;

    private final long mainStartMillis = System.currentTimeMillis();

    public static void main(String[] args) {
        int rc;
        try {
            rc = new CommandLine(new TaskMain()).execute(args);
        } catch (Throwable t) {
            t.printStackTrace();
            rc = 1;
        }
        System.out.flush();
        Runtime.getRuntime().halt(rc);
    }

    static void signal(String s) {
        System.out.println(ChildJvm.SIGNAL + s);
        System.out.flush();
    }

    @Override
    public Integer call() throws Exception {
        Workload w = new Workload(keys, updates, valueBytes, Workload.Shape.parse(shape));
        try {
            switch (system + "/" + mode) {
                case "kafka-streams/load", "kafka-streams/serve", "kafka-streams/standby" -> kafkaStreams(w);
                case "ledgerkv/load" -> ledgerkvLoad(w);
                case "ledgerkv/serve" -> ledgerkvServe(w);
                case "ledgerkv/standby" -> ledgerkvStandby(w);
                default -> throw new IllegalArgumentException("--system kafka-streams|ledgerkv, --mode load|serve|standby; got " + system + " "
                        + mode);
            }
        } catch (Throwable t) {
            t.printStackTrace();
            signal("FAILED " + t);
            return 1;
        }
        return 0;
    }

    // ---- Kafka Streams --------------------------------------------------------------------------

    private void kafkaStreams(Workload w) throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3);
        p.put(StreamsConfig.topicPrefix("min.insync.replicas"), "2");
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbys);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), codec.equals("lz4") ? "lz4" : "none");
        // Static membership: a replacement with the same instance id takes the dead task over at once
        // instead of waiting out the dead member's session (45 s by default).
        // A hot standby is a second member of the group (instance -task-1) holding the standby replica.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), app + (mode.equals("standby") ? "-task-1" : "-task-0"));
        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of("min.insync.replicas", "2")));
        long[] processed = {0};
        b.stream(topic, Consumed.with(Serdes.Bytes(), Serdes.ByteArray()))
                .process(() -> new Processor<Bytes, byte[], Void, Void>() {
                    private KeyValueStore<Bytes, byte[]> store;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        store = context.getStateStore(STORE);
                    }

                    @Override
                    public void process(Record<Bytes, byte[]> r) {
                        if (processed[0]++ == 0) {
                            signal("FIRST " + System.currentTimeMillis());
                        }
                        store.put(r.key(), r.value());
                    }
                }, STORE);
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            if (now == KafkaStreams.State.ERROR) {
                signal("FAILED streams state ERROR");
            }
        });
        long t0 = System.currentTimeMillis();
        streams.start();
        signal("STARTED " + t0);
        if (mode.equals("load")) {
            new CountDownLatch(1).await(); // processes until killed; the harness watches the committed input offset
        }
        if (mode.equals("standby")) {
            // Caught up when the standby replica holds the last update's value (a stale-store query reads standby replicas).
            byte[] lastKey = w.keyOf(w.updates() - 1);
            awaitCaughtUp(() -> {
                try {
                    return w.isFinal(keyIndex(lastKey), streams.store(StoreQueryParameters.fromNameAndType(STORE,
                            QueryableStoreTypes.<Bytes, byte[]>keyValueStore()).enableStaleStores()).get(Bytes.wrap(lastKey)));
                } catch (InvalidStateStoreException e) {
                    return false;
                }
            });
            // The harness has killed the active member and removed it from the group; the rebalance makes this one active.
        }
        if (!running.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("Streams not RUNNING within 5 minutes");
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            try {
                ReadOnlyKeyValueStore<Bytes, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(STORE,
                        QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
                long n = 0;
                long bad = 0;
                try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
                    while (it.hasNext()) {
                        KeyValue<Bytes, byte[]> kv = it.next();
                        n++;
                        if (!w.isFinal(keyIndex(kv.key.get()), kv.value)) {
                            bad++;
                        }
                    }
                }
                if (n == w.keys() && bad == 0) {
                    signal("SERVED " + System.currentTimeMillis() + " keys=" + n + " sinceMain=" + (System.currentTimeMillis() - mainStartMillis));
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("state incomplete after 5 minutes: " + n + " keys, " + bad + " stale");
                }
            } catch (InvalidStateStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            TimeUnit.MILLISECONDS.sleep(10); // poll until the restored store is queryable; bounded by the deadline
        }
    }

    static long keyIndex(byte[] key) {
        return Long.parseLong(new String(key, 1, key.length - 1, StandardCharsets.US_ASCII));
    }

    // ---- ledgerkv -------------------------------------------------------------------------------

    private StoreConfig storeConfig() {
        return StoreConfig.builder().ledgerPassword("peer-bench".getBytes(StandardCharsets.US_ASCII))
                .codec(codec.equals("lz4") ? CodecType.LZ4 : CodecType.NONE).build();
    }

    private void ledgerkvLoad(Workload w) throws Exception {
        LedgerKv kv = LedgerKv.connect(ClientConfig.builder(zk).build());
        KvStore store = kv.open(app, storeConfig());
        byte[] off = store.get(OFFSET_KEY);
        long position = off == null ? 0 : ByteBuffer.wrap(off).getLong();
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, position);
            signal("STARTED " + System.currentTimeMillis());
            long processed = 0;
            long lastCommit = System.nanoTime();
            Txn txn = null;
            while (position < w.updates()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(commitMs))) {
                    if (processed++ == 0) {
                        signal("FIRST " + System.currentTimeMillis());
                    }
                    if (txn == null) {
                        txn = store.begin();
                    }
                    txn.put(r.key(), r.value());
                    position = r.offset() + 1;
                }
                if (txn != null && (System.nanoTime() - lastCommit >= TimeUnit.MILLISECONDS.toNanos(commitMs) || position >= w.updates())) {
                    txn.put(OFFSET_KEY, ByteBuffer.allocate(8).putLong(position).array());
                    txn.commit();
                    txn.close();
                    txn = null;
                    lastCommit = System.nanoTime();
                }
            }
            signal("DONE " + System.currentTimeMillis() + " position=" + position);
        }
        // Idle as a live writer holding the store, until the harness kills this process.
        new CountDownLatch(1).await();
    }

    /**
     * Signals {@code CAUGHT_UP} once {@code caughtUp} holds (polled every 10 ms, at most 10 minutes), then blocks until the
     * harness writes {@code TAKEOVER} to standard input; a closed input (the harness is gone) ends the process.
     */
    private static void awaitCaughtUp(BooleanSupplier caughtUp) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!caughtUp.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("standby not caught up within 10 minutes");
            }
            TimeUnit.MILLISECONDS.sleep(10); // polling the standby's state; bounded by the deadline
        }
        signal("CAUGHT_UP " + System.currentTimeMillis());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("TAKEOVER")) {
                return;
            }
        }
        throw new IllegalStateException("standard input closed before TAKEOVER");
    }

    /** A hot standby ({@link StandbyStore}) tailing the writer; on TAKEOVER it promotes itself and serves the full state. */
    private void ledgerkvStandby(Workload w) throws Exception {
        LedgerKv kv = LedgerKv.connect(ClientConfig.builder(zk).build());
        StandbyStore standby = kv.openStandby(app, storeConfig());
        signal("STARTED " + System.currentTimeMillis());
        byte[] lastKey = w.keyOf(w.updates() - 1);
        awaitCaughtUp(() -> w.isFinal(keyIndex(lastKey), standby.get(lastKey)));
        long t0 = System.currentTimeMillis();
        KvStore store = standby.promote(); // fences the dead writer, recovers its open ledger, applies what the standby had not read
        serveAll(w, store, t0);
    }

    private void ledgerkvServe(Workload w) throws Exception {
        LedgerKv kv = LedgerKv.connect(ClientConfig.builder(zk).build());
        long t0 = System.currentTimeMillis();
        serveAll(w, kv.open(app, storeConfig()), t0);
    }

    /** Reads every key once, checks each against its final value, and signals {@code SERVED}. */
    private void serveAll(Workload w, KvStore store, long t0) {
        long opened = System.currentTimeMillis();
        long n = 0;
        long bad = 0;
        try (KvIterator it = store.prefixScan(new byte[] {'k'})) {
            while (it.hasNext()) {
                KvEntry e = it.next();
                n++;
                if (!w.isFinal(keyIndex(e.key()), e.value())) {
                    bad++;
                }
            }
        }
        if (n != w.keys() || bad != 0) {
            throw new IllegalStateException("ledgerkv state after reopen: " + n + " keys (want " + w.keys() + "), " + bad + " stale");
        }
        signal("SERVED " + System.currentTimeMillis() + " keys=" + n + " sinceMain=" + (System.currentTimeMillis() - mainStartMillis)
                + " open=" + (opened - t0));
    }
}
