package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.ManualClock;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.sim.SimCluster;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The reaper's bounds, on the simulated cluster with a manual clock (the periodic task runs every
 * hour here, so only the test reaps): one reap deletes at most half of {@code maxTxnBytes} worth of
 * keys, and the next ones take the rest; a handle that cannot write reaps nothing. The reaping
 * itself (WAL deletes, a standby following) is {@code TtlTest}'s.
 */
class ReapTest extends SimClusterFixture {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final int KEY_BYTES = 1000;
    /** Twenty keys of 1,000 bytes per reap, at most: half of 21,000 bytes holds 10, not 11. */
    private static final StoreConfig CFG = StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0)
            .statsInterval(Duration.ofHours(1)).maxKeyBytes(2048).maxTxnBytes(21_000).build();

    private static byte[] key(int i) {
        byte[] k = new byte[KEY_BYTES];
        Arrays.fill(k, (byte) ('a' + i));
        return k;
    }

    @Test
    void oneReapDeletesAtMostHalfOfMaxTxnBytesOfKeysAndTheNextOnesTheRest() {
        ManualClock clock = new ManualClock(T0);
        try (DefaultLedgerKv kv = cluster.connect(SimCluster.clientConfig().clock(clock).build());
             BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE)) {
            for (int i = 0; i < 25; i++) {
                s.put(key(i), b("v"), Duration.ofSeconds(10));
            }
            s.put(b("kept"), b("v"));
            assertThat(s.reapExpired().join()).as("nothing due yet").isZero();
            clock.advance(Duration.ofSeconds(10));
            assertThat(s.reapExpired().join()).as("ten keys of 1,000 bytes fit in half of 21,000 bytes").isEqualTo(10);
            assertThat(s.reapExpired().join()).isEqualTo(10);
            assertThat(s.reapExpired().join()).isEqualTo(5);
            assertThat(s.reapExpired().join()).isZero();
            assertThat(s.keyCount()).isEqualTo(1);
        }
    }

    @Test
    void aHandleThatCannotWriteReapsNothing() {
        ManualClock clock = new ManualClock(T0);
        try (DefaultLedgerKv kv = cluster.connect(SimCluster.clientConfig().clock(clock).build())) {
            BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE);
            s.put(b("a"), b("1"), Duration.ofSeconds(10));
            s.put(b("b"), b("2")); // confirms a to readers
            clock.advance(Duration.ofSeconds(10));
            BookKeeperStore reader = (BookKeeperStore) kv.openReadOnly("s", CFG);
            assertThat(reader.reapExpired().join()).as("a reader").isZero();
            reader.close();
            s.close();
            assertThat(s.reapExpired().join()).as("a closed writer").isZero();
            try (BookKeeperStore w = kv.open("s", CFG, WriterHooks.NONE)) {
                assertThat(w.reapExpired().join()).as("the new writer reaps it").isEqualTo(1);
            }
        }
    }
}
