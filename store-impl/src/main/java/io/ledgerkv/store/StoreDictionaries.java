package io.ledgerkv.store;

import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.codec.CodecCache;
import io.ledgerkv.codec.Dictionary;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.DictionaryInfo;
import io.ledgerkv.meta.Json;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.log.LogError;
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.ReadLedger;
import io.ledgerkv.log.WriteLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
        for (StoreMetadata.Child c : meta.dictionaryNodes()) {
            out.add(info(c));
        }
        return out;
    }

    private DictionaryInfo info(StoreMetadata.Child c) {
        int id = Integer.parseInt(c.name().substring(PREFIX.length())) + 1;
        DictionaryInfo d = Json.read(c.data(), DictionaryInfo.class, meta.paths().dicts() + "/" + c.name());
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
        StoreMetadata.Child node;
        try {
            node = meta.dictionaryNode(name);
        } catch (LedgerKvException e) {
            throw new LedgerKvException("store '" + store + "': cannot read dictionary " + id + ": " + e.getMessage(), e);
        }
        if (node == null) {
            throw new CodecCache.MissingDictionaryException("store '" + store + "' has no dictionary " + id
                    + " (no znode " + meta.paths().dicts() + "/" + name + ")");
        }
        DictionaryInfo info = info(node);
        try (ReadLedger lh = ledgers.openNoRecovery(info.ledgerId())) {
            byte[][] bytes = new byte[1][];
            lh.read(0, 0, (entryId, data) -> bytes[0] = data);
            d = new Dictionary(id, bytes[0]);
            if (bytes[0].length != info.bytes() || d.crc32c() != info.crc32c()) {
                throw new CodecCache.MissingDictionaryException("dictionary " + id + " in ledger " + info.ledgerId()
                        + " fails its check (" + bytes[0].length + " bytes, CRC32C mismatch or size mismatch)");
            }
        } catch (LogException e) {
            if (e.error() == LogError.NO_SUCH_LEDGER) {
                throw new CodecCache.MissingDictionaryException("dictionary " + id + " of store '" + store + "': its ledger "
                        + info.ledgerId() + " no longer exists");
            }
            if (e.error() == LogError.INTERRUPTED) {
                throw new LedgerKvException("interrupted while loading dictionary " + id, e);
            }
            throw ledgers.failure("loading dictionary " + id + " from ledger " + info.ledgerId(), e);
        }
        cache.put(id, d);
        return d;
    }

    /** Stores a trained dictionary durably and registers it; returns it with its new id. */
    public Dictionary register(byte[] bytes, int samples, long sampleBytes, StoreConfig cfg) {
        long ledgerId;
        WriteLedger lh = null;
        try {
            lh = ledgers.create(WalLedgers.Kind.DICTIONARY, cfg, 0);
            lh.append(bytes);
            lh.close();
            ledgerId = lh.id();
        } catch (LogException e) {
            if (lh != null) {
                ledgers.deleteQuietly(lh.id());
            }
            if (e.error() == LogError.INTERRUPTED) {
                throw new LedgerKvException("interrupted while storing a dictionary", e);
            }
            throw ledgers.failure("storing a dictionary", e);
        }
        Dictionary probe = new Dictionary(1, bytes);
        DictionaryInfo info = new DictionaryInfo(0, ledgerId, bytes.length, probe.crc32c(), samples, sampleBytes,
                System.currentTimeMillis());
        String created = meta.registerDictionary(PREFIX, Json.write(info));
        int id = Integer.parseInt(created.substring(PREFIX.length())) + 1;
        Dictionary d = new Dictionary(id, bytes);
        cache.put(id, d);
        return d;
    }
}
