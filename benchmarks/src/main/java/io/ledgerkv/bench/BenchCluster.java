package io.ledgerkv.bench;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.log.bookkeeper.BookKeeperLog;
import io.ledgerkv.store.DefaultLedgerKv;
import java.util.SplittableRandom;
import org.apache.bookkeeper.client.BookKeeper;

/**
 * A LocalCluster and a client for one JMH trial: real ZooKeeper and bookies in the benchmark's
 * forked JVM, journals fsyncing ({@code journalSyncData=true}, flushing when the journal queue is
 * empty), the BookKeeper client throttle off. Every suite starts one per trial
 * ({@code @Setup(Level.Trial)}) and closes it after.
 *
 * <p>With {@code -Dledgerkv.bench.zk=host:port[,host:port...]} (JMH: {@code -jvmArgsPrepend}) the
 * suites use that external cluster instead, each trial in a namespace of its own
 * ({@code bench-<time>-<random>}) so runs never reopen each other's stores; the bookies' own
 * settings (journal sync, group commit) are then the cluster's, not the ones above. See
 * deploy/README.md.
 */
public final class BenchCluster implements AutoCloseable {
    /** JVM flags for every forked benchmark JVM: quiet logging (WARN) and the opens Netty and BookKeeper need. */
    public static final String LOG = "-Dlog4j2.configurationFile=classpath:ledgerkv-log4j2.xml";
    public static final String OPEN_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    public static final String OPEN_SUN_NIO = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /** BookKeeper's journal reads FileDescriptor.fd for page-cache hints; without this it warns once per bookie. */
    public static final String OPEN_IO = "--add-opens=java.base/java.io=ALL-UNNAMED";
    /** Ledger password of every benchmark store and raw ledger: a constant, not a secret. */
    public static final String PASSWORD = "benchmark";

    /** The external cluster's ZooKeeper connect string, or null for the embedded one. */
    public static final String ZK_PROPERTY = "ledgerkv.bench.zk";
    public static final String EXTERNAL_ZK = System.getProperty(ZK_PROPERTY);

    private final LocalCluster cluster;
    private final ClientConfig.Builder config;
    private final DefaultLedgerKv client;

    public BenchCluster(int bookies) {
        if (EXTERNAL_ZK != null) {
            this.cluster = null;
            this.config = ClientConfig.builder(EXTERNAL_ZK).namespace("bench-" + System.currentTimeMillis() + "-"
                    + Integer.toHexString(new SplittableRandom().nextInt()));
        } else {
            this.cluster = LocalCluster.builder().bookies(bookies).start();
            this.config = cluster.clientConfig();
        }
        this.client = DefaultLedgerKv.connect(config.build());
    }

    public DefaultLedgerKv client() {
        return client;
    }

    /** A fresh client (for reopen measurements that must not reuse warm caches of the writer's client). */
    public DefaultLedgerKv newClient() {
        return DefaultLedgerKv.connect(config.build());
    }

    /** A bare BookKeeper client configured exactly as the store's (throttle off, same timeouts): the raw baseline. */
    public BookKeeper rawClient() {
        return BookKeeperLog.newClient(config.build());
    }

    /** Store settings shared by the suites. */
    public static StoreConfig.Builder storeConfig() {
        return StoreConfig.builder().ledgerPassword(PASSWORD);
    }

    /**
     * The suites' {@code checkpoints} parameter applied to {@code b}: {@code default} leaves
     * {@code StoreConfig}'s automatic checkpoints on, {@code off} sets {@code checkpointEveryBytes(0)}.
     */
    public static StoreConfig.Builder checkpoints(StoreConfig.Builder b, String setting) {
        switch (setting) {
            case "default" -> { }
            case "off" -> b.checkpointEveryBytes(0);
            default -> throw new IllegalArgumentException("checkpoints must be default or off, got " + setting);
        }
        return b;
    }

    @Override
    public void close() {
        client.close();
        if (cluster != null) {
            cluster.close();
        }
    }
}
