package io.ledgerkv.cli;

import io.ledgerkv.api.DictionaryStatus;
import io.ledgerkv.api.LedgerKv;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dict", description = "Compression dictionaries (codec ZSTD_DICT).",
        subcommands = {DictCommand.Train.class, DictCommand.List.class})
final class DictCommand {

    static Map<String, Object> fields(DictionaryStatus d) {
        return OutputOptions.fields("id", d.id(), "bytes", d.bytes(), "samples", d.samples(), "sampleBytes", d.sampleBytes(),
                "ledger", d.ledgerId(), "createdAt", Instant.ofEpochMilli(d.createdAtMillis()).toString());
    }

    @Command(name = "train", description = {"Trains a Zstandard dictionary from a sample of the store's records and registers it.",
        "Writers opened with --codec ZSTD_DICT afterwards use it; open writers keep their codec until reopened."})
    static final class Train extends CliCommand implements Callable<Integer> {
        @Mixin
        ConnectionOptions conn;

        @Option(names = {"-s", "--store"}, required = true, description = "Store name")
        String store;

        @Option(names = "--dict-size", defaultValue = "16384", description = "Dictionary size in bytes (default: ${DEFAULT-VALUE})")
        int dictSize;

        @Option(names = "--sample-bytes", defaultValue = "1048576", description = "Bytes of records to sample (default: ${DEFAULT-VALUE})")
        int sampleBytes;

        @Mixin
        OutputOptions output = new OutputOptions();

        @Override
        public Integer call() {
            try (LedgerKv kv = LedgerKv.connect(conn.clientConfig())) {
                DictionaryStatus d = kv.trainDictionary(store, conn.storeConfig().dictSizeBytes(dictSize).dictSampleBytes(sampleBytes).build());
                output.one(out(), fields(d), () -> out().printf("dictionary %d: %d bytes, trained on %d samples (%d bytes), ledger %d%n",
                        d.id(), d.bytes(), d.samples(), d.sampleBytes(), d.ledgerId()));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the store's dictionaries.")
    static final class List extends CliCommand implements Callable<Integer> {
        @Mixin
        ConnectionOptions conn;

        @Option(names = {"-s", "--store"}, required = true, description = "Store name")
        String store;

        @Mixin
        OutputOptions output = new OutputOptions();

        @Override
        public Integer call() {
            try (LedgerKv kv = LedgerKv.connect(conn.clientConfig())) {
                OutputOptions.Rows rows = output.rows(out());
                for (DictionaryStatus d : kv.status(store).dictionaries()) {
                    rows.add(fields(d), () -> out().printf("%-4d %8d bytes  %7d samples  ledger %-6d  %s%n", d.id(), d.bytes(),
                            d.samples(), d.ledgerId(), Instant.ofEpochMilli(d.createdAtMillis())));
                }
                rows.end();
            }
            return 0;
        }
    }
}
