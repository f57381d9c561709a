package io.ledgerkv.cli;

import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.StoreStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = {"Prints a store's metadata from ZooKeeper: settings, writer epoch and owner,",
    "stats, and every ledger with its ensembles and which of their bookies are up.",
    "Without --store, lists the namespace's stores (or, if it has none, the namespaces that have some).",
    "Never prints secrets.",
    "Exit code 4 when a store cannot take writes safely (no writer holds it, fewer writable bookies",
    "than the ack quorum or the ensemble size, under-replicated ledgers); the reasons are printed."},
        exitCodeListHeading = "Exit codes:%n", exitCodeList = {"0:every store shown is healthy", "1:the command failed",
            "2:usage error", "3:no such store", "4:a store shown is unhealthy (reasons printed)",
            "5:ZooKeeper or the bookies could not be reached", "6:access denied (ZooKeeper identity)"})
final class StatusCommand extends CliCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions conn;

    @Option(names = {"-s", "--store"}, description = "Store name (default: list all stores)")
    String store;

    @Mixin
    OutputOptions output = new OutputOptions();

    /** Exit code of {@code status} when a store shown cannot take writes safely. */
    static final int UNHEALTHY = ExitCodes.UNHEALTHY;

    @Override
    public Integer call() throws Exception {
        try (LedgerKv kv = LedgerKv.connect(conn.clientConfig())) {
            if (store == null) {
                boolean healthy = true;
                List<String> stores = kv.listStores();
                if (stores.isEmpty()) {
                    // Not an error, but a user of the default namespace may be looking for a Samza job's stores.
                    (output.text() ? out() : err()).println(OtherNamespaces.forEmptyNamespace(kv.storesByNamespace(), conn.namespace()));
                }
                OutputOptions.Rows rows = output.rows(out());
                for (String s : stores) {
                    StoreStatus st = kv.status(s);
                    healthy &= st.problems().isEmpty();
                    rows.add(summary(st), () -> out().printf(Locale.ROOT, "%-32s epoch %-4d %,12d keys  %3d ledgers  last LSN %-12s %s%n",
                            s, st.epoch(), st.stats().keyCount(), st.ledgers().size(), st.stats().lastLsn(),
                            st.problems().isEmpty() ? "OK" : "UNHEALTHY: " + String.join("; ", st.problems())));
                }
                rows.end();
                return healthy ? 0 : UNHEALTHY;
            }
            StoreStatus st = kv.status(store);
            switch (output.format) {
                case JSON -> out().println(OutputOptions.json(st, true));
                case TABLE -> output.one(out(), summary(st), null);
                case TEXT -> print(st, out());
            }
            return st.problems().isEmpty() ? 0 : UNHEALTHY;
        }
    }

    /** One store in a line: the fields of {@code status} without {@code --store} (docs/cli-output.md). */
    static Map<String, Object> summary(StoreStatus st) {
        return OutputOptions.fields("store", st.store(), "epoch", st.epoch(), "keyCount", st.stats().keyCount(), "ledgers",
                st.ledgers().size(), "lastLsn", String.valueOf(st.stats().lastLsn()), "owner", st.owner(), "healthy",
                st.problems().isEmpty(), "problems", st.problems());
    }

    static void print(StoreStatus st, PrintWriter out) {
        out.printf("store %s/%s%n", st.namespace(), st.store());
        List<String> problems = st.problems();
        out.printf("  health    %s%n", problems.isEmpty() ? "OK" : "UNHEALTHY (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + ")");
        for (String p : problems) {
            out.printf("            - %s%n", p);
        }
        var m = st.meta();
        out.printf("  settings  ensemble=%s writeQuorum=%s ackQuorum=%s digest=%s codec=%s%n", m.get("ensembleSize"),
                m.get("writeQuorum"), m.get("ackQuorum"), m.get("digestType"), m.get("codec"));
        out.printf("  writer    epoch %d, %s%n", st.epoch(), st.owner() == null ? "no owner (no writer holds the store)" : "owner " + st.owner());
        StoreStatus.Stats s = st.stats();
        out.printf(Locale.ROOT, "  stats     %,d keys, last LSN %s (txn %d), published %s%n",
                s.keyCount(), s.lastLsn(), s.lastTxnSeq(),
                s.updatedAtMillis() == 0 ? "never" : Instant.ofEpochMilli(s.updatedAtMillis()).toString());
        out.printf(Locale.ROOT, "  WAL       %s logical / %s stored (compression ratio %.2f)%n", bytes(s.logicalBytes()),
                bytes(s.storedBytes()), s.compressionRatio());
        if (!st.dictionaries().isEmpty()) {
            var d = st.dictionaries().get(st.dictionaries().size() - 1);
            out.printf("  dicts     %d dictionaries; newest: id %d, %d bytes, %d samples%n", st.dictionaries().size(), d.id(),
                    d.bytes(), d.samples());
        }
        out.printf("  bookies   %d available %s, %d read-only %s%n", st.availableBookies().size(), st.availableBookies(),
                st.readOnlyBookies().size(), st.readOnlyBookies());
        out.printf("  ckpts     %s%n", st.checkpoints().isEmpty() ? "none" : st.checkpoints().stream()
                .map(c -> "#" + c.id() + " at " + c.lsn() + " (" + c.keyCount() + " keys, " + bytes(c.storedBytes()) + ")")
                .collect(Collectors.joining(", ")));
        out.printf("  ledgers   %-5s %-8s %-6s %-8s %-10s %-10s %s%n", "seq", "ledger", "epoch", "state", "lastEntry", "bytes",
                "ensembles (first entry: bookies; bookies down marked !)");
        for (StoreStatus.LedgerStatus l : st.ledgers()) {
            StringBuilder ens = new StringBuilder();
            for (StoreStatus.Fragment f : l.fragments()) {
                if (ens.length() > 0) {
                    ens.append("  ");
                }
                ens.append(f.firstEntryId()).append(": ");
                for (int i = 0; i < f.ensemble().size(); i++) {
                    String b = f.ensemble().get(i);
                    ens.append(i == 0 ? "" : ",").append(b).append(f.down().contains(b) ? "!" : "");
                }
            }
            out.printf("            %-5d %-8d %-6d %-8s %-10s %-10s %s%n", l.seq(), l.ledgerId(), l.epoch(), l.state(),
                    l.lastEntryId() < 0 && l.state().startsWith("OPEN") ? "-" : Long.toString(l.lastEntryId()),
                    l.lengthBytes() < 0 ? "-" : bytes(l.lengthBytes()), ens);
        }
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
    }
}
