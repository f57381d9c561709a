package io.ledgerkv.txn;

import io.ledgerkv.log.LogError;
import io.ledgerkv.log.WriteLedger;

/** A ledger the committer writes to. */
final class OpenLedger {
    /** Where an add's outcome goes, on a log thread; told which ledger answered (a re-sent entry ignores its old ledger's). */
    interface Outcome {
        void added(OpenLedger from, LogError error, long entryId, WalWrite w);
    }

    final long seq;
    final WriteLedger lh;
    /** Bytes sent to it (committer thread only). */
    long bytes;
    /** Sequence number of the last transaction applied from this ledger, or before it. */
    volatile long lastTxnSeq;
    /** Add callbacks of this ledger. */
    final WriteLedger.AppendCallback callback;

    OpenLedger(long seq, WriteLedger lh, long lastTxnSeq, Outcome outcome) {
        this.seq = seq;
        this.lh = lh;
        this.lastTxnSeq = lastTxnSeq;
        this.callback = (error, entryId, ctx) -> outcome.added(this, error, entryId, (WalWrite) ctx);
    }
}
