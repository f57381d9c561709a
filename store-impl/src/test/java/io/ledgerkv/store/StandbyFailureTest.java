package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a standby does when its reads fail, on the simulated cluster, one poll at a time (its own
 * thread polls once at start, which the test waits for, then not for an hour): a read that fails is reported in
 * {@code lag().error()} and retried at the next poll, which clears it; a corrupt entry stops the
 * standby before it, for good; a closed standby stops polling.
 */
class StandbyFailureTest extends SimClusterFixture {
    private static final StoreConfig CFG = StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0)
            .standbyPollInterval(Duration.ofHours(1)).build();

    /** A standby that has read "a", after its own thread's first round: from here only the test polls. */
    private static BookKeeperStore standbyThatReadA(BookKeeperStore writer, DefaultLedgerKv standbyClient) {
        writer.put(b("a"), b("1"));
        writer.put(b("a2"), b("1")); // confirms a to readers: an open ledger is read up to its last-add-confirmed
        BookKeeperStore standby = standbyClient.openStandby("s", CFG);
        SimAccess.awaitFirstPoll(standby);
        assertThat(SimAccess.poll(standby)).isTrue();
        assertThat(standby.get(b("a"))).isEqualTo(b("1"));
        return standby;
    }

    @Test
    void aReadThatFailsIsReportedAndRetriedAtTheNextPoll() {
        try (DefaultLedgerKv w = connect(); DefaultLedgerKv sc = connect(); BookKeeperStore writer = w.open("s", CFG, WriterHooks.NONE)) {
            BookKeeperStore standby = standbyThatReadA(writer, sc);
            writer.put(b("b"), b("2"));
            writer.put(b("c"), b("3")); // confirms b to readers

            for (int i = 0; i < cluster.bookKeeper().bookies(); i++) {
                cluster.bookKeeper().stopBookie(i);
            }
            assertThat(SimAccess.poll(standby)).as("a failed read does not stop the standby").isTrue();
            assertThat(standby.lag().error()).as("but it is reported").isNotNull();
            assertThat(standby.get(b("b"))).isNull();

            cluster.bookKeeper().startAll();
            assertThat(SimAccess.poll(standby)).isTrue();
            assertThat(standby.lag().error()).as("the next good poll clears it").isNull();
            assertThat(standby.get(b("b"))).isEqualTo(b("2"));
            standby.close();
            assertThat(SimAccess.poll(standby)).as("a closed standby stops polling").isFalse();
        }
    }

    @Test
    void aCorruptEntryStopsTheStandbyBeforeIt() {
        try (DefaultLedgerKv w = connect(); DefaultLedgerKv sc = connect(); BookKeeperStore writer = w.open("s", CFG, WriterHooks.NONE)) {
            BookKeeperStore standby = standbyThatReadA(writer, sc);
            Lsn bad = writer.put(b("b"), b("2"));
            writer.put(b("c"), b("3"));
            writer.put(b("d"), b("4"));
            for (int copy = 0; copy < 3; copy++) {
                cluster.bookKeeper().tamper(writer.currentLedgerId(), bad.entryId(), copy, new byte[100]);
            }
            assertThat(SimAccess.poll(standby)).as("a corrupt entry stops the standby").isFalse();
            assertThat(standby.lag().error()).contains("ledger " + writer.currentLedgerId());
            assertThat(standby.get(b("a"))).isEqualTo(b("1"));
            assertThat(standby.get(b("b"))).isNull();
            assertThat(standby.get(b("c"))).as("nothing past the bad entry is applied").isNull();
            assertThat(SimAccess.poll(standby)).as("for good").isFalse();
            assertThat(standby.get(b("c"))).isNull();
            standby.close();
        }
    }
}
