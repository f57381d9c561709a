package io.ledgerkv.fault.checker;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.workload.BankWorkload;
import io.ledgerkv.fault.workload.ListAppendWorkload;
import io.ledgerkv.fault.workload.ListAppendWorkload.MicroOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
 *   <li>{@code read-went-back}: a later read on the same handle saw an older state;</li>
 *   <li>{@code hang}: a commit was neither acknowledged nor failed within the history's bound;</li>
 *   <li>{@code invented-value}: a read saw a list element or a balance that no attempted
 *       transaction could have written;</li>
 *   <li>list-append only, from the dependency graph ({@link ListAppendGraph}): {@code G1a} (a read
 *       saw a failed transaction's append), {@code G1b} (a read saw a transaction's intermediate
 *       append), and the cycles {@code G0}, {@code G1c}, {@code G2}.</li>
 * </ul>
 */
public final class Checker {
    /** The hang bound for histories that do not state one ({@code hangBoundMillis} in their meta): the commit wait of the campaigns that wrote them. */
    static final long DEFAULT_HANG_BOUND_MILLIS = 15_000;

    private Checker() {
    }

    /** One invocation and its outcome. */
    record Op(Event invoke, Event outcome) {
        Event.Type result() {
            return outcome == null ? Event.Type.INFO : outcome.type();
        }
    }

    /**
     * A standby that stopped at an entry it judged corrupt: the log it tails is either corrupt or
     * misread, and the standby serves an ever older state from then on. Either way a bug (the
     * campaign corrupts nothing), even when every read it served was right.
     */
    private static void checkStandbyStops(List<Op> ops, CheckResult r) {
        for (Op op : ops) {
            String err = op.outcome() == null ? null : op.outcome().error();
            if (op.result() == Event.Type.FAIL && "read".equals(op.invoke().f()) && err != null && err.startsWith(STANDBY_STOPPED)
                    && err.contains("corrupt entry")) {
                r.anomaly("standby-stopped", "process " + op.invoke().process() + ": " + err, List.of(op.outcome().index()));
            }
        }
    }

    /** How the campaign records a standby that stopped tailing (its {@code lag().error()}). */
    public static final String STANDBY_STOPPED = "standby stopped: ";

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
        checkHangs(ops, h.meta(), r);
        checkStandbyStops(ops, r);
        if (finalRead == null) {
            r.anomaly("no-final-read", "the history has no successful final read after recovery", List.of());
            return r;
        }
        checkFencedAcks(ops, writerOpenedAt, r);
        checkReadsNeverGoBack(ops, r);
        switch (workload) {
            case "bank" -> checkBank(ops, finalRead, r);
            case "list-append" -> {
                checkListAppend(ops, finalRead, r);
                checkListAppendGraph(ops, finalRead, r);
            }
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

    /**
     * A commit must be answered (acknowledged, failed, or given up on as unknown) within the bound:
     * one invoked but never completed before the run ended, or completed later than the bound after
     * its invocation (an acknowledgement counts from when the commit future completed), hung.
     */
    private static void checkHangs(List<Op> ops, Map<String, Object> meta, CheckResult r) {
        long boundMillis = meta.get("hangBoundMillis") instanceof Number n ? n.longValue() : DEFAULT_HANG_BOUND_MILLIS;
        long bound = boundMillis * 1_000_000;
        for (Op op : ops) {
            String f = op.invoke().f();
            if (f.endsWith("read")) {
                continue;
            }
            if (op.outcome() == null) {
                r.anomaly("hang", f + " " + op.invoke().value() + " by process " + op.invoke().process() + " was never answered before the "
                        + "run ended", List.of(op.invoke().index()));
                continue;
            }
            Object acked = op.outcome().value() == null ? null : op.outcome().value().get("ackNanos");
            long done = op.result() == Event.Type.OK && acked instanceof Number n ? n.longValue() : op.outcome().nanos();
            long took = done - op.invoke().nanos();
            if (took > bound) {
                r.anomaly("hang", f + " " + op.invoke().value() + " was answered (" + op.result() + (op.outcome().error() == null ? ""
                        : ": " + op.outcome().error()) + ") after " + took / 1_000_000 + " ms, more than the bound of " + boundMillis + " ms",
                        List.of(op.invoke().index(), op.outcome().index()));
            }
        }
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
        Arrays.fill(expected, initial);
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
        checkBankValuesWereWritten(ops, initial, r);
    }

    /**
     * Every balance seen (by a read, the final read, or a committed transfer) must be the initial
     * one or one that some attempted transfer wrote to that account: anything else was invented.
     * Only for histories whose transfers record what they wrote ({@code wrote}).
     */
    @SuppressWarnings("unchecked")
    private static void checkBankValuesWereWritten(List<Op> ops, long initial, CheckResult r) {
        Map<String, Set<Long>> written = new HashMap<>();
        boolean recorded = false;
        for (Op op : ops) {
            if ("transfer".equals(op.invoke().f()) && op.invoke().value().get("wrote") instanceof Map<?, ?> w) {
                recorded = true;
                ((Map<String, Object>) w).forEach((k, v) -> written.computeIfAbsent(k, x -> new HashSet<>()).add(((Number) v).longValue()));
            }
        }
        if (!recorded) {
            return;
        }
        Set<String> reported = new HashSet<>();
        for (Op op : ops) {
            Map<String, Object> seen = new TreeMap<>();
            long at;
            String who;
            String f = op.invoke().f();
            if (op.result() == Event.Type.OK && (f.equals("read") || f.equals("final-read"))) {
                entries(op.outcome()).forEach((k, v) -> {
                    if (k.startsWith("acct/")) {
                        seen.put(k, Long.parseLong(v));
                    }
                });
                at = op.outcome().index();
                who = "a " + f + " at " + op.outcome().lsn();
            } else if (f.equals("transfer") && op.result() == Event.Type.OK && op.invoke().value().get("read") instanceof Map<?, ?> m) {
                seen.putAll((Map<String, Object>) m);
                at = op.invoke().index();
                who = "acknowledged transfer " + op.invoke().value().get("id");
            } else {
                continue;
            }
            seen.forEach((k, v) -> {
                if (v != null) {
                    long bal = ((Number) v).longValue();
                    if (bal != initial && !written.getOrDefault(k, Set.of()).contains(bal) && reported.add(k + "=" + bal)) {
                        r.anomaly("invented-value", who + " saw " + k + " = " + bal + ", which no attempted transfer wrote there",
                                List.of(at));
                    }
                }
            });
        }
    }

    // ---- list append -----------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static void checkListAppend(List<Op> ops, Event finalRead, CheckResult r) {
        Map<String, String> fin = entries(finalRead);
        Map<String, List<Long>> finals = finalLists(finalRead);
        for (Map.Entry<String, List<Long>> e : finals.entrySet()) {
            Set<Long> seen = new HashSet<>();
            for (long x : e.getValue()) {
                if (!seen.add(x)) {
                    r.anomaly("duplicate", e.getKey() + " holds " + x + " twice", List.of(finalRead.index()));
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
                if (op.invoke().value().get("marker") instanceof String marker && fin.containsKey(marker) != (present > 0)) {
                    // Its own write lost while a later transaction that read it carried its id on, or the reverse.
                    r.anomaly("partial-transaction", "append " + id + ": marker " + marker + (fin.containsKey(marker) ? "" : " not")
                            + " visible, appends " + (present > 0 ? "" : "not ") + "visible", List.of(op.invoke().index()));
                }
                if (op.result() == Event.Type.OK && present == 0) {
                    r.anomaly("lost-ack", "acknowledged append " + id + " to " + keys + " is missing after recovery",
                            List.of(op.invoke().index(), op.outcome().index()));
                }
                if (op.result() == Event.Type.FAIL && present > 0) {
                    r.anomaly("failed-but-present", "append " + id + " failed but is visible", List.of(op.invoke().index()));
                }
            }
        }
        for (Observation o : observations(ops)) {
            // Identity: the very event check() took as the final read, which the final lists come from.
            @SuppressWarnings("ReferenceEquality")
            boolean ofTheFinalRead = o.op().outcome() == finalRead;
            if (!ofTheFinalRead) {
                checkPrefix(o.key(), o.list(), finals, o.event(), r);
                Set<Long> seen = new HashSet<>();
                for (long x : o.list()) {
                    if (!seen.add(x)) {
                        r.anomaly("duplicate", "a read of " + o.key() + " saw " + x + " twice", List.of(o.event()));
                    }
                }
            }
        }
    }

    /** The final list of every key the final read returned. */
    private static Map<String, List<Long>> finalLists(Event finalRead) {
        Map<String, List<Long>> finals = new TreeMap<>();
        entries(finalRead).forEach((k, v) -> {
            if (k.startsWith("list/")) {
                finals.put(k, ListAppendWorkload.parse(v));
            }
        });
        return finals;
    }

    /** A list some operation saw: a committed transaction's read, a snapshot read, or the final read. */
    private record Observation(Op op, String key, List<Long> list, long event) {
    }

    /**
     * Every list seen: the reads of acknowledged appends (an indeterminate one's reads count only
     * once it is known to have committed, see {@link #checkListAppendGraph}), snapshot reads (an
     * absent list reads as empty) and the final read.
     */
    private static List<Observation> observations(List<Op> ops) {
        int keys = listKeys(ops);
        List<Observation> out = new ArrayList<>();
        for (Op op : ops) {
            String f = op.invoke().f();
            if ("append".equals(f) && op.result() == Event.Type.OK) {
                for (MicroOp m : ListAppendWorkload.microOps(op.invoke().value())) {
                    if (m.isRead()) {
                        out.add(new Observation(op, m.key(), m.read(), op.invoke().index()));
                    }
                }
            } else if (("read".equals(f) || "final-read".equals(f)) && op.result() == Event.Type.OK) {
                for (MicroOp m : ListAppendWorkload.readsOf(entries(op.outcome()), keys)) {
                    out.add(new Observation(op, m.key(), m.read(), op.outcome().index()));
                }
            }
        }
        return out;
    }

    /** How many lists the setup declared (0 if it did not). */
    private static int listKeys(List<Op> ops) {
        for (Op op : ops) {
            if ("setup".equals(op.invoke().f()) && op.invoke().value().get("keys") instanceof Number n) {
                return n.intValue();
            }
        }
        return 0;
    }

    /**
     * The checks that need to know who wrote each element: invented values, reads of failed (G1a) or
     * intermediate (G1b) appends, and the dependency graph's cycles ({@link ListAppendGraph}).
     */
    private static void checkListAppendGraph(List<Op> ops, Event finalRead, CheckResult r) {
        Map<String, String> fin = entries(finalRead);
        Map<String, Map<Long, Op>> writer = new HashMap<>();
        Map<Op, List<MicroOp>> txnOps = new HashMap<>();
        for (Op op : ops) {
            if ("append".equals(op.invoke().f())) {
                List<MicroOp> ms = ListAppendWorkload.microOps(op.invoke().value());
                txnOps.put(op, ms);
                for (MicroOp m : ms) {
                    if (!m.isRead()) {
                        writer.computeIfAbsent(m.key(), k -> new HashMap<>()).put(m.append(), op);
                    }
                }
            }
        }
        List<Observation> seen = new ArrayList<>(observations(ops));
        Set<String> observedWrites = new HashSet<>();
        seen.forEach(o -> o.list().forEach(x -> observedWrites.add(o.key() + "#" + x)));
        // An indeterminate append committed if anything it appended (or its marker) was ever seen; then its reads held too.
        List<Op> committed = new ArrayList<>();
        for (Map.Entry<Op, List<MicroOp>> t : txnOps.entrySet()) {
            Op op = t.getKey();
            boolean visible = t.getValue().stream().anyMatch(m -> !m.isRead() && observedWrites.contains(m.key() + "#" + m.append()))
                    || (op.invoke().value().get("marker") instanceof String mk && fin.containsKey(mk));
            if (op.result() == Event.Type.OK || (op.result() == Event.Type.INFO && visible)) {
                committed.add(op);
                if (op.result() == Event.Type.INFO) {
                    t.getValue().stream().filter(MicroOp::isRead)
                            .forEach(m -> seen.add(new Observation(op, m.key(), m.read(), op.invoke().index())));
                }
            }
        }
        committed.sort(Comparator.comparingLong(op -> op.invoke().index()));

        Set<String> reported = new HashSet<>();
        for (Observation o : seen) {
            Map<Long, Op> w = writer.getOrDefault(o.key(), Map.of());
            // Identity: the very event check() took as the final read.
            @SuppressWarnings("ReferenceEquality")
            boolean ofTheFinalRead = o.op().outcome() == finalRead;
            for (long x : o.list()) {
                Op by = w.get(x);
                if (by == null) {
                    if (reported.add("invented " + o.key() + "#" + x)) {
                        r.anomaly("invented-value", describe(o) + " saw " + x + " in " + o.key() + ", which no attempted transaction "
                                + "appended there", List.of(o.event()));
                    }
                } else if (by.result() == Event.Type.FAIL && !ofTheFinalRead && reported.add("G1a " + o.event() + "#" + x)) {
                    r.anomaly("G1a", "aborted read (G1a): " + describe(o) + " saw " + x + " in " + o.key() + ", appended by a "
                            + "transaction that failed", List.of(by.invoke().index(), o.event()));
                }
            }
            if (!o.list().isEmpty()) {
                long last = o.list().get(o.list().size() - 1);
                Op by = w.get(last);
                // Identity: the observing transaction itself (one Op per invocation), not a deep comparison of its events.
                @SuppressWarnings("ReferenceEquality")
                boolean byItself = by == o.op();
                if (by != null && !byItself) {
                    List<Long> appended = txnOps.get(by).stream().filter(m -> !m.isRead() && m.key().equals(o.key()))
                            .map(MicroOp::append).toList();
                    if (!appended.isEmpty() && appended.get(appended.size() - 1) != last && reported.add("G1b " + o.event() + o.key())) {
                        r.anomaly("G1b", "intermediate read (G1b): " + describe(o) + " saw " + o.key() + " end in " + last + ", but the "
                                + "transaction that appended it went on to append " + appended.subList(appended.indexOf(last) + 1,
                                appended.size()) + " there", List.of(by.invoke().index(), o.event()));
                    }
                }
            }
        }

        // The version order: each final list, extended by a longer read that has it as a prefix (a lost tail).
        Map<String, List<Long>> order = finalLists(finalRead);
        for (Observation o : seen) {
            List<Long> f = order.getOrDefault(o.key(), List.of());
            if (o.list().size() > f.size() && o.list().subList(0, f.size()).equals(f)) {
                order.put(o.key(), o.list());
            }
        }
        List<ListAppendGraph.Node> nodes = new ArrayList<>();
        for (Op op : committed) {
            nodes.add(new ListAppendGraph.Node("append " + id(op), List.of(op.invoke().index()), txnOps.get(op)));
        }
        for (Op op : ops) {
            String f = op.invoke().f();
            if (("read".equals(f) || "final-read".equals(f)) && op.result() == Event.Type.OK) {
                nodes.add(new ListAppendGraph.Node(f + "@" + op.outcome().index(), List.of(op.outcome().index()),
                        ListAppendWorkload.readsOf(entries(op.outcome()), listKeys(ops))));
            }
        }
        ListAppendGraph.check(nodes, order, r);
    }

    private static String describe(Observation o) {
        String f = o.op().invoke().f();
        return "append".equals(f) ? "append " + id(o.op()) : "the " + f + " at event " + o.event();
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
