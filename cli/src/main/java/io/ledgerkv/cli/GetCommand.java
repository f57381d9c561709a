package io.ledgerkv.cli;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = {"Prints one key's value (read-only open: does not fence the writer).",
    "Exit code 3 if the key is absent."})
final class GetCommand extends CliCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions conn;

    @Option(names = {"-s", "--store"}, required = true, description = "Store name")
    String store;

    @Option(names = "--hex", description = "Key is hex; print the value as hex")
    boolean hex;

    @Parameters(index = "0", description = "Key")
    String key;

    @Mixin
    AsOfOptions at = new AsOfOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        try (LedgerKv kv = LedgerKv.connect(conn.clientConfig());
             KvStore s = kv.openReadOnly(store, conn.storeConfig().build(), at.asOf())) {
            byte[] k = Text.parse(key, hex);
            byte[] v = s.get(k);
            if (v == null) {
                err().println("ledgerkv get: key absent");
            }
            if (v != null || !output.text()) {
                output.one(out(), OutputOptions.fields("key", Text.show(k, hex), "found", v != null, "value", v == null ? null
                        : Text.show(v, hex)), () -> out().println(Text.show(v, hex)));
            }
            return v == null ? ExitCodes.NOT_FOUND : ExitCodes.OK;
        }
    }
}
