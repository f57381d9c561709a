package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.api.StoreStatus.LedgerStatus;
import io.ledgerkv.log.LedgerLog;
import io.ledgerkv.txn.WriterHooks;
import org.junit.jupiter.api.Test;

/**
 * {@code status}: each ledger of the list with its state, end and length (closed) or none (open),
 * its ensembles with the bookies that are down, the writer that owns the store, the bookies, and
 * the problems these add up to; a ledger whose metadata cannot be read is named, not fatal. On the
 * simulated cluster, where bookies stop and ledgers vanish on command.
 */
class StoreStatusTest extends SimClusterFixture {
    private static final StoreConfig CFG = StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0)
            .build();

    @Test
    void ledgersEnsemblesOwnerBookiesAndProblems() throws Exception {
        try (DefaultLedgerKv kv = connect()) {
            try (BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE)) {
                s.put(b("a"), b("1"));
                s.put(b("b"), b("2"));
            }
            BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE); // ledger 1 closed, ledger 2 open
            s.put(b("c"), b("3"));

            StoreStatus st = kv.status("s");
            assertThat(st.store()).isEqualTo("s");
            assertThat(st.epoch()).isEqualTo(2);
            assertThat(st.owner()).as("the writer that holds epoch 2").contains("pid").contains("(epoch 2)");
            assertThat(st.availableBookies()).hasSize(3);
            assertThat(st.problems()).isEmpty();
            assertThat(st.ledgers()).extracting(LedgerStatus::seq).containsExactly(1L, 2L);
            LedgerStatus closed = st.ledgers().get(0);
            LedgerStatus open = st.ledgers().get(1);
            assertThat(closed.state()).isEqualTo("CLOSED");
            assertThat(closed.epoch()).isEqualTo(1);
            assertThat(closed.lastEntryId()).as("two entries").isEqualTo(1);
            assertThat(closed.lengthBytes()).isPositive();
            assertThat(open.state()).isEqualTo("OPEN");
            assertThat(open.epoch()).isEqualTo(2);
            assertThat(open.lengthBytes()).as("an open ledger has no length yet").isEqualTo(-1);
            for (LedgerStatus l : st.ledgers()) {
                assertThat(l.fragments()).hasSize(1);
                assertThat(l.fragments().get(0).firstEntryId()).isZero();
                assertThat(l.fragments().get(0).ensemble()).containsExactlyInAnyOrderElementsOf(st.availableBookies());
                assertThat(l.fragments().get(0).down()).isEmpty();
            }

            // A bookie stops: every ensemble names it as down, and the store is below its ensemble size.
            String stopped = st.availableBookies().get(0);
            cluster.bookKeeper().stopBookie(0);
            st = kv.status("s");
            assertThat(st.availableBookies()).hasSize(2).doesNotContain(stopped);
            for (LedgerStatus l : st.ledgers()) {
                assertThat(l.fragments().get(0).down()).containsExactly(stopped);
            }
            assertThat(st.problems()).anyMatch(p -> p.startsWith("bookies below the ensemble size: 2 writable, ensemble 3"));
            cluster.bookKeeper().startAll();

            // A ledger whose metadata is gone: named with the reason; the rest of the status stands.
            try (LedgerLog log = cluster.bookKeeper().connect()) {
                log.delete(closed.ledgerId());
            }
            st = kv.status("s");
            assertThat(st.ledgers().get(0).state()).startsWith("CLOSED (metadata unreadable: ");
            assertThat(st.ledgers().get(0).fragments()).isEmpty();
            assertThat(st.ledgers().get(1).state()).isEqualTo("OPEN");
            assertThat(st.problems()).anyMatch(p -> p.startsWith("ledger " + closed.ledgerId() + ": "));

            // No writer: nothing can commit until a task opens the store.
            s.close();
            st = kv.status("s");
            assertThat(st.owner()).isNull();
            assertThat(st.problems()).anyMatch(p -> p.startsWith("no writer: no process holds writer epoch 2"));
        }
    }
}
