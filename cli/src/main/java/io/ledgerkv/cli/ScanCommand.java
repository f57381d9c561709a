package io.ledgerkv.cli;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvIterators;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "scan", description = "Prints entries in key order, tab-separated (read-only open: does not fence the writer).")
final class ScanCommand extends CliCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions conn;

    @Option(names = {"-s", "--store"}, required = true, description = "Store name")
    String store;

    @Option(names = "--from", description = "First key (inclusive)")
    String from;

    @Option(names = "--to", description = "Last key (exclusive)")
    String to;

    @Option(names = "--prefix", description = "Only keys that start with this (not with --from/--to)")
    String prefix;

    @Option(names = "--reverse", description = "Descending key order")
    boolean reverse;

    @Option(names = "--limit", description = "Most entries to print, 0 or more (default: all)")
    Long limit;

    @Option(names = "--hex", description = "Bounds are hex; print keys and values as hex")
    boolean hex;

    @Mixin
    AsOfOptions at = new AsOfOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        if (limit != null && limit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 0 or more, got " + limit);
        }
        if (prefix != null && (from != null || to != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--prefix does not go with --from or --to");
        }
        byte[] lo = from == null ? null : Text.parse(from, hex);
        byte[] hi = to == null ? null : Text.parse(to, hex);
        if (prefix != null) {
            byte[] p = Text.parse(prefix, hex);
            lo = KvIterators.checkPrefix(p);
            hi = KvIterators.prefixEnd(p);
        }
        try (LedgerKv kv = LedgerKv.connect(conn.clientConfig());
             KvStore s = kv.openReadOnly(store, conn.storeConfig().build(), at.asOf());
             KvIterator it = reverse ? s.reverseRange(lo, hi) : s.range(lo, hi)) {
            OutputOptions.Rows rows = output.rows(out());
            long n = 0;
            while (it.hasNext() && (limit == null || n < limit)) {
                KvEntry e = it.next();
                String k = Text.show(e.key(), hex);
                String v = Text.show(e.value(), hex);
                rows.add(OutputOptions.fields("key", k, "value", v), () -> out().println(k + "\t" + v));
                n++;
            }
            rows.end();
        }
        return 0;
    }
}
