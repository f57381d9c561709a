package io.ledgerkv.cli;

import io.ledgerkv.api.LedgerKv;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "drop", description = "Deletes a store: fences its writer, deletes its ledgers and znodes. Irreversible.")
final class DropCommand extends CliCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions conn;

    @Option(names = {"-s", "--store"}, required = true, description = "Store name")
    String store;

    @Option(names = "--yes", required = true, description = "Confirms the deletion")
    boolean yes;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        try (LedgerKv kv = LedgerKv.connect(conn.clientConfig())) {
            kv.deleteStore(store, conn.storeConfig().build());
            output.one(out(), OutputOptions.fields("namespace", conn.namespace(), "store", store, "deleted", true),
                    () -> out().printf("deleted %s/%s%n", conn.namespace(), store));
        }
        return 0;
    }
}
