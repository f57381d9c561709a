package io.ledgerkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.ledgerkv.meta.Json;
import io.ledgerkv.testing.CliRun;
import io.ledgerkv.testing.CliRun.Result;
import io.ledgerkv.testing.ClusterExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code -o json|table|text}: every command that prints results takes it, JSON carries the field
 * names docs/cli-output.md lists, tables have a header row, and text stays what it was.
 */
class CliOutputTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);
    @TempDir
    static Path tmp;
    private static Path password;

    @BeforeAll
    static void password() throws IOException {
        password = Files.writeString(tmp.resolve("pw"), "out-secret\n");
    }

    private static Result run(String... args) {
        return CliRun.against(CLUSTER.connectString(), password, args);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Result r) throws Exception {
        assertThat(r.out()).as("standard output; standard error: %s", r.err()).isNotBlank();
        return Json.MAPPER.readValue(r.out(), Map.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> array(Result r) throws Exception {
        assertThat(r.out()).as("standard output; standard error: %s", r.err()).isNotBlank();
        return Json.MAPPER.readValue(r.out(), List.class);
    }

    /** The commands whose output is a shell script or help text; every other one takes -o. */
    private static final List<String> NO_OUTPUT_FORMAT = List.of("completion", "help");

    @Test
    void everyCommandThatPrintsResultsTakesOutputFormat() {
        CommandLine root = new CommandLine(new LedgerKvCli());
        int checked = check(root);
        assertThat(checked).as("commands with -o").isGreaterThanOrEqualTo(14);
    }

    private static int check(CommandLine cl) {
        int n = 0;
        for (var e : cl.getSubcommands().entrySet()) {
            CommandLine sub = e.getValue();
            if (!sub.getSubcommands().isEmpty()) {
                n += check(sub);
                continue;
            }
            if (NO_OUTPUT_FORMAT.contains(e.getKey())) {
                assertThat(sub.getCommandSpec().findOption("-o")).as(e.getKey()).isNull();
                continue;
            }
            assertThat(sub.getCommandSpec().findOption("-o")).as(sub.getCommandSpec().qualifiedName() + " takes -o").isNotNull();
            assertThat(sub.getCommandSpec().findOption("--output")).isNotNull();
            n++;
        }
        return n;
    }

    @Test
    void jsonHasTheDocumentedFieldsAndTablesAHeader() throws Exception {
        Map<String, Object> put = object(run("put", "--store", "out", "-o", "json", "acct-1", "0.93"));
        assertThat(put).containsOnlyKeys("store", "key", "lsn").containsEntry("store", "out").containsEntry("key", "acct-1")
                .containsEntry("lsn", "1:0:0");
        assertThat(run("put", "--store", "out", "acct-2", "0.12").out()).as("text stays as it was (each put is a new writer)")
                .isEqualTo("2:0:0\n");

        assertThat(object(run("get", "--store", "out", "-o", "json", "acct-1")))
                .containsOnly(entry("key", "acct-1"), entry("found", true), entry("value", "0.93"));
        Result absent = run("get", "--store", "out", "--output=JSON", "nope");
        assertThat(absent.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(object(absent)).containsEntry("found", false).containsEntry("value", null);

        assertThat(array(run("scan", "--store", "out", "-o", "json"))).containsExactly(Map.of("key", "acct-1", "value", "0.93"),
                Map.of("key", "acct-2", "value", "0.12"));
        assertThat(run("scan", "--store", "out", "--prefix", "zzz", "-o", "json").out().strip()).isEqualTo("[]");
        assertThat(run("scan", "--store", "out", "-o", "table").out()).isEqualTo("KEY     VALUE\nacct-1  0.93\nacct-2  0.12\n");

        Map<String, Object> del = object(run("del", "--store", "out", "-o", "json", "acct-2"));
        assertThat(del).containsOnlyKeys("store", "key", "lsn");

        List<Map<String, Object>> stores = array(run("status", "-o", "json"));
        assertThat(stores).singleElement().satisfies(s -> assertThat(s).containsOnlyKeys("store", "epoch", "keyCount", "ledgers",
                "lastLsn", "owner", "healthy", "problems").containsEntry("store", "out").containsEntry("keyCount", 1)
                .containsEntry("healthy", false));
        Result one = run("status", "--store", "out", "-o", "table");
        assertThat(one.code()).as("no writer holds it").isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(one.out().lines().toList()).hasSize(2).first().asString().startsWith("STORE").contains("KEYCOUNT", "PROBLEMS");
        assertThat(object(run("status", "--store", "out", "-o", "json"))).containsKeys("namespace", "store", "epoch", "owner",
                "ledgers", "availableBookies", "problems");
        assertThat(array(run("dict", "list", "--store", "out", "-o", "json"))).isEmpty();

        Path file = tmp.resolve("out.lkvbak");
        Map<String, Object> backup = object(run("backup", "--store", "out", "--to", file.toString(), "-o", "json"));
        assertThat(backup).containsOnlyKeys("namespace", "store", "lsn", "txnSeq", "keyCount", "chunks", "fileBytes", "file")
                .containsEntry("keyCount", 1);
        Map<String, Object> restore = object(run("restore", "--from", file.toString(), "--store", "out-copy", "-o", "json"));
        assertThat(restore).containsEntry("store", "out-copy").containsEntry("keyCount", 1).containsKey("from");
        assertThat(object(run("drop", "--store", "out-copy", "--yes", "-o", "json"))).containsEntry("deleted", true);

        Path keys = tmp.resolve("keys");
        Map<String, Object> keygen = object(CliRun.run("keygen", "--key-file", keys.toString(), "-o", "json"));
        assertThat(keygen).containsOnlyKeys("file", "action", "activeKeyId", "keyBits", "keyIds").containsEntry("action", "created");
        assertThat(CliRun.run("keygen", "--key-file", keys.toString(), "-o", "table").out()).startsWith("FILE").contains("rotated");

        Result bad = run("scan", "--store", "out", "-o", "yaml");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("yaml", "TEXT", "JSON", "TABLE");
    }

    @Test
    void theDemoPrintsItsVerdictAsJsonAndItsNarrativeOnStandardError() throws Exception {
        Result demo = CliRun.run("demo", "--transactions", "200", "-o", "json");
        assertThat(demo.code()).as(demo.err()).isZero();
        Map<String, Object> verdict = object(demo);
        assertThat(verdict).containsOnlyKeys("ok", "seconds", "verified", "failed").containsEntry("ok", true)
                .containsEntry("failed", List.of());
        assertThat(demo.err()).contains("[1/9]");
    }
}
