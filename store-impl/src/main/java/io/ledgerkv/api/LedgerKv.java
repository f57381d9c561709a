package io.ledgerkv.api;

import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;

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
        return Providers.ledgerKv().connect(config);
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

    /**
     * Opens an existing store read-only at a point in time: a named checkpoint, or the state right
     * after the transaction at an LSN (needs a checkpoint at or before it, or the WAL from the start).
     */
    KvStore openReadOnly(String store, StoreConfig config, AsOf asOf);

    /** Opens a hot standby that keeps tailing the writer; see {@link StandbyStore}. */
    StandbyStore openStandby(String store, StoreConfig config);

    /**
     * Deletes a store: fences its writer, then removes every ledger it owns (WAL, checkpoints,
     * dictionaries) and its znodes. Irreversible.
     */
    void deleteStore(String store, StoreConfig config);

    /**
     * Exports one consistent state of {@code store} (as of {@code asOf}) to a portable file: a
     * manifest with format version, store meta, LSN, key count and per-chunk checksums, and the
     * data as checksummed chunks. The file is written to a temporary name and moved into place
     * when complete. Does not fence the writer.
     */
    BackupSummary backup(String store, StoreConfig config, AsOf asOf, Path file, Progress progress);

    /**
     * Imports a backup file into {@code store} on this cluster, under any name. Every checksum is
     * verified before anything is written. An existing store of that name is an error unless
     * {@code force}, in which case it is deleted (after the file verified) and replaced. While the
     * import runs the store is marked RESTORING and cannot be opened; a failed import removes it.
     */
    BackupSummary restore(Path file, String store, StoreConfig config, boolean force, Progress progress);

    boolean exists(String store);

    List<String> listStores();

    /**
     * The stores of every namespace under this cluster's chroot that holds any (this client's own
     * included), by namespace, sorted; namespaces another ZooKeeper identity owns are left out.
     * For telling a user who looks in one namespace where a store is.
     */
    SortedMap<String, List<String>> storesByNamespace();

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
