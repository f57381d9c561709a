package io.ledgerkv.cli;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.BackupSummary;
import io.ledgerkv.api.LedgerKv;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", description = {"Exports one consistent state of a store to a portable file (read-only: does not fence the writer).",
    "The file is checksummed per chunk and written under a temporary name until complete."})
final class BackupCommand extends CliCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions conn;

    @Option(names = {"-s", "--store"}, required = true, description = "Store name")
    String store;

    @Option(names = "--to", required = true, description = "Backup file to write")
    Path to;

    @Mixin
    AsOfOptions at = new AsOfOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = {"-q", "--quiet"}, description = "No progress bar")
    boolean quiet;

    @Override
    public Integer call() {
        AsOf asOf = at.asOf();
        BackupSummary s;
        try (LedgerKv kv = LedgerKv.connect(conn.clientConfig()); ProgressDisplay p = new ProgressDisplay(quiet)) {
            s = kv.backup(store, conn.storeConfig().build(), asOf, to, p);
        }
        output.one(out(), OutputOptions.fields("namespace", conn.namespace(), "store", store, "lsn", s.lsn(), "txnSeq", s.txnSeq(),
                "keyCount", s.keyCount(), "chunks", s.chunks(), "fileBytes", s.fileBytes(), "file", s.file().toString()), () -> out().printf("backed up %s/%s at LSN %s: %,d keys in %d chunks, %,d bytes -> %s%n",
                conn.namespace(), store, s.lsn(), s.keyCount(), s.chunks(), s.fileBytes(), s.file()));
        return 0;
    }
}
