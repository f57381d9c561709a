package io.ledgerkv.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void aMissingHistoryIsReportedInOneLine(@TempDir Path tmp) {
        String[] r = run("check", tmp.resolve("none.jsonl").toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].strip().lines()).hasSize(1);
        assertThat(r[2]).contains("none.jsonl").doesNotContain("\tat ");
    }
}
