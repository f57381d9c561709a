package io.ledgerkv.fault.checker;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.workload.BankWorkload;
import io.ledgerkv.fault.workload.ListAppendWorkload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a recorded history (usable on a saved one: {@code ledgerkv fault check FILE}). It pairs
 * every invocation with its outcome and the final read after recovery, and reports each anomaly
 * with the operations involved:
 *
 * <ul>
 *   <li>{@code lost-ack}: an acknowledged commit is missing after recovery;</li>
 *   <li>{@code failed-but-present}: a commit that certainly failed is visible;</li>
 *   <li>{@code partial-transaction}: part of a transaction is visible (bank totals, list appends in
 *       some but not all of their lists, padding without its transaction);</li>
 *   <li>{@code balance-mismatch}: final balances differ from the transfers the store holds;</li>
 *   <li>{@code duplicate} / {@code not-a-prefix}: a list holds a value twice, or a read saw a list
 *       that is not a prefix of the final one (lost, reordered or invented appends);</li>
 *   <li>{@code acked-after-fence}: a writer acknowledged a commit after a successor had opened;</li>
 *   <li>{@code read-went-back}: a later read on the same handle saw an older state.</li>
 * </ul>
 */
public final class Checker {
    private Checker() {
    }

    /** One invocation and its outcome. */
    record Op(Event invoke, Event outcome) {
        Event.Type result() {
            return outcome == null ? Event.Type.INFO : outcome.type();
        }
    }

    public static CheckResult check(History h) {
        List<Event> events = h.events();
        Map<Integer, Event> open = new HashMap<>();
        List<Op> ops = new ArrayList<>();
        Map<Long, Long> writerOpenedAt = new TreeMap<>();
        Event finalRead = null;
        for (Event e : events) {
            switch (e.type()) {
                case INVOKE -> open.put(e.process(), e);
                case OK, FAIL, INFO -> {
                    Event inv = open.remove(e.process());
                    if (inv != null) {
                        ops.add(new Op(inv, e));
                        if (e.type() == Event.Type.OK && "final-read".equals(e.f())) {
                            finalRead = e;
                        }
                    }
                }
                case WRITER_OPEN -> writerOpenedAt.putIfAbsent(e.epoch(), e.nanos());
                default -> { }
            }
        }
        for (Event inv : open.values()) {
            ops.add(new Op(inv, null)); // never completed: indeterminate
        }
        String workload = String.valueOf(h.meta().get("workload"));
        CheckResult r = new CheckResult(workload);
        for (Op op : ops) {
            r.count(op.invoke().f(), op.result());
        }
        if (finalRead == null) {
            r.anomaly("no-final-read", "the history has no successful final read after recovery", List.of());
            return r;
        }
        checkFencedAcks(ops, writerOpenedAt, r);
        checkReadsNeverGoBack(ops, r);
        switch (workload) {
            case "bank" -> checkBank(ops, finalRead, r);
            case "list-append" -> checkListAppend(ops, finalRead, r);
            default -> r.anomaly("unknown-workload", "history meta names workload '" + workload + "'", List.of());
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> entries(Event read) {
        Object e = read.value().get("entries");
        return e == null ? Map.of() : (Map<String, String>) e;
    }

    private static long id(Op op) {
        return ((Number) op.invoke().value().get("id")).longValue();
    }

    /** No commit acknowledged by epoch e may complete after a writer of a later epoch finished opening. */
    private static void checkFencedAcks(List<Op> ops, Map<Long, Long> writerOpenedAt, CheckResult r) {
        for (Op op : ops) {
            if (op.result() != Event.Type.OK || op.outcome().epoch() == 0 || op.invoke().f().endsWith("read")) {
                continue;
            }
            long epoch = op.outcome().epoch();
            Object acked = op.outcome().value() == null ? null : op.outcome().value().get("ackNanos");
            long ackNanos = acked instanceof Number n ? n.longValue() : op.outcome().nanos();
            for (Map.Entry<Long, Long> w : writerOpenedAt.entrySet()) {
                if (w.getKey() > epoch && w.getValue() < ackNanos) {
                    r.anomaly("acked-after-fence", "commit " + op.invoke().value() + " was acknowledged by epoch " + epoch
                            + " after epoch " + w.getKey() + " had opened", List.of(op.invoke().index(), op.outcome().index()));
                    break;
                }
            }
        }
    }

    /** Reads by one process on one writer handle must observe non-decreasing positions. */
    private static void checkReadsNeverGoBack(List<Op> ops, CheckResult r) {
        Map<String, Event> last = new HashMap<>();
        List<Op> reads = new ArrayList<>();
        for (Op op : ops) {
            if (op.result() == Event.Type.OK && op.outcome().lsn() != null && "read".equals(op.invoke().f())) {
                reads.add(op);
            }
        }
        reads.sort((a, b) -> Long.compare(a.outcome().nanos(), b.outcome().nanos()));
        for (Op op : reads) {
            String handle = op.invoke().process() + "@" + op.outcome().epoch();
            Event prev = last.put(handle, op.outcome());
            if (prev != null && Lsn.parse(op.outcome().lsn()).compareTo(Lsn.parse(prev.lsn())) < 0) {
                r.anomaly("read-went-back", "read at " + op.outcome().lsn() + " after a read at " + prev.lsn() + " on the same handle",
                        List.of(prev.index(), op.outcome().index()));
            }
        }
    }

    // ---- bank ------------------------------------------------------------------------------------

    private static void checkBank(List<Op> ops, Event finalRead, CheckResult r) {
        int accounts = -1;
        long initial = BankWorkload.INITIAL;
        for (Op op : ops) {
            if ("setup".equals(op.invoke().f())) {
                accounts = ((Number) op.invoke().value().get("accounts")).intValue();
            }
        }
        if (accounts < 0) {
            r.anomaly("no-setup", "the history has no setup operation", List.of());
            return;
        }
        long total = accounts * initial;
        for (Op op : ops) {
            if (op.result() == Event.Type.OK && ("read".equals(op.invoke().f()) || "final-read".equals(op.invoke().f()))) {
                Map<String, String> e = entries(op.outcome());
                long sum = 0;
                int seen = 0;
                for (int a = 0; a < accounts; a++) {
                    String v = e.get(BankWorkload.account(a));
                    if (v != null) {
                        sum += Long.parseLong(v);
                        seen++;
                    }
                }
                if (seen > 0 && (seen != accounts || sum != total)) {
                    r.anomaly("partial-transaction", "a read at " + op.outcome().lsn() + " sums " + seen + " balances to " + sum
                            + ", expected " + accounts + " balances summing to " + total, List.of(op.outcome().index()));
                }
            }
        }
        Map<String, String> fin = entries(finalRead);
        long[] expected = new long[accounts];
        java.util.Arrays.fill(expected, initial);
        for (Op op : ops) {
            if (!"transfer".equals(op.invoke().f())) {
                continue;
            }
            Map<String, Object> v = op.invoke().value();
            long id = id(op);
            boolean present = fin.containsKey(BankWorkload.marker(id));
            boolean padPresent = fin.containsKey(BankWorkload.pad(id));
            boolean padded = Boolean.TRUE.equals(v.get("padded"));
            r.resolve(op.result(), present);
            if (op.result() == Event.Type.OK && !present) {
                r.anomaly("lost-ack", "acknowledged transfer " + v + " is missing after recovery", List.of(op.invoke().index(),
                        op.outcome().index()));
            }
            if (op.result() == Event.Type.FAIL && present) {
                r.anomaly("failed-but-present", "transfer " + v + " failed but is visible", List.of(op.invoke().index()));
            }
            if (padded && padPresent != present) {
                r.anomaly("partial-transaction", "transfer " + v + ": its marker is " + (present ? "" : "not ") + "visible but its "
                        + "padding is " + (padPresent ? "" : "not"), List.of(op.invoke().index()));
            }
            if (present) {
                int from = ((Number) v.get("from")).intValue();
                int to = ((Number) v.get("to")).intValue();
                long amount = ((Number) v.get("amount")).longValue();
                expected[from] -= amount;
                expected[to] += amount;
            }
        }
        for (int a = 0; a < accounts; a++) {
            String v = fin.get(BankWorkload.account(a));
            if (v == null || Long.parseLong(v) != expected[a]) {
                r.anomaly("balance-mismatch", BankWorkload.account(a) + " is " + v + " after recovery; the transfers present "
                        + "make it " + expected[a], List.of(finalRead.index()));
            }
        }
    }

    // ---- list append -----------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static void checkListAppend(List<Op> ops, Event finalRead, CheckResult r) {
        Map<String, String> fin = entries(finalRead);
        Map<String, List<Long>> finals = new TreeMap<>();
        for (Map.Entry<String, String> e : fin.entrySet()) {
            if (e.getKey().startsWith("list/")) {
                List<Long> l = ListAppendWorkload.parse(e.getValue());
                finals.put(e.getKey(), l);
                Set<Long> seen = new HashSet<>();
                for (long x : l) {
                    if (!seen.add(x)) {
                        r.anomaly("duplicate", e.getKey() + " holds " + x + " twice", List.of(finalRead.index()));
                    }
                }
            }
        }
        for (Op op : ops) {
            if ("append".equals(op.invoke().f())) {
                long id = id(op);
                List<String> keys = (List<String>) op.invoke().value().get("appends");
                int present = 0;
                for (String k : keys) {
                    if (finals.getOrDefault(k, List.of()).contains(id)) {
                        present++;
                    }
                }
                boolean padded = Boolean.TRUE.equals(op.invoke().value().get("padded"));
                boolean padPresent = fin.containsKey(ListAppendWorkload.pad(id));
                r.resolve(op.result(), present > 0);
                if (present != 0 && present != keys.size()) {
                    r.anomaly("partial-transaction", "append " + id + " is in " + present + " of its lists " + keys,
                            List.of(op.invoke().index()));
                }
                if (padded && padPresent != (present > 0)) {
                    r.anomaly("partial-transaction", "append " + id + ": padding " + (padPresent ? "" : "not ") + "visible, appends "
                            + (present > 0 ? "" : "not ") + "visible", List.of(op.invoke().index()));
                }
                if (op.result() == Event.Type.OK && present == 0) {
                    r.anomaly("lost-ack", "acknowledged append " + id + " to " + keys + " is missing after recovery",
                            List.of(op.invoke().index(), op.outcome().index()));
                }
                if (op.result() == Event.Type.FAIL && present > 0) {
                    r.anomaly("failed-but-present", "append " + id + " failed but is visible", List.of(op.invoke().index()));
                }
                if (op.result() == Event.Type.OK) {
                    Map<String, Object> reads = (Map<String, Object>) op.invoke().value().get("reads");
                    for (Map.Entry<String, Object> rd : reads.entrySet()) {
                        checkPrefix(rd.getKey(), toLongs((List<Object>) rd.getValue()), finals, op.invoke().index(), r);
                    }
                }
            } else if ("read".equals(op.invoke().f()) && op.result() == Event.Type.OK) {
                for (Map.Entry<String, String> e : entries(op.outcome()).entrySet()) {
                    checkPrefix(e.getKey(), ListAppendWorkload.parse(e.getValue()), finals, op.outcome().index(), r);
                }
            }
        }
    }

    private static List<Long> toLongs(List<Object> l) {
        List<Long> out = new ArrayList<>(l.size());
        for (Object o : l) {
            out.add(((Number) o).longValue());
        }
        return out;
    }

    private static void checkPrefix(String key, List<Long> seen, Map<String, List<Long>> finals, long index, CheckResult r) {
        List<Long> fin = finals.getOrDefault(key, List.of());
        if (seen.size() > fin.size() || !fin.subList(0, seen.size()).equals(seen)) {
            r.anomaly("not-a-prefix", "a read of " + key + " saw " + abbreviate(seen) + ", which is not a prefix of the final "
                    + abbreviate(fin), List.of(index));
        }
    }

    private static String abbreviate(List<Long> l) {
        return l.size() <= 12 ? l.toString() : l.subList(0, 5) + "..." + l.subList(l.size() - 5, l.size()) + " (" + l.size() + ")";
    }

    /** Summaries for tools. */
    public static Map<String, Object> describe(CheckResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", r.workload());
        m.put("anomalies", r.anomalies().size());
        m.put("outcomes", r.outcomes());
        m.put("indeterminate", r.indeterminate());
        return m;
    }
}
