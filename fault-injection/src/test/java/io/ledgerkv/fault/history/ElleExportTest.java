package io.ledgerkv.fault.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerkv.fault.workload.ListAppendWorkload;
import io.ledgerkv.meta.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Elle export has the shape elle-cli's list-append model reads (checked against its
 * {@code read-json-history} and {@code model-specs} in src/elle_cli/cli.clj): one JSON array of
 * operations with {@code type}, {@code f: "txn"}, {@code process}, {@code time}, {@code index} and a
 * {@code value} of {@code ["r", k, list-or-null]} / {@code ["append", k, v]} micro-operations.
 */
class ElleExportTest {
    private static final String X = ListAppendWorkload.key(0);
    private static final String Y = ListAppendWorkload.key(1);

    private static Map<String, Object> append(long id, String key, List<Long> seen) {
        return Map.of("id", id, "appends", List.of(key), "padded", false, "marker", ListAppendWorkload.marker(id),
                "ops", List.of(List.of("r", key, seen), List.of("append", key, id)));
    }

    /** Every kind of event a campaign records, in one list-append run. */
    private static History run() {
        History h = new History(Map.of("workload", "list-append", "seed", 7));
        h.add(-1, Event.Type.WRITER_OPEN, "writer-open", Map.of("epoch", 1L), 1, null, null);
        h.add(0, Event.Type.INVOKE, "setup", Map.of("keys", 2), 1, null, null);
        h.add(0, Event.Type.OK, "setup", Map.of(), 1, "1:0:0", null);
        h.add(1, Event.Type.INVOKE, "append", append(1, X, List.of()), 1, null, null);
        h.add(1, Event.Type.OK, "append", Map.of("ackNanos", 5L), 1, "1:1:0", null);
        h.add(-1, Event.Type.NEMESIS_START, "KILL_BOOKIE", Map.of("bookie", 2), 0, null, null);
        h.add(1, Event.Type.INVOKE, "append", append(2, X, List.of()), 1, null, null);
        h.add(1, Event.Type.FAIL, "append", Map.of(), 1, null, "ConditionFailedException");
        h.add(2, Event.Type.INVOKE, "transfer-or-append", Map.of(), 1, null, null);
        h.add(2, Event.Type.FAIL, "transfer-or-append", Map.of(), 1, null, "refused before it was built");
        h.add(3, Event.Type.INVOKE, "append", append(3, Y, List.of()), 1, null, null);
        h.add(3, Event.Type.INFO, "append", Map.of(), 1, null, "writer crashed");
        h.add(4, Event.Type.INVOKE, "read", Map.of(), 1, null, null);
        h.add(4, Event.Type.OK, "read", Map.of("entries", Map.of(X, "1")), 1, "1:1:0", null);
        h.add(5, Event.Type.INVOKE, "append", append(4, X, List.of(1L)), 2, null, null); // never answered
        h.add(6, Event.Type.INVOKE, "final-read", Map.of(), 2, null, null);
        h.add(6, Event.Type.OK, "final-read", Map.of("entries", Map.of(X, "1", Y, "3", ListAppendWorkload.marker(1), X)), 2, "2:0:0", null);
        return h;
    }

    private static JsonNode exported(Path dir) throws Exception {
        Path out = dir.resolve("run.elle.json");
        ElleExport.write(run(), out);
        return Json.MAPPER.readTree(Files.readString(out)); // one JSON value, as elle-cli's read-str takes it
    }

    private static String mops(JsonNode op) {
        return op.get("value").toString();
    }

    @Test
    void everyOperationHasTheShapeElleCliReads(@TempDir Path dir) throws Exception {
        JsonNode ops = exported(dir);

        assertThat(ops.isArray()).isTrue();
        Map<Integer, String> lastType = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            JsonNode op = ops.get(i);
            assertThat(op.get("index").asInt()).isEqualTo(i);
            assertThat(op.get("f").asText()).isEqualTo("txn"); // elle-cli checks only :txn rows with list-append
            assertThat(op.get("type").asText()).isIn("invoke", "ok", "fail", "info");
            assertThat(op.get("process").isInt()).isTrue();
            assertThat(op.get("process").asInt()).isNotNegative();
            assertThat(op.get("time").isIntegralNumber()).isTrue();
            for (JsonNode m : op.get("value")) {
                assertThat(m.size()).isEqualTo(3);
                assertThat(m.get(0).asText()).isIn("r", "append");
                assertThat(m.get(1).isTextual()).isTrue();
                if (m.get(0).asText().equals("append")) {
                    assertThat(m.get(2).isIntegralNumber()).isTrue();
                } else {
                    boolean known = op.get("type").asText().equals("ok");
                    assertThat(m.get(2).isNull()).as("a read is known only in an ok: %s", op).isEqualTo(!known);
                }
            }
            // Each process alternates invoke and completion, as Jepsen's history pairing requires.
            String prev = lastType.put(op.get("process").asInt(), op.get("type").asText());
            assertThat(op.get("type").asText().equals("invoke")).as("op %s after %s", op, prev)
                    .isEqualTo(prev == null || !prev.equals("invoke"));
        }
        assertThat(lastType.values()).doesNotContain("invoke");
    }

    @Test
    void transactionsReadsAndOutcomesAreTranslatedOneForOne(@TempDir Path dir) throws Exception {
        JsonNode ops = exported(dir);

        assertThat(ops).hasSize(12); // setup, nemesis, writer and the refused commit are left out
        assertThat(ops.get(0).get("type").asText()).isEqualTo("invoke");
        assertThat(mops(ops.get(0))).isEqualTo("[[\"r\",\"list/00\",null],[\"append\",\"list/00\",1]]");
        assertThat(ops.get(1).get("type").asText()).isEqualTo("ok");
        assertThat(mops(ops.get(1))).isEqualTo("[[\"r\",\"list/00\",[]],[\"append\",\"list/00\",1]]");
        assertThat(ops.get(3).get("type").asText()).isEqualTo("fail");
        assertThat(ops.get(3).get("error").asText()).contains("ConditionFailed");
        assertThat(ops.get(5).get("type").asText()).isEqualTo("info");
        assertThat(mops(ops.get(5))).isEqualTo("[[\"r\",\"list/01\",null],[\"append\",\"list/01\",3]]");
        // a snapshot read reads every list; an absent one is empty
        assertThat(mops(ops.get(6))).isEqualTo("[[\"r\",\"list/00\",null],[\"r\",\"list/01\",null]]");
        assertThat(mops(ops.get(7))).isEqualTo("[[\"r\",\"list/00\",[1]],[\"r\",\"list/01\",[]]]");
        assertThat(mops(ops.get(10))).isEqualTo("[[\"r\",\"list/00\",[1]],[\"r\",\"list/01\",[3]]]");
        // the append the run never answered ends as info, after everything else
        assertThat(ops.get(11).get("type").asText()).isEqualTo("info");
        assertThat(ops.get(11).get("process").asInt()).isEqualTo(5);
        assertThat(Set.of(ops.get(8).get("process").asInt(), ops.get(9).get("process").asInt())).containsExactlyInAnyOrder(5, 6);
    }

    @Test
    void aBankHistoryIsRefusedByName() {
        History bank = new History(Map.of("workload", "bank", "seed", 1));

        assertThatThrownBy(() -> ElleExport.operations(bank)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only list-append").hasMessageContaining("bank");
    }
}
