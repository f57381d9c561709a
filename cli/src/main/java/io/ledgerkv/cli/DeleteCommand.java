package io.ledgerkv.cli;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreNotFoundException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "del", description = {"Deletes one key and prints the commit's LSN.",
    "Writing makes this process the store's writer: while another process holds the store",
    "(a stream task), it refuses (exit 7) unless --fence is given, which fences that writer."})
final class DeleteCommand extends CliCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions conn;

    @Option(names = {"-s", "--store"}, required = true, description = "Store name")
    String store;

    @Option(names = "--fence", description = "Write even if another process is the store's writer, fencing it")
    boolean fence;

    @Option(names = "--hex", description = "Key is hex")
    boolean hex;

    @Parameters(index = "0", description = "Key")
    String key;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        try (LedgerKv kv = LedgerKv.connect(conn.clientConfig())) {
            if (!kv.exists(store)) {
                throw new StoreNotFoundException(conn.namespace(), store);
            }
            refuseLiveWriter(kv, store, fence);
            try (KvStore s = kv.open(store, conn.storeConfig().build())) {
                Lsn lsn = s.delete(Text.parse(key, hex));
                output.one(out(), OutputOptions.fields("store", store, "key", key, "lsn", lsn.toString()), () -> out().println(lsn));
            }
        }
        return 0;
    }
}
