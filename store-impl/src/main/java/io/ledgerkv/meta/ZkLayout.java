package io.ledgerkv.meta;

/**
 * Where a store's metadata lives:
 *
 * <pre>
 * /ledgerkv/&lt;namespace&gt;/stores/&lt;store&gt;/meta          settings (StoreMeta)
 * /ledgerkv/&lt;namespace&gt;/stores/&lt;store&gt;/ledgers       ordered ledger list (LedgerList)
 * /ledgerkv/&lt;namespace&gt;/stores/&lt;store&gt;/epoch         writer epoch, the fencing token (WriterEpoch)
 * /ledgerkv/&lt;namespace&gt;/stores/&lt;store&gt;/checkpoints/  one child per checkpoint
 * /ledgerkv/&lt;namespace&gt;/stores/&lt;store&gt;/stats         key count, byte counts, last LSN (StoreStats)
 * /ledgerkv/&lt;namespace&gt;/stores/&lt;store&gt;/dicts/       compression dictionaries: dict-NNNNNNNNNN (DictionaryInfo)
 * /ledgerkv/&lt;namespace&gt;/stores/&lt;store&gt;/owner         ephemeral: the current writer (OwnerInfo)
 * </pre>
 */
public record ZkLayout(String namespace, String store) {
    public static final String ROOT = "/ledgerkv";

    public static String storesPath(String namespace) {
        return ROOT + "/" + namespace + "/stores";
    }

    public String storePath() {
        return storesPath(namespace) + "/" + store;
    }

    public String meta() {
        return storePath() + "/meta";
    }

    public String ledgers() {
        return storePath() + "/ledgers";
    }

    public String epoch() {
        return storePath() + "/epoch";
    }

    public String checkpoints() {
        return storePath() + "/checkpoints";
    }

    public String dicts() {
        return storePath() + "/dicts";
    }

    public String stats() {
        return storePath() + "/stats";
    }

    public String owner() {
        return storePath() + "/owner";
    }
}
