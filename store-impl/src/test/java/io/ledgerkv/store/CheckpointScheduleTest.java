package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * When a scheduled checkpoint is due by time ({@code checkpointInterval}): once the interval has
 * passed with transactions since the last checkpoint, never without a transaction, never with the
 * interval at zero (off). The size trigger is {@code AutomaticCheckpointTest}'s. The periodic task
 * that acts on it runs every {@code statsInterval}, here an hour, so only this test asks.
 */
class CheckpointScheduleTest extends SimClusterFixture {
    private static final StoreConfig.Builder CFG = StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0)
            .statsInterval(Duration.ofHours(1));

    @Test
    void dueByTimeOnlyAfterTheIntervalWithTransactionsSinceTheLastCheckpoint() {
        // An interval of one nanosecond has always passed by the next call: what decides is whether a
        // transaction came since the last checkpoint (or the open).
        try (DefaultLedgerKv kv = connect();
             BookKeeperStore s = kv.open("s", CFG.checkpointInterval(Duration.ofNanos(1)).build(), WriterHooks.NONE)) {
            assertThat(s.checkpointDue()).as("no transaction since the open").isFalse();
            s.put(b("a"), b("1"));
            assertThat(s.checkpointDue()).as("a transaction, and the interval passed").isTrue();
            s.checkpoint();
            assertThat(s.checkpointDue()).as("no transaction since the checkpoint").isFalse();
            s.put(b("b"), b("2"));
            assertThat(s.checkpointDue()).isTrue();
            s.checkpoint();
        }
        // Reopened, covered by its newest checkpoint: not due until a transaction comes.
        try (DefaultLedgerKv kv = connect();
             BookKeeperStore s = kv.open("s", CFG.checkpointInterval(Duration.ofNanos(1)).build(), WriterHooks.NONE)) {
            assertThat(s.checkpointDue()).as("the newest checkpoint covers the store").isFalse();
            s.put(b("c"), b("3"));
            assertThat(s.checkpointDue()).isTrue();
        }
        // An hour has not passed since the open.
        try (DefaultLedgerKv kv = connect();
             BookKeeperStore s = kv.open("t", CFG.checkpointInterval(Duration.ofHours(1)).build(), WriterHooks.NONE)) {
            s.put(b("c"), b("3"));
            assertThat(s.checkpointDue()).as("a transaction, but the interval has not passed").isFalse();
        }
    }

    @Test
    void neverDueByTimeWithTheIntervalOff() {
        try (DefaultLedgerKv kv = connect();
             BookKeeperStore s = kv.open("s", CFG.checkpointInterval(Duration.ZERO).build(), WriterHooks.NONE)) {
            s.put(b("a"), b("1"));
            assertThat(s.checkpointDue()).isFalse();
        }
    }
}
