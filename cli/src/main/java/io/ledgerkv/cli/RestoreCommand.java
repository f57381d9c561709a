package io.ledgerkv.cli;

import io.ledgerkv.api.BackupSummary;
import io.ledgerkv.api.LedgerKv;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", description = {"Imports a backup file as a store, on any cluster, under any name.",
    "Every checksum is verified before anything is written; a failed restore leaves no store behind."})
final class RestoreCommand extends CliCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions conn;

    @ArgGroup(exclusive = false)
    ConnectionOptions.WriteOptions write = new ConnectionOptions.WriteOptions();

    @Option(names = "--from", required = true, description = "Backup file")
    Path from;

    @Option(names = {"-s", "--store"}, required = true, description = "Name of the store to create")
    String store;

    @Option(names = "--force", description = "Replace an existing store of that name (it is deleted once the file verified)")
    boolean force;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = {"-q", "--quiet"}, description = "No progress bar")
    boolean quiet;

    @Override
    public Integer call() {
        BackupSummary s;
        try (LedgerKv kv = LedgerKv.connect(conn.clientConfig()); ProgressDisplay p = new ProgressDisplay(quiet)) {
            s = kv.restore(from, store, conn.storeConfig().build(), force, p);
        }
        output.one(out(), OutputOptions.fields("namespace", conn.namespace(), "store", store, "lsn", s.lsn(), "txnSeq", s.txnSeq(),
                "keyCount", s.keyCount(), "chunks", s.chunks(), "fileBytes", s.fileBytes(), "from", from.toString()), () -> out().printf("restored %s/%s from %s: %,d keys at LSN %s%n",
                conn.namespace(), store, from, s.keyCount(), s.lsn()));
        return 0;
    }
}
