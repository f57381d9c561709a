package io.ledgerkv.cli;

import io.ledgerkv.store.DefaultLedgerKv;
import io.ledgerkv.store.WalInspector;
import io.ledgerkv.wal.Mutation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "wal", description = "The store's write-ahead log, as stored in its ledgers.", subcommands = {WalCommand.Dump.class})
final class WalCommand {

    @Command(name = "dump", description = {"Decodes the store's ledgers entry by entry: ledger, entry, type, writer epoch, transaction",
        "sequence, codec, stored and logical size, whether the entry passes the store's checks, and the keys",
        "of each transaction (values with --values). Reads without recovery: fences no one, a live writer",
        "keeps writing. A corrupt entry is printed with what is wrong and the dump goes on; the exit code",
        "is then 1."})
    static final class Dump extends CliCommand implements Callable<Integer> {
        @Mixin
        ConnectionOptions conn;

        @Option(names = {"-s", "--store"}, required = true, description = "Store name")
        String store;

        @Option(names = "--ledger", paramLabel = "ID", description = "Only this ledger (also one no longer in the store's list)")
        Long ledger;

        @Option(names = "--values", description = "Print values too")
        boolean values;

        @Option(names = "--hex", description = "Keys and values in hex")
        boolean hex;

        @Mixin
        OutputOptions output = new OutputOptions();

        @Override
        public Integer call() throws Exception {
            int[] entries = {0};
            int corrupt;
            try (DefaultLedgerKv kv = DefaultLedgerKv.connect(conn.clientConfig())) {
                OutputOptions.Rows rows = output.rows(out());
                corrupt = WalInspector.dump(kv, store, conn.storeConfig().build(), ledger, values, r -> {
                    entries[0]++;
                    rows.add(fields(r), () -> out().println(text(r)));
                });
                rows.end();
            }
            err().println(entries[0] + " entries, " + corrupt + " corrupt");
            return corrupt == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }

        private String text(WalInspector.Row r) {
            StringBuilder sb = new StringBuilder();
            sb.append("ledger ").append(r.ledgerId()).append(r.ledgerSeq() >= 0 ? " (#" + r.ledgerSeq() + ")" : " (not in the list)")
                    .append(" entry ").append(r.entryId()).append("  ");
            if (r.type() == null) {
                return sb.append(r.bytes()).append(" B  ").append(r.verdict()).toString();
            }
            sb.append(r.type()).append("  epoch ").append(r.epoch()).append("  txn ").append(r.firstTxnSeq());
            sb.append("BATCH".equals(r.type()) ? " (" + r.count() + " txns)" : " part " + r.count());
            sb.append("  ").append(r.codec()).append(r.dictionary() != 0 ? " dict " + r.dictionary() : "")
                    .append(r.encrypted() ? " encrypted" : "").append("  ").append(r.storedBytes()).append("/").append(r.logicalBytes())
                    .append(" B  ").append(r.verdict());
            for (List<WalInspector.Op> t : r.txns()) {
                List<String> ops = new ArrayList<>();
                for (WalInspector.Op op : t) {
                    ops.add(Text.show(op.key(), hex) + (op.delete() ? " (delete)"
                            : op.value() != null ? "=" + Text.show(op.value(), hex) : " (" + op.valueBytes() + " B)"));
                }
                sb.append("\n    ").append(String.join(", ", ops));
            }
            return sb.toString();
        }

        private Map<String, Object> fields(WalInspector.Row r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ledger", r.ledgerId());
            m.put("ledgerSeq", r.ledgerSeq() >= 0 ? r.ledgerSeq() : null);
            m.put("entry", r.entryId());
            m.put("type", r.type());
            m.put("epoch", r.epoch());
            m.put("firstTxnSeq", r.firstTxnSeq());
            m.put("count", r.count());
            m.put("codec", r.codec());
            m.put("dictionary", r.dictionary());
            m.put("encrypted", r.encrypted());
            m.put("bytes", r.bytes());
            m.put("storedBytes", r.storedBytes());
            m.put("logicalBytes", r.logicalBytes());
            m.put("verdict", r.verdict());
            List<List<Map<String, Object>>> txns = new ArrayList<>();
            for (List<WalInspector.Op> t : r.txns()) {
                List<Map<String, Object>> ops = new ArrayList<>();
                for (WalInspector.Op op : t) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("key", Text.show(op.key(), hex));
                    o.put("op", op.delete() ? "delete" : "put");
                    if (!op.delete()) {
                        o.put("valueBytes", op.valueBytes());
                    }
                    if (op.value() != null) {
                        o.put("value", Text.show(op.value(), hex));
                    }
                    if (op.expireAt() != Mutation.NEVER) {
                        o.put("expireAtMillis", op.expireAt());
                    }
                    ops.add(o);
                }
                txns.add(ops);
            }
            m.put("txns", txns);
            return m;
        }
    }
}
