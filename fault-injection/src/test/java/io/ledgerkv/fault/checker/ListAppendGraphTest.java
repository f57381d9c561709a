package io.ledgerkv.fault.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.workload.ListAppendWorkload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The list-append checks that need to know who wrote what (invented values, G1a, G1b, and the
 * dependency-graph cycles G0, G1c, G2), and the losses the read-inside-the-transaction workload
 * makes visible, each on a hand-made history next to a valid one of the same shape. Transactions
 * are written as the workload records them: {@code ops} in order, a read of each list before the
 * append to it, a marker {@code txn/<id>}.
 */
class ListAppendGraphTest {
    private static final String X = ListAppendWorkload.key(0);
    private static final String Y = ListAppendWorkload.key(1);

    /** A list-append history, one operation per process as after a crash; its final read is given explicitly. */
    private static final class LA {
        final History h = new History(Map.of("workload", "list-append", "seed", 1));
        final Map<Long, Event> invokes = new LinkedHashMap<>();
        int process = 1;
        int entry = 1;

        LA() {
            h.add(-1, Event.Type.WRITER_OPEN, "writer-open", Map.of("epoch", 1L), 1, null, null);
            h.add(0, Event.Type.INVOKE, "setup", Map.of("keys", 2), 1, null, null);
            h.add(0, Event.Type.OK, "setup", Map.of(), 1, "1:0:0", null);
        }

        /** A transaction of these micro-operations ({@link #r}, {@link #app}); its id is its first append. */
        @SafeVarargs
        final LA txn(Event.Type outcome, List<Object>... ops) {
            long id = -1;
            Set<String> appends = new LinkedHashSet<>();
            for (List<Object> m : ops) {
                if ("append".equals(m.get(0))) {
                    id = id < 0 ? (Long) m.get(2) : id;
                    appends.add((String) m.get(1));
                }
            }
            List<Object> recorded = new ArrayList<>();
            for (List<Object> m : ops) {
                recorded.add(m);
            }
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", id);
            v.put("appends", List.copyOf(appends));
            v.put("ops", recorded);
            v.put("marker", ListAppendWorkload.marker(id));
            v.put("padded", false);
            int p = process++;
            invokes.put(id, h.add(p, Event.Type.INVOKE, "append", v, 1, null, null));
            h.add(p, outcome, "append", Map.of(), 1, outcome == Event.Type.OK ? "1:" + entry++ + ":0" : null,
                    outcome == Event.Type.OK ? null : outcome == Event.Type.FAIL ? "condition failed" : "writer crashed");
            return this;
        }

        /** A snapshot read by the reader. */
        LA read(Map<String, List<Long>> lists) {
            int p = process++;
            h.add(p, Event.Type.INVOKE, "read", Map.of(), 1, null, null);
            h.add(p, Event.Type.OK, "read", Map.of("entries", render(lists)), 1, "1:" + entry + ":0", null);
            return this;
        }

        /** The final read: these lists, and the markers of {@code markers}. */
        History end(Map<String, List<Long>> lists, long... markers) {
            Map<String, String> e = new TreeMap<>(render(lists));
            for (long id : markers) {
                e.put(ListAppendWorkload.marker(id), "");
            }
            int p = process++;
            h.add(p, Event.Type.INVOKE, "final-read", Map.of(), 2, null, null);
            h.add(p, Event.Type.OK, "final-read", Map.of("entries", e), 2, "2:0:0", null);
            return h;
        }

        private static Map<String, String> render(Map<String, List<Long>> lists) {
            Map<String, String> out = new TreeMap<>();
            lists.forEach((k, l) -> {
                if (!l.isEmpty()) {
                    out.put(k, String.join(",", l.stream().map(String::valueOf).toList()));
                }
            });
            return out;
        }
    }

    private static List<Object> r(String key, long... seen) {
        List<Long> l = new ArrayList<>();
        for (long x : seen) {
            l.add(x);
        }
        return List.of("r", key, l);
    }

    private static List<Object> app(String key, long v) {
        return List.of("append", key, v);
    }

    private static List<Long> list(long... xs) {
        return Arrays.stream(xs).boxed().toList();
    }

    private static List<String> kinds(CheckResult r) {
        return r.anomalies().stream().map(CheckResult.Anomaly::kind).toList();
    }

    @Test
    void serialHistoryWithFailedAndIndeterminateTransactionsHasNoAnomaly() {
        History h = new LA()
                .txn(Event.Type.OK, r(X), app(X, 1))
                .txn(Event.Type.OK, r(Y), r(X, 1), app(X, 2), app(Y, 2))
                .read(Map.of(X, list(1, 2), Y, list(2)))
                .txn(Event.Type.FAIL, r(X, 1), app(X, 3)) // its condition failed: it read a stale list
                .txn(Event.Type.INFO, r(X, 1, 2), r(Y, 2), app(Y, 4)) // unknown, and committed
                .txn(Event.Type.INFO, r(Y, 2, 4), app(Y, 5)) // unknown, and not committed
                .txn(Event.Type.OK, r(Y, 2, 4), app(X, 6))
                .end(Map.of(X, list(1, 2, 6), Y, list(2, 4)), 1, 2, 4, 6);

        CheckResult r = Checker.check(h);

        assertThat(r.anomalies()).isEmpty();
        assertThat(r.indeterminate()).containsEntry("committed", 1L).containsEntry("not committed", 1L);
    }

    @Test
    void twoTransactionsInstallingTheirAppendsInOppositeOrdersAreAWriteCycle() {
        History h = new LA()
                .txn(Event.Type.OK, app(X, 1), app(Y, 1))
                .txn(Event.Type.OK, app(X, 2), app(Y, 2))
                .end(Map.of(X, list(1, 2), Y, list(2, 1)), 1, 2); // x says 1 before 2, y says 2 before 1

        CheckResult r = Checker.check(h);

        assertThat(kinds(r)).containsExactly("G0");
        assertThat(r.anomalies().get(0).description()).contains("append 1 -ww").contains("append 2 -ww");
        assertThat(r.anomalies().get(0).events()).contains(3L, 5L); // the two transactions' invocations
    }

    @Test
    void readingAnAppendOfAFailedTransactionIsAnAbortedRead() {
        History h = new LA()
                .txn(Event.Type.FAIL, r(X), app(X, 1))
                .read(Map.of(X, list(1))) // saw the failed append; it is gone at the end
                .end(Map.of());

        assertThat(kinds(Checker.check(h))).containsExactlyInAnyOrder("G1a", "not-a-prefix");
    }

    @Test
    void readingAListWhileItsWriterWasHalfWayIsAnIntermediateRead() {
        History h = new LA()
                .txn(Event.Type.OK, r(X), app(X, 1), app(X, 2)) // one transaction appends twice to x
                .read(Map.of(X, list(1))) // and a reader saw x between the two
                .end(Map.of(X, list(1, 2)), 1);

        assertThat(kinds(Checker.check(h))).containsExactly("G1b");
    }

    @Test
    void eachTransactionReadingTheOthersAppendIsCircularInformationFlow() {
        History h = new LA()
                .txn(Event.Type.OK, r(Y, 2), r(X), app(X, 1)) // saw y's 2 ...
                .txn(Event.Type.OK, r(X, 1), r(Y), app(Y, 2)) // ... whose writer saw x's 1
                .end(Map.of(X, list(1), Y, list(2)), 1, 2);

        CheckResult r = Checker.check(h);

        assertThat(kinds(r)).containsExactly("G1c");
        assertThat(r.anomalies().get(0).description()).contains("-wr");
    }

    @Test
    void twoAppendsThatReadTheSameListAndBothCommitAreALostUpdate() {
        // What a condition check that let a stale read through would produce: both read [], both appended.
        History h = new LA()
                .txn(Event.Type.OK, r(X), app(X, 1))
                .txn(Event.Type.OK, r(X), app(X, 2))
                .end(Map.of(X, list(1, 2)), 1, 2);

        CheckResult r = Checker.check(h);

        assertThat(kinds(r)).containsExactly("G2");
        assertThat(r.anomalies().get(0).description()).contains("G-single").contains("-rw " + X).contains("-ww " + X);
    }

    @Test
    void twoTransactionsEachMissingTheOthersAppendAreWriteSkew() {
        History h = new LA()
                .txn(Event.Type.OK, r(X), r(Y), app(X, 1))
                .txn(Event.Type.OK, r(X), r(Y), app(Y, 2))
                .end(Map.of(X, list(1), Y, list(2)), 1, 2);

        CheckResult r = Checker.check(h);

        assertThat(kinds(r)).containsExactly("G2");
        assertThat(r.anomalies().get(0).description()).contains("several anti-dependencies");
    }

    @Test
    void anElementNoTransactionAppendedIsInvented() {
        History h = new LA()
                .txn(Event.Type.OK, r(X), app(X, 1))
                .read(Map.of(X, list(1, 99)))
                .end(Map.of(X, list(1, 99)), 1);

        CheckResult r = Checker.check(h);

        assertThat(kinds(r)).containsExactly("invented-value");
        assertThat(r.anomalies().get(0).description()).contains("99").contains(X);
    }

    @Test
    void anElementInAListItsTransactionDidNotAppendToIsInvented() {
        History h = new LA()
                .txn(Event.Type.OK, r(X), app(X, 1))
                .end(Map.of(X, list(1), Y, list(1)), 1); // 1 was appended to x only

        assertThat(kinds(Checker.check(h))).containsExactly("invented-value");
    }

    /**
     * The store acknowledges transaction 1 and drops it mid-epoch (never written, never applied).
     * Transaction 2 reads x inside the transaction and appends to what is really there, so 1 is
     * missing for good. (A client writing x from its own memory would have written [1, 2] and hidden
     * the loss.)
     */
    @Test
    void anAcknowledgedAppendDroppedMidEpochStaysMissing() {
        History h = new LA()
                .txn(Event.Type.OK, r(X), app(X, 1))
                .txn(Event.Type.OK, r(X), app(X, 2))
                .end(Map.of(X, list(2)), 2);

        assertThat(kinds(Checker.check(h))).containsExactly("lost-ack");
    }

    /**
     * Transaction 1's own entry is lost from the log, but transaction 2 had read it (from the
     * writer's memory) and wrote x = [1, 2]: 1 is in the list, its marker is not.
     */
    @Test
    void anAppendWhoseOwnWriteWasLostButWasCarriedOnIsPartlyVisible() {
        History h = new LA()
                .txn(Event.Type.OK, r(X), app(X, 1))
                .txn(Event.Type.OK, r(X, 1), app(X, 2))
                .end(Map.of(X, list(1, 2)), 2);

        CheckResult r = Checker.check(h);

        assertThat(kinds(r)).containsExactly("partial-transaction");
        assertThat(r.anomalies().get(0).description()).contains("txn/000000001 not visible");
    }

    /** Transaction 1 applied a second time after 2 (a replayed entry): x goes back to [1] and 2 is gone. */
    @Test
    void anAppendAppliedTwiceShowsAsTheLossOfTheOneAfterIt() {
        History h = new LA()
                .txn(Event.Type.OK, r(X), app(X, 1))
                .txn(Event.Type.OK, r(X, 1), app(X, 2))
                .end(Map.of(X, list(1)), 1, 2);

        assertThat(kinds(Checker.check(h))).containsExactlyInAnyOrder("lost-ack", "partial-transaction");
    }

    @Test
    void anIndeterminateAppendSeenByAReadAndLostAfterwardsIsReported() {
        History h = new LA()
                .txn(Event.Type.OK, r(X), app(X, 1))
                .txn(Event.Type.INFO, r(X, 1), app(X, 2))
                .read(Map.of(X, list(1, 2))) // 2 was visible, so it had committed ...
                .end(Map.of(X, list(1)), 1); // ... and recovery lost it

        assertThat(kinds(Checker.check(h))).containsExactly("not-a-prefix");
    }
}
