package io.ledgerkv.bench;

import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.store.DefaultLedgerKv;
import org.apache.bookkeeper.client.BookKeeper;

/**
 * A LocalCluster and a client for one JMH trial: real ZooKeeper and bookies in the benchmark's
 * forked JVM, journals fsyncing ({@code journalSyncData=true}, flushing when the journal queue is
 * empty), the BookKeeper client throttle off. Every suite starts one per trial
 * ({@code @Setup(Level.Trial)}) and closes it after. {@code -Dledgerkv.bench.zk=host:port} would
 * be the place to point the suites at an external cluster; they use the embedded one.
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

    private final LocalCluster cluster;
    private final DefaultLedgerKv client;

    public BenchCluster(int bookies) {
        this.cluster = LocalCluster.builder().bookies(bookies).start();
        this.client = DefaultLedgerKv.connect(cluster.clientConfig().build());
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public DefaultLedgerKv client() {
        return client;
    }

    /** A fresh client (for reopen measurements that must not reuse warm caches of the writer's client). */
    public DefaultLedgerKv newClient() {
        return DefaultLedgerKv.connect(cluster.clientConfig().build());
    }

    /** A bare BookKeeper client configured exactly as the store's (throttle off, same timeouts): the raw baseline. */
    public BookKeeper rawClient() {
        return WalLedgers.newClient(cluster.clientConfig().build());
    }

    /** Store settings shared by the suites. */
    public static StoreConfig.Builder storeConfig() {
        return StoreConfig.builder().ledgerPassword(PASSWORD);
    }

    @Override
    public void close() {
        client.close();
        cluster.close();
    }
}
