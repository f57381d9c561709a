package io.ledgerkv.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ledgerkv fault check} on bad input: one line that says what is wrong, exit 2, no stack trace. */
class FaultCliTest {

    private static String[] run(String... args) {
        CommandLine cl = FaultCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void aMalformedHistoryIsReportedInOneLine(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"meta\": {}}\nnot json\n");
        String[] r = run("check", bad.toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].strip()).startsWith("ledgerkv fault check: history " + bad + " line 2 is not an event")
                .doesNotContain("\tat ").doesNotContain("Exception in");
        assertThat(r[2].strip().lines()).hasSize(1);
    }

    @Test
    void aHistoryNamedGzThatIsNotGzipIsReportedInOneLine(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("plain.history.jsonl.gz"), "{\"meta\": {}}\n");
        String[] r = run("check", bad.toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].strip().lines()).hasSize(1);
        assertThat(r[2]).contains("plain.history.jsonl.gz").doesNotContain("\tat ");
    }

    @Test
    void aMissingHistoryIsReportedInOneLine(@TempDir Path tmp) {
        String[] r = run("check", tmp.resolve("none.jsonl").toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].strip().lines()).hasSize(1);
        assertThat(r[2]).contains("none.jsonl").doesNotContain("\tat ");
    }

    @Test
    void exportWritesTheElleFormNextToTheHistory(@TempDir Path tmp) throws Exception {
        History h = new History(Map.of("workload", "list-append"));
        h.add(1, Event.Type.INVOKE, "read", Map.of(), 1, null, null);
        h.add(1, Event.Type.OK, "read", Map.of("entries", Map.of("list/00", "4,2")), 1, "1:0:0",
                null);
        Path file = tmp.resolve("run-001-list-append-seed7.history.jsonl.gz"); // as `fault run` keeps every run's history
        h.save(file);

        String[] r = run("export", "--elle", file.toString());

        assertThat(r[0]).isEqualTo("0");
        Path out = tmp.resolve("run-001-list-append-seed7.elle.json");
        assertThat(r[1]).contains("wrote 2 operations to " + out);
        assertThat(Files.readString(out)).startsWith("[{\"index\":0,\"type\":\"invoke\",\"f\":\"txn\",\"process\":1,")
                .contains("\"value\":[[\"r\",\"list/00\",[4,2]]]");
    }

    @Test
    void exportWithoutAFormOrOfABankHistoryIsRefusedInOneLine(@TempDir Path tmp) {
        History h = new History(Map.of("workload", "bank"));
        Path file = tmp.resolve("bank.history.jsonl");
        h.save(file);

        assertThat(run("export", file.toString())[2]).contains("--elle");
        String[] r = run("export", "--elle", file.toString(), "--out", tmp.resolve("x.json").toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].strip().lines()).hasSize(1);
        assertThat(r[2]).contains("only list-append").doesNotContain("\tat ");
    }
}
