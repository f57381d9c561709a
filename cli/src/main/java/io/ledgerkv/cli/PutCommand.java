package io.ledgerkv.cli;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.Lsn;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "put", description = {"Writes one key (creating the store if needed) and prints the commit's LSN.",
    "Writing makes this process the store's writer: while another process holds the store",
    "(a stream task), it refuses (exit 7) unless --fence is given, which fences that writer."})
final class PutCommand extends CliCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions conn;

    @ArgGroup(exclusive = false)
    ConnectionOptions.WriteOptions write = new ConnectionOptions.WriteOptions();

    @Option(names = {"-s", "--store"}, required = true, description = "Store name")
    String store;

    @Option(names = "--fence", description = "Write even if another process is the store's writer, fencing it")
    boolean fence;

    @Option(names = "--hex", description = "Key and value are hex")
    boolean hex;

    @Parameters(index = "0", description = "Key")
    String key;

    @Parameters(index = "1", arity = "0..1", description = "Value; '-' reads it from standard input (bytes as they are)")
    String value;

    @Option(names = "--value-file", paramLabel = "FILE", description = "Read the value from FILE (bytes as they are; for values"
            + " larger than a command line can carry)")
    Path valueFile;

    @Mixin
    OutputOptions output = new OutputOptions();

    /** Standard input for '-' (tests replace it). */
    InputStream stdin = System.in;

    @Override
    public Integer call() throws IOException {
        byte[] v = value();
        try (LedgerKv kv = LedgerKv.connect(conn.clientConfig())) {
            refuseLiveWriter(kv, store, fence);
            try (KvStore s = kv.open(store, conn.storeConfig().build())) {
                Lsn lsn = s.put(Text.parse(key, hex), v);
                output.one(out(), OutputOptions.fields("store", store, "key", key, "lsn", lsn.toString()), () -> out().println(lsn));
            }
        }
        return 0;
    }

    /** The value, read before anything connects: a missing file is a usage error that touches no store. */
    private byte[] value() throws IOException {
        if ((value == null) == (valueFile == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give the value as an argument ('-' for standard input) or with --value-file, not both and not neither");
        }
        if (valueFile != null) {
            try {
                return Files.readAllBytes(valueFile);
            } catch (NoSuchFileException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--value-file " + valueFile + ": no such file");
            }
        }
        return value.equals("-") ? stdin.readAllBytes() : Text.parse(value, hex);
    }
}
