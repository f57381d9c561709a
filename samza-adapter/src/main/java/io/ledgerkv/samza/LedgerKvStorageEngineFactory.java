package io.ledgerkv.samza;

import io.ledgerkv.api.KvStore;
import java.io.File;
import org.apache.samza.context.ContainerContext;
import org.apache.samza.context.JobContext;
import org.apache.samza.metrics.MetricsRegistry;
import org.apache.samza.storage.kv.BaseKeyValueStorageEngineFactory;
import org.apache.samza.storage.kv.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stores.<name>.factory=LedgerKvStorageEngineFactory}: each task's store
 * is a ledgerkv store in BookKeeper, opened as its writer (which fences any earlier container still
 * holding it) and recovered from its checkpoint and WAL. Samza's serde, cache and metrics layers
 * wrap it as they wrap RocksDB. Configure with {@code stores.<name>.ledgerkv.*} (see
 * {@link LedgerKvSamzaConfig#KEYS}); no changelog is needed, the WAL is the changelog. ledgerkv's
 * own metrics (commits, commit latency, WAL bytes, fencing, ...) appear in the task's Samza
 * registry as group {@code ledgerkv.<name>} ({@link SamzaMetrics}).
 */
public class LedgerKvStorageEngineFactory<K, V> extends BaseKeyValueStorageEngineFactory<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerKvStorageEngineFactory.class);

    @Override
    protected KeyValueStore<byte[], byte[]> getKVStore(String storeName, File storeDir, MetricsRegistry registry, JobContext jobContext,
                                                       ContainerContext containerContext, StoreMode storeMode) {
        LedgerKvSamzaConfig cfg = LedgerKvSamzaConfig.from(jobContext.getConfig(), storeName, storeDir.getName());
        Clients.Lease lease = Clients.acquire(cfg.client());
        try {
            KvStore store = lease.client().open(cfg.ledgerKvName(), cfg.store());
            SamzaMetrics.register(registry, storeName, lease.meters(), cfg.ledgerKvName());
            LOG.info("Samza store {} of task directory {} is ledgerkv store {} ({} keys)", storeName, storeDir.getName(),
                    cfg.ledgerKvName(), store.keyCount());
            return new LedgerKvSamzaStore(store, cfg.checkpointOnCommit(), lease::release);
        } catch (RuntimeException e) {
            lease.release();
            throw e;
        }
    }
}
