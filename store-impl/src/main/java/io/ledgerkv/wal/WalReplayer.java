package io.ledgerkv.wal;

import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.Lsn;
import java.util.List;

/**
 * Turns WAL entries, fed in log order, back into committed transactions. It checks that
 * transaction sequence numbers are contiguous, that writer epochs never go backwards, and that the
 * parts of a large transaction arrive in order; a large transaction is emitted only when its
 * TXN_COMMIT entry is read. Parts left behind by a writer that crashed before its commit entry are
 * dropped when the next writer's first entry (a higher epoch) arrives.
 */
public final class WalReplayer {

    /** Receives each committed transaction once, in log order. */
    @FunctionalInterface
    public interface Sink {
        void apply(long txnSeq, Lsn lsn, long writerTimeMillis, List<Mutation> ops);
    }

    private final String store;
    private final Sink sink;
    private boolean firstPartOnly;
    private int firstPartLength;
    private final long startSeq;
    private long lastSeq;
    /** Where the transaction at {@code lastSeq} was read from (for the messages of a duplicate); -1 before any. */
    private long lastLedgerId = -1;
    private long lastEntryId = -1;
    private long lastEpoch = -1;
    private long entries;

    // A large transaction being reassembled.
    private byte[] parts;
    private int partsLength;
    private long partsSeq = -1;
    private long partsEpoch;
    /** The ledger of the last part read (a skipped part is a gap only at a ledger boundary). */
    private long partsLedgerId = -1;
    private int nextPart;

    /**
     * @param lastAppliedSeq sequence number of the last transaction already in the index (from a
     *                       checkpoint, or 0 for an empty store); earlier transactions are skipped
     */
    public WalReplayer(String store, long lastAppliedSeq, Sink sink) {
        this.store = store;
        this.lastSeq = lastAppliedSeq;
        this.startSeq = lastAppliedSeq;
        this.sink = sink;
    }

    /**
     * BUG for checker validation only: reassemble a large transaction from its first part alone,
     * applying the operations that part holds and losing the rest. Makes committed large
     * transactions partly visible after a reopen.
     */
    public WalReplayer applyFirstPartOnly() {
        this.firstPartOnly = true;
        return this;
    }

    /** Sequence number of the last transaction emitted or skipped. */
    public long lastSeq() {
        return lastSeq;
    }

    public long lastEpoch() {
        return lastEpoch;
    }

    public long entries() {
        return entries;
    }

    /** True while the parts of a large transaction have been read but not its commit entry. */
    public boolean hasPendingParts() {
        return partsSeq >= 0;
    }

    public void accept(long ledgerSeq, long ledgerId, long entryId, WalEntry e) {
        entries++;
        if (e.epoch() < lastEpoch) {
            throw corrupt(ledgerId, entryId, "writer epoch went backwards from " + lastEpoch + " to " + e.epoch());
        }
        lastEpoch = e.epoch();
        if (partsSeq >= 0 && e.epoch() > partsEpoch) {
            dropParts(); // the writer that wrote them crashed before their commit entry
        }
        try {
            switch (e.type()) {
                case BATCH -> acceptBatch(ledgerSeq, ledgerId, entryId, e);
                case TXN_PART, TXN_COMMIT -> acceptPart(ledgerSeq, ledgerId, entryId, e);
                default -> throw corrupt(ledgerId, entryId, "unexpected entry type " + e.type());
            }
        } catch (WalFormatException ex) {
            throw corrupt(ledgerId, entryId, ex.getMessage());
        }
    }

    private void acceptBatch(long ledgerSeq, long ledgerId, long entryId, WalEntry e) throws WalFormatException {
        if (partsSeq >= 0) {
            throw unfinished(ledgerId, entryId, e.firstTxnSeq(), "batch entry");
        }
        long first = e.firstTxnSeq();
        checkContiguous(ledgerId, entryId, first);
        List<List<Mutation>> txns = TxnRecord.decodeAll(e.payload(), 0, e.payload().length, e.count());
        for (int i = 0; i < txns.size(); i++) {
            long seq = first + i;
            if (seq <= lastSeq) {
                continue; // already covered by the checkpoint we started from
            }
            sink.apply(seq, new Lsn(ledgerSeq, entryId, i), e.writerTimeMillis(), txns.get(i));
            lastSeq = seq;
            lastLedgerId = ledgerId;
            lastEntryId = entryId;
        }
    }

    private void acceptPart(long ledgerSeq, long ledgerId, long entryId, WalEntry e) throws WalFormatException {
        long seq = e.firstTxnSeq();
        if (e.count() != 0 && partsSeq < 0) {
            // A later part (or the commit entry) with no first part before it: a failure roll can
            // split one transaction over two ledgers, and the first may be gone (skipped or trimmed).
            if (seq <= lastSeq && lastSeq == startSeq) {
                return; // the starting checkpoint holds the transaction
            }
            if (seq > lastSeq) {
                throw new WalGapException(store, ledgerId, entryId, "the first parts of transaction " + seq
                        + (seq > lastSeq + 1 ? " and transactions " + (lastSeq + 1) + ".." + (seq - 1) : "") + " are missing from the log");
            }
        }
        if (e.count() == 0) {
            if (partsSeq >= 0) {
                throw unfinished(ledgerId, entryId, seq, "large transaction " + seq + " starting");
            }
            checkContiguous(ledgerId, entryId, seq);
            partsSeq = seq;
            partsEpoch = e.epoch();
            partsLength = 0;
            nextPart = 0;
        } else if (partsSeq >= 0 && seq > partsSeq) {
            throw unfinished(ledgerId, entryId, seq, "part " + e.count() + " of transaction " + seq);
        } else if (seq == partsSeq && e.count() > nextPart && ledgerId != partsLedgerId) {
            // In one writer epoch parts are written in order, and a failure roll re-sends only those
            // the closed ledger does not hold: parts skipped at a ledger boundary were in a ledger this
            // reader had not finished when a checkpoint trimmed it. A gap, as for a later transaction
            // (unfinished). Inside one ledger, whose entries are read in order, a skipped part is corruption.
            throw new WalGapException(store, ledgerId, entryId, "part " + e.count() + " of large transaction " + seq
                    + ": parts " + nextPart + ".." + (e.count() - 1) + " of it are missing from the log");
        } else if (seq != partsSeq || e.count() != nextPart) {
            throw corrupt(ledgerId, entryId, "part " + e.count() + " of transaction " + seq
                    + " out of order (expected part " + nextPart + " of " + partsSeq + ")");
        }
        append(e.payload());
        partsLedgerId = ledgerId;
        if (nextPart == 0) {
            firstPartLength = partsLength;
        }
        nextPart++;
        if (e.type() == WalEntry.Type.TXN_COMMIT) {
            if (seq > lastSeq) {
                List<Mutation> ops = firstPartOnly && nextPart > 1
                        ? TxnRecord.decodePrefix(parts, 0, firstPartLength)
                        : TxnRecord.decodeSingle(parts, 0, partsLength);
                sink.apply(seq, new Lsn(ledgerSeq, entryId, 0), e.writerTimeMillis(), ops);
                lastSeq = seq;
                lastLedgerId = ledgerId;
                lastEntryId = entryId;
            }
            dropParts();
        }
    }

    private void checkContiguous(long ledgerId, long entryId, long first) {
        if (first > lastSeq + 1) {
            throw new WalGapException(store, ledgerId, entryId,
                    "transactions " + (lastSeq + 1) + ".." + (first - 1) + " are missing from the log");
        }
        // Entries before the starting point are expected only until the first transaction is
        // applied (they are covered by the checkpoint); after that an old sequence number is a
        // duplicate.
        if (first <= lastSeq && lastSeq != startSeq) {
            throw corrupt(ledgerId, entryId, "transaction " + first + " appears again after " + lastSeq + " (duplicate entry; "
                    + lastSeq + " was read from ledger " + lastLedgerId + " entry " + lastEntryId + ")");
        }
    }

    private void append(byte[] p) {
        if (parts == null || parts.length < partsLength + p.length) {
            byte[] bigger = new byte[Math.max(partsLength + p.length, parts == null ? 1 << 16 : parts.length * 2)];
            if (parts != null) {
                System.arraycopy(parts, 0, bigger, 0, partsLength);
            }
            parts = bigger;
        }
        System.arraycopy(p, 0, parts, partsLength, p.length);
        partsLength += p.length;
    }

    private void dropParts() {
        parts = null;
        partsLength = 0;
        partsSeq = -1;
        nextPart = 0;
    }

    /**
     * An entry of a later transaction while large transaction {@code partsSeq} is unfinished: in one
     * writer epoch its remaining parts and commit entry can only be missing (a reader that read the
     * first parts, then fell behind a checkpoint that trimmed the rest), so this is a gap, after
     * which a reader reloads from a checkpoint; an earlier sequence number is corruption.
     */
    private CorruptEntryException unfinished(long ledgerId, long entryId, long seq, String what) {
        if (seq > partsSeq) {
            return new WalGapException(store, ledgerId, entryId, what + " while large transaction " + partsSeq
                    + " is unfinished: the rest of it" + (seq > partsSeq + 1 ? " and transactions " + (partsSeq + 1) + ".." + (seq - 1) : "")
                    + " are missing from the log");
        }
        return corrupt(ledgerId, entryId, what + " in the middle of large transaction " + partsSeq);
    }

    private CorruptEntryException corrupt(long ledgerId, long entryId, String reason) {
        return new CorruptEntryException(store, ledgerId, entryId, reason);
    }
}
