package io.ledgerkv.fault.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.workload.BankWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
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
            return "1:" + (entry++) + ":0";
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

    /** Records a transfer with the given outcome; {@code applied} says whether the store holds it. */
    private static void transfer(H b, long id, int from, int to, long amount, Event.Type outcome, boolean applied) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("from", from);
        v.put("to", to);
        v.put("amount", amount);
        v.put("padded", false);
        b.op(0, "transfer", v, outcome, Map.of());
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
