package io.ledgerkv.cli;

import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.StoreStatus;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of the subcommands: output goes through picocli's writers, so tests can capture it. */
abstract class CliCommand {
    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * Refuses to open {@code store} as its writer while another process holds it (unless
     * {@code fence}): opening would fence that writer, and a stream task would fail and restart
     * for one CLI write. The check reads the store's owner node just before the open; a writer
     * that appears in between is still fenced, as with {@code --fence}.
     */
    static void refuseLiveWriter(LedgerKv kv, String store, boolean fence) {
        if (fence || !kv.exists(store)) {
            return;
        }
        StoreStatus st = kv.status(store);
        if (st.owner() != null) {
            throw new ExitCodes.LiveWriterException("store '" + store + "' has a live writer: " + st.owner()
                    + "; writing from here would fence it (its commits fail and a stream task restarts). Nothing was written. "
                    + "Pass --fence to take the store over anyway.");
        }
    }
}
