package io.ledgerkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.cluster.MultiProcessCluster;
import io.ledgerkv.testing.Bytes;
import io.ledgerkv.testing.CliRun.Result;
import io.ledgerkv.testing.CliRun;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scripting commands against a real cluster, as a user would call them. */
class LedgerKvCliTest {
    private static LocalCluster cluster;
    @TempDir
    static Path tmp;
    private static Path password;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(3);
        password = Files.writeString(tmp.resolve("pw"), "cli-secret\n");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static Result run(String... args) {
        return CliRun.against(cluster.connectString(), password, args);
    }

    @Test
    void putGetScanDeleteAndStatus() {
        assertThat(run("put", "--store", "cli", "acct-1", "0.93").out()).isEqualTo("1:0:0\n");
        assertThat(run("put", "--store", "cli", "acct-2", "0.12").code()).isZero();
        assertThat(run("put", "--store", "cli", "--hex", "00ff", "0x0102").code()).isZero();
        assertThat(run("get", "--store", "cli", "acct-1").out()).isEqualTo("0.93\n");
        Result absent = run("get", "--store", "cli", "nope");
        assertThat(absent.code()).isEqualTo(3);
        assertThat(absent.err()).contains("key absent");
        assertThat(run("scan", "--store", "cli").out()).isEqualTo("0x00ff\t0x0102\nacct-1\t0.93\nacct-2\t0.12\n");
        assertThat(run("scan", "--store", "cli", "--from", "acct-2").out()).isEqualTo("acct-2\t0.12\n");
        assertThat(run("scan", "--store", "cli", "--limit", "1").out()).hasLineCount(1);
        assertThat(run("del", "--store", "cli", "acct-1").code()).isZero();
        assertThat(run("get", "--store", "cli", "acct-1").code()).isEqualTo(3);
        Result status = run("status", "--store", "cli");
        assertThat(status.code()).as("no writer holds the store after the CLI closed it").isEqualTo(4);
        assertThat(status.out()).contains("store default/cli", "ackQuorum=2", "2 keys", "CLOSED").doesNotContain("cli-secret");
        assertThat(run("status").out()).contains("cli");
        assertThat(run("status", "--store", "cli", "--json").out()).contains("\"availableBookies\"");
        // without --store, --json is an array of stores, not text
        String list = run("status", "--json").out();
        assertThat(list.strip()).startsWith("[").endsWith("]").contains("\"store\":\"cli\"", "\"problems\"");
    }

    /** Bad input gets its own exit code (ExitCodes): 1 for a refused setting, 3 for a missing store, 2 for usage. */
    @Test
    void badInputIsReportedWithItsExitCode() {
        Result r = run("put", "--store", "bad", "--ensemble-size", "3", "--ack-quorum", "4", "k", "v");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("invalid ackQuorum");
        Result missing = run("get", "--store", "missing-store", "k");
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err()).contains("store 'missing-store' does not exist");
        Result usage = LedgerKvCliTest.runRaw("put");
        assertThat(usage.code()).isEqualTo(2);
        Result noZk = runRaw("get", "--store", "x", "k");
        assertThat(noZk.err()).contains("--zk");
    }

    @Test
    void settingsFileGivesConnectionAndStoreSettingsAndFlagsOverrideIt() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("ledgerkv.yaml"), String.join("\n",
                "zk: " + cluster.connectString(),
                "namespace: from-file",
                "passwordFile: " + password,
                "connectTimeout: 5s",
                "codec: LZ4",
                "ackQuorum: 3",
                "maxBatchBytes: 65536"));
        // No --zk, --namespace or --password-file: all from the file; --ack-quorum overrides the file's 3.
        Result put = runRaw("put", "--config", yaml.toString(), "--store", "cfg", "--ack-quorum", "2", "k", "v");
        assertThat(put.code()).as(put.err()).isZero();
        Result status = runRaw("status", "--config", yaml.toString(), "--store", "cfg");
        assertThat(status.out()).contains("store from-file/cfg", "codec=LZ4", "ackQuorum=2");
        assertThat(runRaw("get", "--config", yaml.toString(), "--store", "cfg", "k").out()).isEqualTo("v\n");
        // The flag wins over the file for the namespace too.
        assertThat(runRaw("get", "--config", yaml.toString(), "--namespace", "default", "--store", "cfg", "k").err())
                .contains("store 'cfg' does not exist");

        Path props = Files.writeString(tmp.resolve("typo.properties"), "zk=" + cluster.connectString() + "\nnamepsace=x\n");
        Result typo = runRaw("status", "--config", props.toString());
        assertThat(typo.code()).isEqualTo(1);
        assertThat(typo.err()).contains("invalid namepsace", "unknown setting in " + props, "did you mean namespace?");
        Path secret = Files.writeString(tmp.resolve("secret.properties"), "zk=" + cluster.connectString() + "\nledgerPassword=hunter2\n");
        Result pw = runRaw("get", "--config", secret.toString(), "--store", "cfg", "k");
        assertThat(pw.code()).isEqualTo(1);
        assertThat(pw.err()).contains("never goes in a settings file").doesNotContain("hunter2");
        Path cluster = Files.writeString(tmp.resolve("cluster.yaml"), "bookis: 3\n");
        assertThat(runRaw("cluster", "--config", cluster.toString()).err()).contains("invalid bookis", "did you mean bookies?");
    }

    /**
     * The process cluster's flags: a wrong server JVM kind, one without --processes, or an embedded-only flag with it is a
     * usage error on the command's own error stream before anything starts.
     */
    @Test
    void serverJvmIsCheckedBeforeAnyServerStarts() {
        Result bogus = runRaw("cluster", "--processes", "--server-jvm", "turbo");
        assertThat(bogus.code()).isEqualTo(2);
        assertThat(bogus.err()).contains("'turbo' is not a server JVM kind: use performance or fast-start");
        Result embedded = runRaw("cluster", "--server-jvm", "fast-start");
        assertThat(embedded.code()).isEqualTo(2);
        assertThat(embedded.err()).contains("--server-jvm needs --processes");
        assertThat(embedded.out()).doesNotContain("are up");
        Result tls = runRaw("cluster", "--processes", "--tls");
        assertThat(tls.code()).isEqualTo(2);
        assertThat(tls.err()).contains("--processes does not take --tls or --zk-port");
    }

    /** Flags are the settings' keys in kebab case (issue 23, item 6); --ensemble is still read, as --ensemble-size. */
    @Test
    void flagsAreTheSettingsKeysAndTheOldNameStillWorks() {
        Result old = run("put", "--store", "alias", "--ensemble", "2", "--write-quorum", "3", "k", "v");
        assertThat(old.code()).isEqualTo(1);
        assertThat(old.err()).as("--ensemble set ensembleSize").contains("invalid writeQuorum", "ensembleSize=2");
        Result both = run("put", "--store", "alias", "--ensemble", "3", "--ensemble-size", "3", "k", "v");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--ensemble and --ensemble-size are the same setting");
        assertThat(runRaw("put", "--help").out()).contains("--ensemble-size", "--write-quorum", "--ack-quorum", "--codec-level")
                .doesNotContain("--ensemble=", "--ensemble,");
        Result badTimeout = run("status", "--session-timeout", "soon");
        assertThat(badTimeout.code()).isEqualTo(2);
        assertThat(badTimeout.err()).contains("--session-timeout", "soon");
        Result badRoot = run("status", "--ledgers-root-path", "no-slash");
        assertThat(badRoot.code()).isEqualTo(1);
        assertThat(badRoot.err()).contains("invalid ledgersRootPath", "no-slash");
        Result timeouts = run("put", "--store", "timeouts", "--session-timeout=4s", "--operation-timeout=20s", "--ledgers-root-path=/ledgers",
                "k", "v");
        assertThat(timeouts.code()).as(timeouts.err()).isZero();
    }

    /**
     * The CLI looks in namespace default, a Samza job writes to namespace samza: a store (or an
     * empty namespace) the CLI cannot find comes with where the stores are and the flag to use.
     */
    @Test
    void aStoreInAnotherNamespaceIsPointedTo() {
        assertThat(run("put", "-n", "samza", "--store", "job-1-scores-Partition_0", "k", "v").code()).isZero();
        Result exact = run("get", "--store", "job-1-scores-Partition_0", "k");
        assertThat(exact.code()).isEqualTo(3);
        assertThat(exact.err()).contains("does not exist in namespace 'default'", "is in namespace 'samza': add -n samza");
        Result status = run("status", "--store", "job-1-scores-Partition_0");
        assertThat(status.code()).isEqualTo(3);
        assertThat(status.err()).contains("add -n samza");
        Result like = run("scan", "--store", "scores");
        assertThat(like.err()).contains("namespace 'samza' has stores named like it (job-1-scores-Partition_0)", "add -n samza");
        Result nowhere = run("get", "--store", "nowhere-at-all", "k");
        assertThat(nowhere.err()).contains("does not exist").doesNotContain("add -n");
        Result empty = run("status", "-n", "nobody-here");
        assertThat(empty.code()).isZero();
        assertThat(empty.out()).contains("no stores in namespace 'nobody-here'", "samza (1 store)", "add -n",
                "Samza jobs use namespace samza");
        Result emptyJson = run("status", "-n", "nobody-here", "--json");
        assertThat(emptyJson.out().replace(" ", "").strip()).as("still a JSON array, empty").isEqualTo("[]");
        assertThat(emptyJson.err()).contains("no stores in namespace 'nobody-here'");
        assertThat(run("get", "-n", "samza", "--store", "job-1-scores-Partition_0", "k").out()).isEqualTo("v\n");
    }

    /** Values a command line cannot carry: from a file or from standard input (issue 19). */
    @Test
    void putTakesTheValueFromAFileOrStandardInput() throws Exception {
        byte[] big = new byte[300 * 1024]; // over the 128 KiB a shell passes as one argument
        new Random(7).nextBytes(big);
        Path file = Files.write(tmp.resolve("big.bin"), big);
        assertThat(run("put", "--store", "files", "--value-file", file.toString(), "big").code()).isZero();
        InputStream before = System.in;
        try {
            System.setIn(new ByteArrayInputStream("from stdin".getBytes(StandardCharsets.UTF_8)));
            assertThat(run("put", "--store", "files", "piped", "-").code()).isZero();
        } finally {
            System.setIn(before);
        }
        try (LedgerKv kv = LedgerKv.connect(cluster.clientConfig().build());
             KvStore s = kv.openReadOnly("files", StoreConfig.builder().ledgerPassword("cli-secret").build())) {
            assertThat(s.get(Bytes.b("big"))).isEqualTo(big);
            assertThat(s.get(Bytes.b("piped"))).isEqualTo(Bytes.b("from stdin"));
        }
        Result both = run("put", "--store", "files", "--value-file", file.toString(), "k", "v");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("not both");
        Result missing = run("put", "--store", "files", "--value-file", tmp.resolve("nope").toString(), "k");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
    }

    /**
     * As a user runs it, in its own JVM: a refused command prints one line, not BookKeeper's and
     * ZooKeeper's log lines before it (issue 19), and nothing is deleted.
     */
    @Test
    void aRefusedCommandPrintsOneLineWithoutLibraryLogs() throws Exception {
        assertThat(run("put", "--store", "guarded", "k", "v").code()).isZero();
        Path wrong = Files.writeString(tmp.resolve("wrong-pw"), "not-the-secret\n");
        List<String> cmd = new ArrayList<>(MultiProcessCluster.childJava());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.ledgerkv.cli.LedgerKvCli", "drop", "--yes",
                "--store", "guarded", "--zk=" + cluster.connectString(), "--password-file=" + wrong, "--connect-timeout=5s"));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("access denied: " + err).isEqualTo(6);
        assertThat(out).isEmpty();
        assertThat(err.strip().lines().toList()).as(err).hasSize(1);
        assertThat(err).contains("ledgerkv drop:", "ledger password", "the store was not deleted");
        assertThat(run("get", "--store", "guarded", "k").out()).isEqualTo("v\n");
    }

    /**
     * put and del refuse to fence a live writer (a stream task) unless --fence is given; the
     * refusal writes nothing and exits 7. Once the writer is gone, or with --fence, they write.
     */
    @Test
    void writesRefuseToFenceALiveWriterUnlessAskedTo() {
        assertThat(run("put", "--store", "owned", "k", "v0").code()).isZero();
        StoreConfig cfg = StoreConfig.builder().ledgerPassword("cli-secret").build();
        try (LedgerKv kv = LedgerKv.connect(cluster.clientConfig().build());
             KvStore task = kv.open("owned", cfg)) {
            task.put(Bytes.b("k"), Bytes.b("from-task"));
            Result put = run("put", "--store", "owned", "k", "v1");
            assertThat(put.code()).as(put.err()).isEqualTo(7);
            assertThat(put.err()).contains("has a live writer", "pid", "Nothing was written", "--fence");
            Result del = run("del", "--store", "owned", "k");
            assertThat(del.code()).isEqualTo(7);
            // the task is still the writer: its next commit goes through
            task.put(Bytes.b("k2"), Bytes.b("still-writing"));
            assertThat(run("get", "--store", "owned", "k").out()).isEqualTo("from-task\n");

            Result fenced = run("put", "--store", "owned", "--fence", "k", "v2");
            assertThat(fenced.code()).as(fenced.err()).isZero();
            Assertions.assertThatThrownBy(() -> task.put(Bytes.b("k3"),
                    Bytes.b("too-late"))).isInstanceOf(StoreFencedException.class);
        }
        assertThat(run("get", "--store", "owned", "k").out()).isEqualTo("v2\n");
        assertThat(run("del", "--store", "owned", "k").code()).as("no live writer any more").isZero();
    }

    /** Every command takes --help, and its help lists the exit codes. */
    @Test
    void everyCommandsHelpListsTheExitCodes() {
        for (String cmd : List.of("put", "get", "del", "scan", "status", "drop", "backup", "restore", "cluster")) {
            Result help = runRaw(cmd, "--help");
            assertThat(help.out()).as(cmd).contains("Exit codes:", "2 ", "3 ", "5 ");
        }
        assertThat(runRaw("put", "--help").out()).contains("7 ", "--fence");
        assertThat(runRaw("--help").out()).contains("./ledgerkv fault", "./ledgerkv bench", "LEDGERKV_ZK", "LEDGERKV_PASSWORD", "wal",
                "completion");
    }

    /** scan takes a prefix, descending order and a limit (a negative one is a usage error); get and scan read at an LSN. */
    @Test
    void scansByPrefixInReverseAndReadsAtAnLsn() {
        String first = run("put", "--store", "scans", "acct-1", "0.93").out().strip();
        run("put", "--store", "scans", "acct-2", "0.12");
        run("put", "--store", "scans", "bcct-9", "x");
        assertThat(run("put", "--store", "scans", "acct-1", "0.50").code()).isZero();

        assertThat(run("scan", "--store", "scans", "--prefix", "acct-").out()).isEqualTo("acct-1\t0.50\nacct-2\t0.12\n");
        assertThat(run("scan", "--store", "scans", "--reverse", "--limit", "2").out()).isEqualTo("bcct-9\tx\nacct-2\t0.12\n");
        assertThat(run("scan", "--store", "scans", "--limit", "0").out()).isEmpty();
        Result negative = run("scan", "--store", "scans", "--limit", "-1");
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("--limit must be 0 or more");
        assertThat(run("scan", "--store", "scans", "--prefix", "a", "--from", "a").code()).isEqualTo(2);

        // right after the first transaction: the old value, and only the key written so far
        assertThat(run("get", "--store", "scans", "--lsn", first, "acct-1").out()).isEqualTo("0.93\n");
        assertThat(run("scan", "--store", "scans", "--lsn", first).out()).isEqualTo("acct-1\t0.93\n");
        assertThat(run("get", "--store", "scans", "acct-1").out()).isEqualTo("0.50\n");
        assertThat(run("get", "--store", "scans", "--lsn", first, "--checkpoint", "1", "acct-1").code()).as("one or the other").isEqualTo(2);
    }

    /** A completion script for bash (and zsh through bashcompinit) that knows the subcommands and their options. */
    @Test
    void completionScriptIsGenerated() {
        Result bash = runRaw("completion", "bash");
        assertThat(bash.code()).isZero();
        assertThat(bash.out()).contains("complete -F", "ledgerkv", "status", "--fence");
        assertThat(runRaw("completion", "fish").code()).isEqualTo(2);
    }

    private static Result runRaw(String... args) {
        return CliRun.run(args);
    }
}
