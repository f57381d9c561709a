package io.ledgerkv.cli;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.Lsn;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "put", description = {"Writes one key (creating the store if needed) and prints the commit's LSN.",
    "Note: writing makes this process the store's writer, which fences the current writer."})
final class PutCommand extends CliCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions conn;

    @ArgGroup(exclusive = false)
    ConnectionOptions.WriteOptions write = new ConnectionOptions.WriteOptions();

    @Option(names = {"-s", "--store"}, required = true, description = "Store name")
    String store;

    @Option(names = "--hex", description = "Key and value are hex")
    boolean hex;

    @Parameters(index = "0", description = "Key")
    String key;

    @Parameters(index = "1", description = "Value")
    String value;

    @Override
    public Integer call() {
        try (LedgerKv kv = LedgerKv.connect(conn.clientConfig());
             KvStore s = kv.open(store, write.apply(conn.storeConfig()).build())) {
            Lsn lsn = s.put(Text.parse(key, hex), Text.parse(value, hex));
            out().println(lsn);
        }
        return 0;
    }
}
