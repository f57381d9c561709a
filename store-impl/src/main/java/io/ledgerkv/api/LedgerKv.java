package io.ledgerkv.api;

import io.ledgerkv.store.DefaultLedgerKv;
import java.util.List;

/**
 * A connection to one ledgerkv cluster (ZooKeeper + bookies) and namespace, from which stores are
 * opened by name. Holds one ZooKeeper session and one BookKeeper client shared by its stores.
 *
 * <pre>{@code
 * try (LedgerKv kv = LedgerKv.connect(ClientConfig.builder(cluster.connectString()).build())) {
 *     KvStore store = kv.open("scores", storeConfig);      // becomes the writer, fencing any other
 *     KvStore view  = kv.openReadOnly("scores", storeConfig); // no fencing, for inspection
 * }
 * }</pre>
 */
public interface LedgerKv extends AutoCloseable {

    /**
     * Connects, failing with {@link ClusterUnavailableException} if ZooKeeper does not answer
     * within {@link ClientConfig#connectTimeout()}.
     */
    static LedgerKv connect(ClientConfig config) {
        return DefaultLedgerKv.connect(config);
    }

    /**
     * Opens {@code store} for writing, creating it if it does not exist. Opening bumps the store's
     * writer epoch and recovers (fences) the previous writer's last ledger, so the previous writer's
     * later commits fail with {@link StoreFencedException}; then it replays the WAL into the local
     * index.
     */
    KvStore open(String store, StoreConfig config);

    /**
     * Opens an existing store read-only, without fencing its writer: the handle shows the state as
     * of its open (the writer's entries confirmed at that time). Throws
     * {@link StoreNotFoundException} if the store does not exist.
     */
    KvStore openReadOnly(String store, StoreConfig config);

    boolean exists(String store);

    List<String> listStores();

    /** The store's metadata as recorded in ZooKeeper, with the ensembles of its ledgers and which bookies are up. */
    StoreStatus status(String store);

    /**
     * Trains a Zstandard dictionary from a sample of the store's current records (up to
     * {@code config.dictSampleBytes()}), stores it durably and registers it. A writer opened with
     * codec {@code ZSTD_DICT} afterwards compresses with it; writers already open keep their codec
     * until reopened. Throws {@link StoreNotFoundException} for a missing store and
     * {@link IllegalStateException} when the store holds too little data to train from.
     */
    DictionaryStatus trainDictionary(String store, StoreConfig config);

    ClientConfig config();

    @Override
    void close();
}
