package io.ledgerkv.cli;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import java.util.concurrent.Callable;
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

    @Option(names = "--limit", defaultValue = "-1", description = "Most entries to print (default: all)")
    long limit;

    @Option(names = "--hex", description = "Bounds are hex; print keys and values as hex")
    boolean hex;

    @Override
    public Integer call() {
        if (limit < -1) {
            throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
        }
        try (LedgerKv kv = LedgerKv.connect(conn.clientConfig());
             KvStore s = kv.openReadOnly(store, conn.storeConfig().build())) {
            try (KvIterator it = s.range(from == null ? null : Text.parse(from, hex), to == null ? null : Text.parse(to, hex))) {
                long n = 0;
                while (it.hasNext() && (limit < 0 || n < limit)) {
                    KvEntry e = it.next();
                    out().println(Text.show(e.key(), hex) + "\t" + Text.show(e.value(), hex));
                    n++;
                }
            }
        }
        return 0;
    }
}
