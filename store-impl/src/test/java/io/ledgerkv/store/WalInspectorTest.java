package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreNotFoundException;
import io.ledgerkv.api.Txn;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * {@code ledgerkv wal dump}'s engine, on the simulated cluster: every entry of every ledger in log
 * order, each header field, the operations of each transaction (values only when asked), a corrupt
 * entry reported as a row while the dump goes on, one ledger by id (in the list or not), and a live
 * writer that keeps writing through a dump. The CLI's own test ({@code WalDumpTest}) runs on a real
 * cluster and checks the printed form; this one checks the rows, in reach of the mutation run.
 */
class WalInspectorTest extends SimClusterFixture {
    private static final StoreConfig CFG = StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0)
            .codec(CodecType.NONE).maxBatchBytes(1024).build();

    private static List<WalInspector.Row> dump(DefaultLedgerKv kv, String store, Long ledgerId, boolean values) {
        List<WalInspector.Row> rows = new ArrayList<>();
        int corrupt = WalInspector.dump(kv, store, CFG, ledgerId, values, rows::add);
        assertThat(corrupt).as("corrupt count").isEqualTo(rows.stream().filter(r -> !r.ok()).count());
        return rows;
    }

    private static WalInspector.Row at(List<WalInspector.Row> rows, Lsn lsn) {
        return rows.stream().filter(r -> r.ledgerSeq() == lsn.ledgerSeq() && r.entryId() == lsn.entryId()).findFirst()
                .orElseThrow(() -> new AssertionError("no row at " + lsn + " in " + rows));
    }

    /** A row's fields and operations as text (its arrays compare by identity). */
    private static String describe(WalInspector.Row r) {
        StringBuilder sb = new StringBuilder(r.ledgerSeq() + "/" + r.ledgerId() + "/" + r.entryId() + " " + r.type() + " epoch "
                + r.epoch() + " txn " + r.firstTxnSeq() + " " + r.verdict());
        r.txns().forEach(t -> t.forEach(o -> sb.append(' ').append(s(o.key())).append(o.delete() ? "-" : "=" + o.valueBytes())));
        return sb.toString();
    }

    private static WalInspector.Op onlyOp(WalInspector.Row r) {
        assertThat(r.txns()).hasSize(1);
        assertThat(r.txns().get(0)).hasSize(1);
        return r.txns().get(0).get(0);
    }

    @Test
    void everyEntryOfEveryLedgerInLogOrderWithItsHeaderAndOperations() {
        Lsn put;
        Lsn del;
        Lsn ttl;
        Lsn pair;
        Lsn large;
        Lsn later;
        byte[] big = new byte[3000];
        Arrays.fill(big, (byte) 'x');
        try (DefaultLedgerKv kv = connect()) {
            try (BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE)) {
                put = s.put(b("a"), b("1"));
                del = s.delete(b("a"));
                ttl = s.put(b("t"), b("22"), Duration.ofHours(1));
                Txn t = s.begin();
                t.put(b("x"), b("333"));
                t.put(b("y"), b("4444"));
                pair = t.commit();
                large = s.put(b("big"), big);
            }
            try (BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE)) { // a second writer: a second ledger
                later = s.put(b("c"), b("55555"));
            }

            List<WalInspector.Row> rows = dump(kv, "s", null, false);
            assertThat(rows).allMatch(WalInspector.Row::ok, "every entry passes the store's checks");
            assertThat(rows).extracting(WalInspector.Row::ledgerSeq).isSorted().containsOnly(1L, 2L);
            for (long seq : new long[] {1, 2}) {
                List<Long> ids = rows.stream().filter(r -> r.ledgerSeq() == seq).map(WalInspector.Row::entryId).toList();
                assertThat(ids).as("ledger %d: entries 0.. in order, none skipped", seq)
                        .isEqualTo(LongStream.range(0, ids.size()).boxed().toList());
            }
            assertThat(rows.stream().filter(r -> r.ledgerSeq() == 1).map(WalInspector.Row::ledgerId).distinct()).hasSize(1);
            assertThat(rows.stream().map(WalInspector.Row::ledgerId).distinct()).hasSize(2);

            WalInspector.Row r = at(rows, put);
            assertThat(r.type()).isEqualTo("BATCH");
            assertThat(r.epoch()).isEqualTo(1L);
            assertThat(r.count()).isEqualTo(1);
            assertThat(r.codec()).isEqualTo("NONE");
            assertThat(r.encrypted()).isFalse();
            assertThat(r.bytes()).isPositive();
            assertThat(r.storedBytes()).as("no codec: stored as logical").isEqualTo(r.logicalBytes());
            WalInspector.Op op = onlyOp(r);
            assertThat(op.key()).isEqualTo(b("a"));
            assertThat(op.delete()).isFalse();
            assertThat(op.valueBytes()).isEqualTo(1);
            assertThat(op.value()).as("values only on request").isNull();
            assertThat(op.expireAt()).as("no time to live").isEqualTo(Long.MAX_VALUE);

            op = onlyOp(at(rows, del));
            assertThat(op.key()).isEqualTo(b("a"));
            assertThat(op.delete()).isTrue();
            assertThat(op.valueBytes()).isZero();

            op = onlyOp(at(rows, ttl));
            assertThat(op.valueBytes()).isEqualTo(2);
            assertThat(op.expireAt()).isPositive().isLessThan(Long.MAX_VALUE);

            r = at(rows, pair);
            assertThat(r.txns()).hasSize(1);
            assertThat(r.txns().get(0)).extracting(o -> s(o.key())).containsExactly("x", "y");
            assertThat(r.txns().get(0)).extracting(WalInspector.Op::valueBytes).containsExactly(3, 4);
            assertThat(at(rows, put).firstTxnSeq()).isLessThan(at(rows, del).firstTxnSeq());
            assertThat(at(rows, del).firstTxnSeq()).isLessThan(r.firstTxnSeq());

            // 3,000 bytes in 1,024-byte entries: parts carrying no operations, then the commit that holds them.
            r = at(rows, large);
            assertThat(r.type()).isEqualTo("TXN_COMMIT");
            List<WalInspector.Row> parts = rows.stream().filter(x -> "TXN_PART".equals(x.type())).toList();
            assertThat(parts).isNotEmpty().allMatch(x -> x.txns().isEmpty() && x.ledgerSeq() == large.ledgerSeq()
                    && x.entryId() < large.entryId());

            r = at(rows, later);
            assertThat(r.ledgerSeq()).isEqualTo(2L);
            assertThat(r.epoch()).as("the second writer's epoch").isEqualTo(2L);
            assertThat(onlyOp(r).key()).isEqualTo(b("c"));

            // With values.
            List<WalInspector.Row> withValues = dump(kv, "s", null, true);
            assertThat(withValues).hasSameSizeAs(rows);
            assertThat(onlyOp(at(withValues, put)).value()).isEqualTo(b("1"));
            assertThat(onlyOp(at(withValues, del)).value()).as("a delete has no value").isNull();
            assertThat(at(withValues, pair).txns().get(0)).extracting(o -> s(o.value())).containsExactly("333", "4444");
        }
    }

    @Test
    void oneLedgerById_inTheListWithItsSequence_trimmedButNotDeletedWithNone_anotherStoresRefused() {
        Lsn first;
        Lsn second;
        WriterHooks stopAfterTrim = new WriterHooks() {
            @Override
            public void checkpointStep(Enum<?> step) {
                if (step.name().equals("WAL_TRIMMED")) {
                    throw new IllegalStateException("stopped between trimming the list and deleting the ledgers");
                }
            }
        };
        try (DefaultLedgerKv kv = connect()) {
            try (BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE)) {
                first = s.put(b("a"), b("1"));
            }
            List<WalInspector.Row> before = dump(kv, "s", null, false);
            long firstLedger = at(before, first).ledgerId();
            try (BookKeeperStore s = kv.open("s", CFG, stopAfterTrim)) {
                second = s.put(b("b"), b("2"));
                assertThatThrownBy(s::checkpoint).hasStackTraceContaining("stopped between trimming");
            }
            try (BookKeeperStore o = kv.open("other", CFG, WriterHooks.NONE)) {
                o.put(b("o"), b("3"));
            }
            List<WalInspector.Row> all = dump(kv, "s", null, false);
            long secondLedger = at(all, second).ledgerId();
            assertThat(all).as("the first ledger is out of the list").allMatch(r -> r.ledgerId() == secondLedger);

            List<WalInspector.Row> one = dump(kv, "s", secondLedger, false);
            assertThat(one).extracting(WalInspectorTest::describe)
                    .isEqualTo(all.stream().filter(r -> r.ledgerId() == secondLedger).map(WalInspectorTest::describe).toList());
            assertThat(one).isNotEmpty().allMatch(r -> r.ledgerSeq() == 2);

            List<WalInspector.Row> orphan = dump(kv, "s", firstLedger, false);
            assertThat(orphan).as("a ledger trimmed from the list but not deleted: read, its sequence unknown").isNotEmpty()
                    .allMatch(r -> r.ledgerId() == firstLedger && r.ledgerSeq() == -1);
            assertThat(onlyOp(orphan.get(orphan.size() - 1)).key()).isEqualTo(b("a"));

            long otherLedger = dump(kv, "other", null, false).get(0).ledgerId();
            assertThatThrownBy(() -> dump(kv, "s", otherLedger, false)).as("another store's ledger opens only with its own password")
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("reading ledger " + otherLedger);
        }
    }

    @Test
    void aCorruptEntryIsARowWithItsVerdictAndTheDumpGoesOn() {
        Lsn a;
        Lsn b;
        long ledgerId;
        try (DefaultLedgerKv kv = connect()) {
            try (BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE)) {
                a = s.put(b("a"), b("1"));
                b = s.put(b("b"), b("2"));
                ledgerId = s.currentLedgerId();
            }
            cluster.bookKeeper().tamper(ledgerId, a.entryId(), 0, new byte[200]); // the copy reads get
            List<WalInspector.Row> rows = new ArrayList<>();
            int corrupt = WalInspector.dump(kv, "s", CFG, null, false, rows::add);
            assertThat(corrupt).isEqualTo(1);
            WalInspector.Row bad = at(rows, a);
            assertThat(bad.ok()).isFalse();
            assertThat(bad.verdict()).startsWith("corrupt: ");
            assertThat(bad.type()).isNull();
            assertThat(bad.epoch()).isNull();
            assertThat(bad.bytes()).isEqualTo(200);
            assertThat(bad.txns()).isEmpty();
            assertThat(at(rows, b).ok()).as("the dump goes on past it").isTrue();
            assertThat(onlyOp(at(rows, b)).key()).isEqualTo(b("b"));
        }
    }

    @Test
    void aLiveWriterKeepsWritingThroughADump() {
        try (DefaultLedgerKv kv = connect(); BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE)) {
            Lsn last = null;
            for (int i = 0; i < 5; i++) {
                last = s.put(b("k" + i), b("v"));
            }
            List<WalInspector.Row> rows = dump(kv, "s", null, false);
            // An open ledger is read up to what the bookies confirm: the last add's confirmation rides
            // on the next one, so the dump may stop one entry short, never more.
            assertThat(rows).extracting(WalInspector.Row::entryId).isNotEmpty();
            assertThat(rows.get(rows.size() - 1).entryId()).isBetween(last.entryId() - 1, last.entryId());
            Lsn after = s.put(b("after"), b("v"));
            assertThat(after.ledgerSeq()).as("not fenced: same ledger").isEqualTo(last.ledgerSeq());
        }
    }

    @Test
    void aStoreThatDoesNotExistOrALedgerThatCannotBeReadIsAClearError() {
        try (DefaultLedgerKv kv = connect()) {
            assertThatThrownBy(() -> dump(kv, "nope", null, false)).isInstanceOf(StoreNotFoundException.class)
                    .hasMessageContaining("nope");
            try (BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE)) {
                s.put(b("a"), b("1"));
            }
            assertThatThrownBy(() -> dump(kv, "s", 987654L, false)).isInstanceOf(LedgerKvException.class)
                    .hasMessageContaining("987654");
        }
    }
}
