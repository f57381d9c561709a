package io.ledgerkv.api;

/**
 * Log sequence number: where a committed transaction sits in the store's write-ahead log.
 *
 * <p>Ordered by (ledger position in the store's ledger list, entry id within that ledger, slot of
 * the transaction within the entry), which is exactly log order: a transaction with a smaller
 * {@code Lsn} was committed, and is applied, before one with a larger {@code Lsn}. Ledger
 * positions ({@code ledgerSeq}) start at 1 and are never reused, even after old ledgers are
 * deleted.
 *
 * @param ledgerSeq position of the ledger in the store's ledger list (1, 2, ...)
 * @param entryId   BookKeeper entry id within that ledger
 * @param slot      index of the transaction among those packed into the entry
 */
public record Lsn(long ledgerSeq, long entryId, int slot) implements Comparable<Lsn> {

    /** Sorts before every real LSN: the position of an empty store. */
    public static final Lsn NONE = new Lsn(0, -1, 0);

    public Lsn {
        if (ledgerSeq < 0 || entryId < -1 || slot < 0) {
            throw new IllegalArgumentException("invalid lsn " + ledgerSeq + ":" + entryId + ":" + slot);
        }
    }

    @Override
    public int compareTo(Lsn o) {
        int c = Long.compare(ledgerSeq, o.ledgerSeq);
        if (c != 0) {
            return c;
        }
        c = Long.compare(entryId, o.entryId);
        return c != 0 ? c : Integer.compare(slot, o.slot);
    }

    public boolean isAfter(Lsn o) {
        return compareTo(o) > 0;
    }

    /** Parses the {@link #toString()} form {@code ledgerSeq:entryId:slot}. */
    public static Lsn parse(String s) {
        String[] p = s.trim().split(":");
        if (p.length != 3) {
            throw new IllegalArgumentException("lsn must look like ledgerSeq:entryId:slot, got '" + s + "'");
        }
        return new Lsn(Long.parseLong(p[0]), Long.parseLong(p[1]), Integer.parseInt(p[2]));
    }

    @Override
    public String toString() {
        return ledgerSeq + ":" + entryId + ":" + slot;
    }
}
