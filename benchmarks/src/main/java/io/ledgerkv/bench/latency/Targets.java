package io.ledgerkv.bench.latency;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.bench.DataShape;
import io.ledgerkv.bench.store.StoreWriter;
import java.nio.charset.StandardCharsets;
import org.apache.bookkeeper.client.BKException;
import org.apache.bookkeeper.client.BookKeeper;
import org.apache.bookkeeper.client.LedgerHandle;

/** The two kinds of target: single-key store commits, and raw BookKeeper adds of the same size. */
public final class Targets {
    private Targets() {
    }

    /** {@code putAsync} of one key and a {@code valueBytes} JSON-like value: a durable single-key transaction. */
    public static Target store(String name, KvStore store, int valueBytes) {
        byte[][] values = new byte[1024][];
        for (int i = 0; i < values.length; i++) {
            values[i] = DataShape.JSON.generate(valueBytes, 31L * i + 5);
        }
        byte[][] keys = new byte[50_000][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = StoreWriter.key(i);
        }
        return new Target() {
            private long next;

            @Override
            public String name() {
                return name;
            }

            @Override
            public void send(Completion done) {
                long n = next++;
                var unused = store.putAsync(keys[(int) (n % keys.length)], values[(int) (n % values.length)])
                        .whenComplete((lsn, err) -> done.completed(err));
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }

    /** {@code asyncAddEntry} of {@code entryBytes} on one ledger with the store's quorums and digest. */
    public static Target rawBookKeeper(String name, BookKeeper bk, int entryBytes) throws Exception {
        LedgerHandle lh = bk.createLedger(3, 3, 2, BookKeeper.DigestType.CRC32C, BenchCluster.PASSWORD.getBytes(StandardCharsets.UTF_8));
        byte[][] payloads = new byte[64][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = DataShape.JSON.generate(entryBytes, 17L * i + 3);
        }
        return new Target() {
            private int next;

            @Override
            public String name() {
                return name;
            }

            @Override
            public void send(Completion done) {
                lh.asyncAddEntry(payloads[next++ & 63], (rc, h, id, ctx) -> done.completed(rc == BKException.Code.OK ? null
                        : BKException.create(rc)), null);
            }

            @Override
            public void close() {
                try {
                    lh.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot close raw ledger " + lh.getId(), e);
                }
            }
        };
    }
}
