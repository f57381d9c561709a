package io.ledgerkv.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
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

    /**
     * Why the store cannot take acknowledged writes safely right now, one sentence each; empty when
     * it can. Checked: a writer holds the epoch (a stream task has the store open); at least
     * ack-quorum bookies are writable (fewer and no add can be acknowledged); at least ensemble-size
     * bookies are writable (fewer and the next ledger roll or ensemble change fails); no entry of
     * the store's ledgers sits on a bookie that is down (under-replicated: one more loss in its
     * write set and acknowledged data is gone). {@code ledgerkv status} exits 4 when this is not empty.
     */
    @JsonProperty("problems")
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (owner == null) {
            out.add("no writer: no process holds writer epoch " + epoch + " (nothing can commit until a task opens the store)");
        }
        int ack = intSetting("ackQuorum");
        int ensemble = intSetting("ensembleSize");
        int writable = availableBookies.size();
        if (ack > 0 && writable < ack) {
            out.add("bookies below the ack quorum: " + writable + " writable, ack quorum " + ack + " (no write can be acknowledged)");
        } else if (ensemble > 0 && writable < ensemble) {
            out.add("bookies below the ensemble size: " + writable + " writable, ensemble " + ensemble
                    + " (the next ledger roll or ensemble change fails)");
        }
        for (LedgerStatus l : ledgers) {
            if (l.state().contains("unreadable")) {
                out.add("ledger " + l.ledgerId() + ": " + l.state());
                continue;
            }
            boolean closed = !l.state().startsWith("OPEN");
            for (Fragment f : l.fragments()) {
                boolean holdsEntries = !closed || f.firstEntryId() <= l.lastEntryId();
                if (holdsEntries && !f.down().isEmpty()) {
                    out.add("under-replicated: ledger " + l.ledgerId() + " entries from " + f.firstEntryId() + " on bookies "
                            + f.down() + " that are down");
                }
            }
        }
        return out;
    }

    private int intSetting(String key) {
        Object v = meta == null ? null : meta.get(key);
        return v instanceof Number n ? n.intValue() : -1;
    }

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
