package io.ledgerkv.cli;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.Json;
import io.ledgerkv.testing.CliRun;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import io.ledgerkv.wal.WalEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.bookkeeper.client.BookKeeper;
import org.apache.bookkeeper.client.LedgerHandle;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledgerkv wal dump}: every entry of a store's log with its header, verdict and keys, as text
 * and as JSON Lines, while a live writer keeps writing (the dump fences no one); a ledger with a
 * garbage entry and an entry with a flipped bit is dumped entry by entry, the two bad ones reported
 * with what is wrong, exit 1.
 */
class WalDumpTest {
    @Test
    void dumpsEveryEntryAndReportsCorruptOnesWithoutStopping(@TempDir Path dir) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "dump-secret\n");
        StoreConfig cfg = StoreConfig.builder().ledgerPassword("dump-secret").maxBatchBytes(4096).build();
        try (LocalCluster c = LocalCluster.start(3);
             LedgerKv kv = LedgerKv.connect(c.clientConfig().build());
             KvStore s = kv.open("dumped", cfg)) {
            s.put(b("acct-1"), b("0.93"));
            s.put(b("acct-2"), b("0.12"));
            s.delete(b("acct-2"));
            s.put(b("big"), new byte[10_000]); // more than one 4 KiB entry: parts and a commit
            // A reader of an open ledger sees up to its last-add-confirmed, which the next entry carries:
            // one more commit makes every entry of the large transaction visible to the dump.
            s.put(b("tail"), b("t"));
            String[] conn = {"--zk=" + c.connectString(), "--password-file=" + pw, "--store", "dumped"};

            CliRun.Result text = CliRun.run(concat(new String[] {"wal", "dump", "--values"}, conn));
            assertThat(text.code()).as(text.err()).isZero();
            assertThat(text.out()).contains("BATCH", "epoch 1", "acct-1=0.93", "acct-2 (delete)", "TXN_PART", "TXN_COMMIT", " ok")
                    .doesNotContain("corrupt");
            assertThat(text.err()).contains("0 corrupt");

            CliRun.Result json = CliRun.run(concat(new String[] {"wal", "dump", "-o", "json"}, conn));
            assertThat(json.code()).isZero();
            List<Map<String, Object>> rows = jsonArray(json.out());
            assertThat(rows).hasSizeGreaterThanOrEqualTo(5);
            for (Map<String, Object> row : rows) {
                assertThat(row.get("verdict")).isEqualTo("ok");
                assertThat(row.keySet()).contains("ledger", "entry", "type", "epoch", "firstTxnSeq", "codec", "storedBytes", "txns");
            }
            assertThat(json.out()).contains("\"key\":\"acct-1\"", "\"op\":\"delete\"").doesNotContain("0.93"); // no values unless asked

            // the live writer was not fenced by the dumps
            s.put(b("after"), b("dump"));

            // a ledger with the store's password holding one good, one garbage and one bit-flipped entry
            long bad = forgeLedger(c, WalLedgers.bookKeeperPassword(b("dump-secret"), "default", "dumped"));
            CliRun.Result forged = CliRun.run(concat(new String[] {"wal", "dump", "--ledger", Long.toString(bad)}, conn));
            assertThat(forged.code()).as(forged.err()).isEqualTo(1);
            assertThat(forged.out().lines().filter(l -> l.startsWith("ledger "))).hasSize(3);
            assertThat(forged.out()).contains("not in the list", "x (1 B)", "bad magic", "CRC32C mismatch");
            assertThat(forged.err()).contains("3 entries, 2 corrupt");
            // the same in JSON: a whole array (the dump went on past the corrupt entries), one verdict each
            CliRun.Result forgedJson = CliRun.run(concat(new String[] {"wal", "dump", "--ledger", Long.toString(bad), "-o", "json"}, conn));
            assertThat(forgedJson.code()).isEqualTo(1);
            assertThat(jsonArray(forgedJson.out())).extracting(r -> String.valueOf(r.get("verdict")))
                    .satisfiesExactly(v -> assertThat(v).isEqualTo("ok"), v -> assertThat(v).contains("bad magic"),
                            v -> assertThat(v).contains("CRC32C mismatch"));
        }
    }

    private static long forgeLedger(LocalCluster c, byte[] password) throws Exception {
        ClientConfiguration conf = new ClientConfiguration().setMetadataServiceUri(c.metadataServiceUri());
        try (BookKeeper bk = new BookKeeper(conf); LedgerHandle lh = bk.createLedger(3, 3, 2, BookKeeper.DigestType.CRC32C, password)) {
            byte[] record = TxnRecord.encode(List.of(new Mutation(b("x"), b("y"))));
            byte[] good = WalEntry.encode(WalEntry.Type.BATCH, CodecType.NONE.newCodec(), 1, 1, 1, 0, record, 0,
                    record.length);
            lh.addEntry(good);
            lh.addEntry("not a wal entry at all, but long enough to have a header".getBytes(StandardCharsets.UTF_8));
            byte[] flipped = good.clone();
            flipped[flipped.length - 1] ^= 1;
            lh.addEntry(flipped);
            return lh.getId();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> jsonArray(String out) throws IOException {
        return Json.MAPPER.readValue(out, List.class);
    }
}
