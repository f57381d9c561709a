package io.ledgerkv.api;

import java.util.List;
import java.util.Map;

/**
 * What ZooKeeper and BookKeeper say about a store: settings, writer epoch and owner, every
 * ledger with its ensembles (and which of their bookies are up), and the last published stats.
 * Holds no secrets.
 */
public record StoreStatus(
        String namespace,
        String store,
        Map<String, Object> meta,
        long epoch,
        String owner,
        List<LedgerStatus> ledgers,
        Stats stats,
        List<String> availableBookies,
        List<String> readOnlyBookies,
        List<DictionaryStatus> dictionaries,
        List<CheckpointStatus> checkpoints) {

    /** One ledger of the store's WAL. */
    public record LedgerStatus(long seq, long ledgerId, long epoch, String state, long lastEntryId, long lengthBytes,
                               List<Fragment> fragments) {
    }

    /** A range of entries written to one ensemble; {@code down} lists ensemble bookies that are not available. */
    public record Fragment(long firstEntryId, List<String> ensemble, List<String> down) {
    }

    /**
     * Statistics the writer published; stale by at most the writer's {@code statsInterval}. The
     * byte counters cover every WAL entry the store has written in its life (uncompressed payload
     * and as stored), so their ratio is the store's compression ratio.
     */
    public record Stats(long keyCount, long logicalBytes, long storedBytes, String lastLsn, long lastTxnSeq,
                        long updatedAtMillis) {
        /** Logical (uncompressed) WAL bytes per stored byte, headers included; 0 if nothing is stored. */
        public double compressionRatio() {
            return storedBytes == 0 ? 0 : logicalBytes / (double) storedBytes;
        }
    }
}
