package io.ledgerkv.fault.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.workload.BankWorkload;
import io.ledgerkv.meta.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker on hand-written histories: each anomaly it promises to find is planted once, next to
 * a valid history of the same shape that must pass, so neither "always valid" nor "always invalid"
 * survives these tests.
 */
class CheckerTest {

    /** Builds a history op by op; each op is an invoke followed by its outcome. */
    private static final class H {
        final History h;
        final Map<String, String> state = new LinkedHashMap<>();
        long epoch = 1;
        int entry = 0;

        H(String workload) {
            h = new History(Map.of("workload", workload, "seed", 1));
            h.add(-1, Event.Type.WRITER_OPEN, "writer-open", Map.of("epoch", 1L), 1, null, null);
        }

        String nextLsn() {
            return "1:" + entry++ + ":0";
        }

        void op(int process, String f, Map<String, Object> value, Event.Type outcome, Map<String, Object> result) {
            h.add(process, Event.Type.INVOKE, f, value, epoch, null, null);
            h.add(process, outcome, f, result, epoch, outcome == Event.Type.OK ? nextLsn() : null,
                    outcome == Event.Type.OK ? null : "boom");
        }

        void read(int process, String f, Map<String, String> entries, String lsn) {
            h.add(process, Event.Type.INVOKE, f, Map.of(), epoch, null, null);
            h.add(process, Event.Type.OK, f, Map.of("entries", Map.copyOf(entries)), epoch, lsn, null);
        }
    }

    // ---- bank ------------------------------------------------------------------------------------

    private static H bankWithSetup(int accounts) {
        H b = new H("bank");
        b.op(0, "setup", Map.of("accounts", accounts, "initial", BankWorkload.INITIAL), Event.Type.OK, Map.of());
        for (int a = 0; a < accounts; a++) {
            b.state.put(BankWorkload.account(a), Long.toString(BankWorkload.INITIAL));
        }
        return b;
    }

    /** A transfer's invocation value, as the bank workload records it (without what it read and wrote). */
    private static Map<String, Object> transferValue(long id, int from, int to, long amount) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("from", from);
        v.put("to", to);
        v.put("amount", amount);
        v.put("padded", false);
        return v;
    }

    /** Records a transfer with the given outcome; {@code applied} says whether the store holds it. */
    private static void transfer(H b, long id, int from, int to, long amount, Event.Type outcome, boolean applied) {
        b.op(0, "transfer", transferValue(id, from, to, amount), outcome, Map.of());
        if (applied) {
            b.state.put(BankWorkload.account(from), Long.toString(Long.parseLong(b.state.get(BankWorkload.account(from))) - amount));
            b.state.put(BankWorkload.account(to), Long.toString(Long.parseLong(b.state.get(BankWorkload.account(to))) + amount));
            b.state.put(BankWorkload.marker(id), from + ">" + to + ":" + amount);
        }
    }

    private static Map<String, String> balances(H b) {
        Map<String, String> m = new LinkedHashMap<>();
        b.state.forEach((k, v) -> {
            if (k.startsWith("acct/")) {
                m.put(k, v);
            }
        });
        return m;
    }

    private static List<String> kinds(CheckResult r) {
        return r.anomalies().stream().map(CheckResult.Anomaly::kind).toList();
    }

    @Test
    void validBankHistoryPassesAndIndeterminateCommitsAreResolved() {
        H b = bankWithSetup(3);
        transfer(b, 1, 0, 1, 5, Event.Type.OK, true);
        b.read(1, "read", balances(b), "1:1:0");
        transfer(b, 2, 1, 2, 3, Event.Type.INFO, true); // timed out, yet committed
        transfer(b, 3, 2, 0, 4, Event.Type.INFO, false); // timed out, not committed
        transfer(b, 4, 2, 0, 1, Event.Type.FAIL, false);
        b.read(1, "final-read", b.state, "1:9:0");

        CheckResult r = Checker.check(b.h);

        assertThat(r.anomalies()).isEmpty();
        assertThat(r.count("transfer", "OK")).isEqualTo(1);
        assertThat(r.count("transfer", "FAIL")).isEqualTo(1);
        assertThat(r.indeterminate()).containsEntry("committed", 1L).containsEntry("not committed", 1L);
    }

    /** A standby that stopped at an entry it judged corrupt is an anomaly; a failed standby read for another reason is not. */
    @Test
    void aStandbyStoppedAtACorruptEntryIsReported() {
        H b = bankWithSetup(2);
        transfer(b, 1, 0, 1, 5, Event.Type.OK, true);
        b.h.add(7, Event.Type.INVOKE, "read", Map.of("standby", true), 0, null, null);
        b.h.add(7, Event.Type.FAIL, "read", Map.of(), 0, null, Checker.STANDBY_STOPPED + "corrupt entry in store 's', ledger 9, entry 3: "
                + "transaction 2 appears again after 2 (duplicate entry)");
        b.h.add(8, Event.Type.INVOKE, "read", Map.of("standby", true), 0, null, null);
        b.h.add(8, Event.Type.FAIL, "read", Map.of(), 0, null, "ClusterUnavailableException: cannot reach ZooKeeper");
        b.read(1, "final-read", b.state, "1:9:0");

        CheckResult r = Checker.check(b.h);

        assertThat(kinds(r)).containsExactly("standby-stopped");
        assertThat(r.anomalies().get(0).description()).contains("process 7", "duplicate entry");
    }

    @Test
    void acknowledgedTransferMissingAfterRecoveryIsALostAck() {
        H b = bankWithSetup(3);
        transfer(b, 1, 0, 1, 5, Event.Type.OK, true);
        transfer(b, 2, 1, 2, 3, Event.Type.OK, false); // acknowledged, then lost
        b.read(1, "final-read", b.state, "1:9:0");

        assertThat(kinds(Checker.check(b.h))).containsExactly("lost-ack");
    }

    @Test
    void failedTransferThatIsVisibleIsReported() {
        H b = bankWithSetup(2);
        transfer(b, 1, 0, 1, 5, Event.Type.FAIL, true);
        b.read(1, "final-read", b.state, "1:9:0");

        assertThat(kinds(Checker.check(b.h))).containsExactly("failed-but-present");
    }

    @Test
    void readSeeingHalfATransferIsAPartialTransaction() {
        H b = bankWithSetup(2);
        transfer(b, 1, 0, 1, 5, Event.Type.OK, true);
        Map<String, String> half = balances(b);
        half.put(BankWorkload.account(1), Long.toString(BankWorkload.INITIAL)); // debit seen, credit not
        b.read(1, "read", half, "1:1:0");
        b.read(1, "final-read", b.state, "1:9:0");

        assertThat(kinds(Checker.check(b.h))).containsExactly("partial-transaction");
    }

    @Test
    void finalBalancesThatDoNotMatchTheTransfersPresentAreReported() {
        H b = bankWithSetup(3);
        transfer(b, 1, 0, 1, 5, Event.Type.OK, true);
        Map<String, String> fin = new LinkedHashMap<>(b.state);
        // totals still add up, but the balances are not what transfer 1 makes them
        fin.put(BankWorkload.account(1), Long.toString(BankWorkload.INITIAL));
        fin.put(BankWorkload.account(2), Long.toString(BankWorkload.INITIAL + 5));
        b.read(1, "final-read", fin, "1:9:0");

        assertThat(kinds(Checker.check(b.h))).containsOnly("balance-mismatch").hasSize(2);
    }

    @Test
    void commitAcknowledgedAfterASuccessorOpenedIsAFencingViolation() {
        H b = bankWithSetup(2);
        b.h.add(0, Event.Type.INVOKE, "transfer", Map.of("id", 1L, "from", 0, "to", 1, "amount", 5L, "padded", false), 1, null, null);
        b.h.add(-1, Event.Type.WRITER_OPEN, "writer-open", Map.of("epoch", 2L), 2, null, null);
        b.h.add(0, Event.Type.OK, "transfer", Map.of(), 1, "1:1:0", null); // epoch 1 acks after epoch 2 opened
        b.state.put(BankWorkload.account(0), "95");
        b.state.put(BankWorkload.account(1), "105");
        b.state.put(BankWorkload.marker(1), "0>1:5");
        b.read(1, "final-read", b.state, "2:0:0");

        assertThat(kinds(Checker.check(b.h))).containsExactly("acked-after-fence");
    }

    @Test
    void ackTimeTakenBeforeTheSuccessorOpenedIsNotAFencingViolation() {
        H b = bankWithSetup(2);
        b.h.add(0, Event.Type.INVOKE, "transfer", Map.of("id", 1L, "from", 0, "to", 1, "amount", 5L, "padded", false), 1, null, null);
        long ackedAt = b.h.now();
        b.h.add(-1, Event.Type.WRITER_OPEN, "writer-open", Map.of("epoch", 2L), 2, null, null);
        // the worker recorded the OK late, but the commit future completed before epoch 2 opened
        b.h.add(0, Event.Type.OK, "transfer", Map.of("ackNanos", ackedAt), 1, "1:1:0", null);
        b.state.put(BankWorkload.account(0), "95");
        b.state.put(BankWorkload.account(1), "105");
        b.state.put(BankWorkload.marker(1), "0>1:5");
        b.read(1, "final-read", b.state, "2:0:0");

        assertThat(Checker.check(b.h).anomalies()).isEmpty();
    }

    @Test
    void readOnTheSameHandleThatGoesBackwardsIsReported() {
        H b = bankWithSetup(2);
        b.read(1, "read", balances(b), "1:5:0");
        b.read(1, "read", balances(b), "1:3:0");
        b.read(1, "final-read", b.state, "1:9:0");

        assertThat(kinds(Checker.check(b.h))).containsExactly("read-went-back");
    }

    @Test
    void historyWithoutFinalReadIsNotValid() {
        H b = bankWithSetup(2);
        transfer(b, 1, 0, 1, 5, Event.Type.OK, true);

        assertThat(kinds(Checker.check(b.h))).containsExactly("no-final-read");
    }

    /** A transfer as the workload records it now: the balances it read inside the transaction and the ones it wrote. */
    private static void guardedTransfer(H b, long id, int from, int to, long amount, Event.Type outcome, boolean applied) {
        String f = BankWorkload.account(from);
        String t = BankWorkload.account(to);
        long fromBalance = Long.parseLong(b.state.get(f));
        long toBalance = Long.parseLong(b.state.get(t));
        Map<String, Object> v = transferValue(id, from, to, amount);
        v.put("read", Map.of(f, fromBalance, t, toBalance));
        v.put("wrote", Map.of(f, fromBalance - amount, t, toBalance + amount));
        b.op(0, "transfer", v, outcome, Map.of());
        if (applied) {
            b.state.put(f, Long.toString(fromBalance - amount));
            b.state.put(t, Long.toString(toBalance + amount));
            b.state.put(BankWorkload.marker(id), from + ">" + to + ":" + amount);
        }
    }

    @Test
    void balancesThatTransfersWroteAreNotInvented() {
        H b = bankWithSetup(3);
        guardedTransfer(b, 1, 0, 1, 5, Event.Type.OK, true);
        b.read(1, "read", balances(b), "1:1:0");
        guardedTransfer(b, 2, 1, 2, 3, Event.Type.FAIL, false); // a condition failed: written nowhere
        guardedTransfer(b, 3, 1, 2, 4, Event.Type.INFO, true);
        b.read(1, "final-read", b.state, "1:9:0");

        assertThat(Checker.check(b.h).anomalies()).isEmpty();
    }

    @Test
    void aBalanceNoTransferWroteIsInventedEvenWhenTheTotalHolds() {
        H b = bankWithSetup(3);
        guardedTransfer(b, 1, 0, 1, 5, Event.Type.OK, true);
        Map<String, String> odd = balances(b);
        odd.put(BankWorkload.account(0), "90"); // 10 moved instead of 5: the sum is still right
        odd.put(BankWorkload.account(1), "110");
        b.read(1, "read", odd, "1:1:0");
        b.read(1, "final-read", b.state, "1:9:0");

        CheckResult r = Checker.check(b.h);

        assertThat(kinds(r)).containsExactly("invented-value", "invented-value");
        assertThat(r.anomalies().get(0).description()).contains("acct/000 = 90");
    }

    // ---- hangs -----------------------------------------------------------------------------------

    private static Event ev(long index, int process, Event.Type type, String f, Map<String, Object> value, long millis, String error) {
        return new Event(index, process, type, f, value, millis * 1_000_000, 1, type == Event.Type.OK ? "1:" + index + ":0" : null, error);
    }

    /** A bank history with exact times: transfer 1 acknowledged at 500 ms (noticed at 5 s), 2 given up on at 1.5 s, 3 never answered. */
    private static History timedHistory(Path dir, long hangBoundMillis, boolean answerAll) throws Exception {
        Map<String, Object> t1 = Map.of("id", 1, "from", 0, "to", 1, "amount", 5, "padded", false);
        Map<String, Object> t2 = Map.of("id", 2, "from", 1, "to", 0, "amount", 1, "padded", false);
        Map<String, Object> t3 = Map.of("id", 3, "from", 1, "to", 0, "amount", 2, "padded", false);
        List<Event> events = new ArrayList<>(List.of(
                ev(0, -1, Event.Type.WRITER_OPEN, "writer-open", Map.of("epoch", 1), 0, null),
                ev(1, 0, Event.Type.INVOKE, "setup", Map.of("accounts", 2, "initial", 100), 0, null),
                ev(2, 0, Event.Type.OK, "setup", Map.of(), 1, null),
                ev(3, 1, Event.Type.INVOKE, "transfer", t1, 10, null),
                ev(4, 2, Event.Type.INVOKE, "transfer", t2, 20, null),
                ev(5, 3, Event.Type.INVOKE, "transfer", t3, 30, null),
                ev(6, 2, Event.Type.INFO, "transfer", Map.of(), 1500, "no answer within 1 s"),
                ev(7, 1, Event.Type.OK, "transfer", Map.of("ackNanos", 500_000_000L), 5000, null)));
        if (answerAll) {
            events.add(ev(8, 3, Event.Type.FAIL, "transfer", Map.of(), 5001, "condition failed"));
        }
        Map<String, String> fin = Map.of(BankWorkload.account(0), "95", BankWorkload.account(1), "105", BankWorkload.marker(1), "0>1:5");
        events.add(ev(9, 4, Event.Type.INVOKE, "final-read", Map.of(), 6000, null));
        events.add(ev(10, 4, Event.Type.OK, "final-read", Map.of("entries", fin), 6001, null));
        Path file = dir.resolve("timed.history.jsonl");
        StringBuilder sb = new StringBuilder(Json.MAPPER.writeValueAsString(Map.of("meta",
                Map.of("workload", "bank", "hangBoundMillis", hangBoundMillis)))).append('\n');
        for (Event e : events) {
            sb.append(Json.MAPPER.writeValueAsString(e)).append('\n');
        }
        Files.writeString(file, sb);
        return History.load(file);
    }

    @Test
    void commitsAnsweredWithinTheBoundAreNoHangEvenIfNoticedLate(@TempDir Path dir) throws Exception {
        // Bound 2 s: 1 was acknowledged after 490 ms, 2 given up on after 1480 ms, 3 failed after 4971 ms: that one hung.
        CheckResult r = Checker.check(timedHistory(dir, 2000, true));

        assertThat(kinds(r)).containsExactly("hang");
        assertThat(r.anomalies().get(0).description()).contains("after 4971 ms");
        assertThat(Checker.check(timedHistory(dir, 6000, true)).anomalies()).isEmpty();
    }

    @Test
    void aCommitGivenUpOnAfterTheBoundOrNeverAnsweredIsAHang(@TempDir Path dir) throws Exception {
        CheckResult r = Checker.check(timedHistory(dir, 1000, false));

        assertThat(r.anomalies()).extracting(CheckResult.Anomaly::kind).containsExactly("hang", "hang");
        assertThat(r.anomalies()).extracting(CheckResult.Anomaly::description).anySatisfy(d -> assertThat(d).contains("never answered"))
                .anySatisfy(d -> assertThat(d).contains("after 1480 ms").contains("no answer within 1 s"));
    }

    // ---- list append -----------------------------------------------------------------------------

    private static void append(H l, long id, List<String> keys, Map<String, Object> reads, Event.Type outcome) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("appends", keys);
        v.put("reads", reads);
        v.put("padded", false);
        l.op(0, "append", v, outcome, Map.of());
    }

    @Test
    void validListAppendHistoryPasses() {
        H l = new H("list-append");
        append(l, 1, List.of("list/00", "list/01"), Map.of("list/02", List.of()), Event.Type.OK);
        append(l, 2, List.of("list/00"), Map.of("list/01", List.of(1L)), Event.Type.OK);
        append(l, 3, List.of("list/02"), Map.of(), Event.Type.INFO);
        l.read(1, "read", Map.of("list/00", "1"), "1:1:0");
        l.read(1, "final-read", Map.of("list/00", "1,2", "list/01", "1", "list/02", "3"), "1:9:0");

        CheckResult r = Checker.check(l.h);

        assertThat(r.anomalies()).isEmpty();
        assertThat(r.indeterminate()).containsEntry("committed", 1L);
    }

    @Test
    void appendInOnlyOneOfItsListsIsAPartialTransaction() {
        H l = new H("list-append");
        append(l, 1, List.of("list/00", "list/01"), Map.of(), Event.Type.OK);
        l.read(1, "final-read", Map.of("list/00", "1"), "1:9:0");

        assertThat(kinds(Checker.check(l.h))).containsExactly("partial-transaction");
    }

    @Test
    void duplicateAndLostAppendsAreReported() {
        H l = new H("list-append");
        append(l, 1, List.of("list/00"), Map.of(), Event.Type.OK);
        append(l, 2, List.of("list/01"), Map.of(), Event.Type.OK);
        l.read(1, "final-read", Map.of("list/00", "1,1"), "1:9:0");

        assertThat(kinds(Checker.check(l.h))).containsExactlyInAnyOrder("duplicate", "lost-ack");
    }

    @Test
    void readThatIsNotAPrefixOfTheFinalListIsReported() {
        H l = new H("list-append");
        append(l, 1, List.of("list/00"), Map.of(), Event.Type.OK);
        append(l, 2, List.of("list/00"), Map.of(), Event.Type.OK);
        l.read(1, "read", Map.of("list/00", "2"), "1:1:0"); // saw 2 without 1: reordered
        l.read(1, "final-read", Map.of("list/00", "1,2"), "1:9:0");

        assertThat(kinds(Checker.check(l.h))).containsExactly("not-a-prefix");
    }

    // ---- files -----------------------------------------------------------------------------------

    @Test
    void savedHistoryChecksTheSameAfterLoading(@TempDir Path dir) {
        H b = bankWithSetup(3);
        transfer(b, 1, 0, 1, 5, Event.Type.OK, true);
        transfer(b, 2, 1, 2, 3, Event.Type.OK, false);
        b.read(1, "final-read", b.state, "1:9:0");
        Path file = dir.resolve("history.jsonl");

        b.h.save(file);
        CheckResult again = Checker.check(History.load(file));

        assertThat(kinds(again)).containsExactly("lost-ack");
        assertThat(again.count("transfer", "OK")).isEqualTo(2);
    }

    @Test
    void fileThatIsNotAHistoryIsRefusedByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "{\"hello\": 1}\n");

        assertThatThrownBy(() -> History.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("notes.txt").hasMessageContaining("not a ledgerkv history");
    }
}
