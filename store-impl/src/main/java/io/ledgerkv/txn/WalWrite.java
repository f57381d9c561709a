package io.ledgerkv.txn;

import io.ledgerkv.log.LogError;
import io.ledgerkv.wal.WalEntry;
import java.util.List;

/** One WAL entry on its way to the bookies, possibly re-sent to a new ledger after a failure. */
final class WalWrite {
    final byte[] data;
    final WalEntry.Type type;
    final List<PendingTxn> txns;
    final int payloadLength;
    final long firstSeq;
    final int partIndex;
    /** The writer clock reading recorded in the entry's header (expiry is judged against it). */
    final long writerTime;
    /** The ledger it was last sent to (guarded by the ledger writer's lock). */
    OpenLedger ledger;
    long entryId = -1;
    /** Set with {@code done}: null if the ledger acknowledged the entry. */
    LogError error;
    boolean done;

    WalWrite(byte[] data, WalEntry.Type type, List<PendingTxn> txns, int payloadLength, long firstSeq, int partIndex,
             long writerTime) {
        this.writerTime = writerTime;
        this.data = data;
        this.type = type;
        this.txns = txns;
        this.payloadLength = payloadLength;
        this.firstSeq = firstSeq;
        this.partIndex = partIndex;
    }
}
