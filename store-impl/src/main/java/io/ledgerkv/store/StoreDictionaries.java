package io.ledgerkv.store;

import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.codec.CodecCache;
import io.ledgerkv.codec.Dictionary;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.DictionaryInfo;
import io.ledgerkv.meta.Json;
import io.ledgerkv.meta.StoreMetadata;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.bookkeeper.client.LedgerEntry;
import org.apache.bookkeeper.client.LedgerHandle;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * A store's compression dictionaries: each one's bytes in entry 0 of its own ledger, referenced by
 * a sequential znode {@code dicts/dict-N} whose sequence number + 1 is the dictionary id written in
 * WAL entry headers. Dictionaries are immutable and never deleted (entries may reference them for
 * as long as the store lives). Loaded dictionaries are cached.
 */
public final class StoreDictionaries implements CodecCache.DictionaryLoader {
    private static final String PREFIX = "dict-";

    private final StoreMetadata meta;
    private final WalLedgers ledgers;
    private final String store;
    private final Map<Integer, Dictionary> cache = new ConcurrentHashMap<>();

    StoreDictionaries(StoreMetadata meta, WalLedgers ledgers, String store) {
        this.meta = meta;
        this.ledgers = ledgers;
        this.store = store;
    }

    /** Every dictionary of the store, oldest first. */
    public List<DictionaryInfo> list() {
        List<DictionaryInfo> out = new ArrayList<>();
        try {
            List<String> names;
            try {
                names = new ArrayList<>(meta.zk().getChildren().forPath(meta.paths().dicts()));
            } catch (KeeperException.NoNodeException e) {
                return out;
            }
            names.sort(null);
            for (String n : names) {
                out.add(info(n));
            }
        } catch (LedgerKvException e) {
            throw e;
        } catch (Exception e) {
            throw new LedgerKvException("store '" + store + "': cannot list dictionaries: " + e, e);
        }
        return out;
    }

    private DictionaryInfo info(String name) throws Exception {
        int id = Integer.parseInt(name.substring(PREFIX.length())) + 1;
        String path = meta.paths().dicts() + "/" + name;
        DictionaryInfo d = Json.read(meta.zk().getData().forPath(path), DictionaryInfo.class, path);
        return new DictionaryInfo(id, d.ledgerId(), d.bytes(), d.crc32c(), d.samples(), d.sampleBytes(), d.createdAtMillis());
    }

    /** The most recently registered dictionary, or null. */
    public Dictionary newest() {
        List<DictionaryInfo> all = list();
        return all.isEmpty() ? null : load(all.get(all.size() - 1).id());
    }

    @Override
    public Dictionary load(int id) {
        Dictionary d = cache.get(id);
        if (d != null) {
            return d;
        }
        String name = String.format("%s%010d", PREFIX, id - 1);
        DictionaryInfo info;
        try {
            info = info(name);
        } catch (KeeperException.NoNodeException e) {
            throw new CodecCache.MissingDictionaryException("store '" + store + "' has no dictionary " + id
                    + " (no znode " + meta.paths().dicts() + "/" + name + ")");
        } catch (Exception e) {
            throw new LedgerKvException("store '" + store + "': cannot read dictionary " + id + ": " + e, e);
        }
        try (LedgerHandle lh = ledgers.openNoRecovery(info.ledgerId())) {
            Enumeration<LedgerEntry> en = lh.readEntries(0, 0);
            byte[] bytes = en.nextElement().getEntry();
            d = new Dictionary(id, bytes);
            if (bytes.length != info.bytes() || d.crc32c() != info.crc32c()) {
                throw new CodecCache.MissingDictionaryException("dictionary " + id + " in ledger " + info.ledgerId()
                        + " fails its check (" + bytes.length + " bytes, CRC32C mismatch or size mismatch)");
            }
        } catch (org.apache.bookkeeper.client.BKException.BKNoSuchLedgerExistsException
                 | org.apache.bookkeeper.client.BKException.BKNoSuchLedgerExistsOnMetadataServerException e) {
            throw new CodecCache.MissingDictionaryException("dictionary " + id + " of store '" + store + "': its ledger "
                    + info.ledgerId() + " no longer exists");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerKvException("interrupted while loading dictionary " + id, e);
        } catch (CodecCache.MissingDictionaryException e) {
            throw e;
        } catch (Exception e) {
            throw ledgers.failure("loading dictionary " + id + " from ledger " + info.ledgerId(), e);
        }
        cache.put(id, d);
        return d;
    }

    /** Stores a trained dictionary durably and registers it; returns it with its new id. */
    public Dictionary register(byte[] bytes, int samples, long sampleBytes, StoreConfig cfg) {
        long ledgerId;
        try (LedgerHandle lh = ledgers.createDictionaryLedger(cfg.ensembleSize(), cfg.writeQuorum(), cfg.ackQuorum(),
                cfg.digestType())) {
            lh.addEntry(bytes);
            ledgerId = lh.getId();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerKvException("interrupted while storing a dictionary", e);
        } catch (Exception e) {
            throw ledgers.failure("storing a dictionary", e);
        }
        Dictionary probe = new Dictionary(1, bytes);
        DictionaryInfo info = new DictionaryInfo(0, ledgerId, bytes.length, probe.crc32c(), samples, sampleBytes,
                System.currentTimeMillis());
        String created;
        try {
            created = meta.zk().create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(meta.paths().dicts() + "/" + PREFIX, Json.write(info));
        } catch (Exception e) {
            throw new LedgerKvException("store '" + store + "': cannot register dictionary in ZooKeeper: " + e, e);
        }
        int id = Integer.parseInt(created.substring(created.lastIndexOf('/') + 1 + PREFIX.length())) + 1;
        Dictionary d = new Dictionary(id, bytes);
        cache.put(id, d);
        return d;
    }
}
