package io.ledgerkv.meta;

import java.util.ArrayList;
import java.util.List;

/** Contents of the {@code ledgers} znode: the WAL's ledgers in log order. */
public record LedgerList(List<LedgerRef> ledgers, long nextSeq) {
    public static final LedgerList EMPTY = new LedgerList(List.of(), 1);

    public LedgerList {
        ledgers = List.copyOf(ledgers);
    }

    public LedgerRef last() {
        return ledgers.isEmpty() ? null : ledgers.get(ledgers.size() - 1);
    }

    /** This list with {@code ref} replacing the entry of the same seq. */
    public LedgerList replace(LedgerRef ref) {
        List<LedgerRef> out = new ArrayList<>(ledgers.size());
        for (LedgerRef r : ledgers) {
            out.add(r.seq() == ref.seq() ? ref : r);
        }
        return new LedgerList(out, nextSeq);
    }

    /** This list with a new OPEN ledger appended at {@link #nextSeq()}. */
    public LedgerList append(long ledgerId, long epoch) {
        List<LedgerRef> out = new ArrayList<>(ledgers);
        out.add(new LedgerRef(nextSeq, ledgerId, epoch, LedgerRef.State.OPEN, -1, -1));
        return new LedgerList(out, nextSeq + 1);
    }

    public LedgerRef bySeq(long seq) {
        for (LedgerRef r : ledgers) {
            if (r.seq() == seq) {
                return r;
            }
        }
        return null;
    }
}
