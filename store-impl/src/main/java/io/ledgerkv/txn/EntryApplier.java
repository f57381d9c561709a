package io.ledgerkv.txn;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.metrics.StoreMetrics;
import io.ledgerkv.wal.WalEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies an acknowledged WAL entry: its transactions go into the local index in order, each at
 * its LSN, and only then do their futures complete (on the completions executor). A part of a large
 * transaction applies nothing, but keeps its ledger from being trimmed before the transaction.
 * {@link LedgerWriter} calls it for the acknowledged prefix of the in-flight entries, one entry at a
 * time, in order.
 */
final class EntryApplier {
    private final LocalIndex index;
    private final StoreMetrics metrics;
    private final WriterHooks hooks;
    private final TxnFinisher finisher;
    private final WriterStats stats;

    EntryApplier(LocalIndex index, StoreMetrics metrics, WriterHooks hooks, TxnFinisher finisher, WriterStats stats) {
        this.index = index;
        this.metrics = metrics;
        this.hooks = hooks;
        this.finisher = finisher;
        this.stats = stats;
    }

    void apply(WalWrite w) {
        stats.entryApplied(w.payloadLength, w.data.length);
        metrics.entryAcked(w.payloadLength, w.data.length);
        hooks.afterAck(w.type, w.firstSeq, w.partIndex);
        if (w.type == WalEntry.Type.TXN_PART) {
            // A ledger holding parts of transaction X must outlive any checkpoint before X.
            w.ledger.lastTxnSeq = Math.max(w.ledger.lastTxnSeq, w.firstSeq);
            return;
        }
        List<PendingTxn> done = new ArrayList<>(w.txns.size());
        for (int i = 0; i < w.txns.size(); i++) {
            PendingTxn t = w.txns.get(i);
            Lsn lsn = new Lsn(w.ledger.seq, w.entryId, i);
            index.apply(t.seq, lsn, w.writerTime, t.ops);
            t.lsn = lsn;
            w.ledger.lastTxnSeq = Math.max(w.ledger.lastTxnSeq, t.seq);
            if (finisher.claimApplied(t)) {
                done.add(t);
            }
        }
        long now = System.nanoTime();
        for (PendingTxn t : done) {
            metrics.committed(now - t.createdNanos);
        }
        if (!done.isEmpty()) {
            // Futures complete on another thread so that a caller's continuation can never block
            // the BookKeeper callback thread that delivers the next acknowledgements.
            finisher.completeApplied(done);
        }
    }
}
