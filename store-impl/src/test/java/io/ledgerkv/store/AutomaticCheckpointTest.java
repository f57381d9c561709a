package io.ledgerkv.store;

import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.CheckpointStatus;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.txn.WriterHooks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Automatic checkpoints with the default settings (docs/decisions.md 40): a store that writes more
 * than the threshold checkpoints by itself, trims the WAL before it, and a crashed writer's
 * successor replays only the tail; the state fraction raises the threshold for large states; 0
 * turns them off.
 */
class AutomaticCheckpointTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private static final int KEYS = 64;
    private static final int VALUE_BYTES = 16 * 1024;

    /**
     * Overwrites the same {@value #KEYS} keys (a 1 MiB state) in transactions of 8 keys until at
     * least {@code bytes} of values were written; round {@code round} is in every value's first byte.
     */
    private static void overwrite(KvStore s, long bytes, int round) {
        List<CompletableFuture<Lsn>> pending = new ArrayList<>();
        long written = 0;
        for (int i = 0; written < bytes; i++) {
            List<KvEntry> batch = new ArrayList<>(8);
            for (int j = 0; j < 8; j++) {
                byte[] v = new byte[VALUE_BYTES];
                Arrays.fill(v, (byte) i);
                v[0] = (byte) round;
                batch.add(new KvEntry(String.format("key-%03d", (i * 8 + j) % KEYS).getBytes(StandardCharsets.UTF_8), v));
                written += VALUE_BYTES;
            }
            pending.add(s.putAllAsync(batch));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }

    private static List<Integer> ids(BookKeeperStore s) {
        return s.checkpoints().stream().map(CheckpointStatus::id).toList();
    }

    @Test
    void defaultSettingsCheckpointTrimTheWalAndBoundASuccessorsReplay() {
        StoreConfig cfg = config().build();
        assertThat(cfg.checkpointEveryBytes()).isEqualTo(StoreConfig.DEFAULT_CHECKPOINT_EVERY_BYTES).isPositive();
        long threshold = cfg.checkpointEveryBytes();
        String name = freshName("auto-ckpt");
        DefaultLedgerKv c1 = CLUSTER.connect();
        BookKeeperStore first = c1.open(name, cfg, WriterHooks.NONE);
        long firstLedger = first.currentLedgerId();
        overwrite(first, threshold / 2, 1);
        assertThat(first.checkpointDue()).as("half the threshold written").isFalse();
        overwrite(first, threshold / 2 + 1024 * 1024, 1); // crosses the threshold in its last MiB or so
        await().atMost(Duration.ofSeconds(60)).until(() -> ids(first).equals(List.of(1)) && !first.checkpointRunning());
        overwrite(first, 1024 * 1024, 2);
        long written = first.writeStats().logicalBytes();
        c1.crash();

        DefaultLedgerKv c2 = CLUSTER.connect();
        try {
            BookKeeperStore second = c2.open(name, cfg, WriterHooks.NONE);
            BookKeeperStore.ReplayStats rs = second.replayStats();
            CheckpointStatus cp = second.checkpoints().get(0);
            assertThat(rs.checkpointId()).isEqualTo(1);
            assertThat(rs.logicalBytes()).as("the successor read the tail after the checkpoint, not the %d bytes written", written)
                    .isLessThan(threshold / 4).isLessThan(written / 4);
            assertThat(rs.transactions() - cp.txnSeq()).as("transactions replayed").isPositive()
                    .isLessThan((threshold / 4) / (8L * VALUE_BYTES));
            assertThat(second.keyCount()).isEqualTo(KEYS);
            assertThat(second.get(String.format("key-%03d", 5).getBytes(StandardCharsets.UTF_8))[0]).as("the tail's writes are there")
                    .isEqualTo((byte) 2);

            // Two more thresholds' worth: checkpoints 2 and 3 are taken, and with the default
            // retention (2) the crashed writer's ledger, wholly before checkpoint 2, is trimmed.
            overwrite(second, threshold, 3);
            await().atMost(Duration.ofSeconds(60)).until(() -> ids(second).equals(List.of(1, 2)) && !second.checkpointRunning());
            assertThat(ledgerIds(c2, name)).as("checkpoint 1 is the oldest retained; the ledger it ends in stays").contains(firstLedger);
            overwrite(second, threshold, 4);
            await().atMost(Duration.ofSeconds(60)).until(() -> ids(second).equals(List.of(2, 3)) && !second.checkpointRunning());
            assertThat(ledgerIds(c2, name)).as("WAL before checkpoint 2 trimmed").doesNotContain(firstLedger);
            assertThat(second.walBytesSinceCheckpoint()).isLessThan(threshold);
        } finally {
            c2.close();
        }
    }

    private static List<Long> ledgerIds(DefaultLedgerKv c, String name) {
        StoreStatus st = c.status(name);
        return st.ledgers().stream().map(l -> l.ledgerId()).toList();
    }

    @Test
    void aSuccessorCountsTheWalItReplayedTowardsTheNextCheckpoint() {
        // Writers that crash before writing the threshold must not leave ever longer replays.
        StoreConfig cfg = config().checkpointEveryBytes(3L * 1024 * 1024).statsInterval(Duration.ofMillis(100)).build();
        String name = freshName("auto-ckpt-crashes");
        DefaultLedgerKv c1 = CLUSTER.connect();
        BookKeeperStore first = c1.open(name, cfg, WriterHooks.NONE);
        overwrite(first, 2L * 1024 * 1024, 1);
        assertThat(first.checkpointDue()).isFalse();
        c1.crash();
        DefaultLedgerKv c2 = CLUSTER.connect();
        BookKeeperStore second = c2.open(name, cfg, WriterHooks.NONE);
        assertThat(second.walBytesSinceCheckpoint()).as("the replayed WAL counts").isGreaterThanOrEqualTo(2L * 1024 * 1024);
        overwrite(second, 2L * 1024 * 1024, 2); // less than checkpointEveryBytes by itself
        await().atMost(Duration.ofSeconds(60)).until(() -> !second.checkpoints().isEmpty() && !second.checkpointRunning());
        c2.crash();
        try (DefaultLedgerKv c3 = CLUSTER.connect()) {
            BookKeeperStore third = c3.open(name, cfg, WriterHooks.NONE);
            assertThat(third.replayStats().checkpointId()).isPositive();
            assertThat(third.replayStats().logicalBytes()).isLessThan(cfg.checkpointEveryBytes());
        }
    }

    @Test
    void aLargeStateRaisesTheThresholdToItsFraction() {
        // 1 MiB state, checkpointEveryBytes 64 KiB, fraction 0.5: the next checkpoint is due at 512 KiB of WAL.
        StoreConfig cfg = config().checkpointEveryBytes(64 * 1024).checkpointStateFraction(0.5)
                .statsInterval(Duration.ofMillis(100)).build();
        String name = freshName("auto-ckpt-fraction");
        try (DefaultLedgerKv c = CLUSTER.connect()) {
            BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
            overwrite(s, (long) KEYS * VALUE_BYTES, 1);
            // Checkpoints may start while the state grows; once it has, one more starts the count at 0.
            await().atMost(Duration.ofSeconds(30)).until(() -> !s.checkpointRunning());
            s.checkpoint();
            List<Integer> before = ids(s);
            assertThat(s.liveBytes()).isGreaterThan((long) KEYS * VALUE_BYTES);
            assertThat(cfg.checkpointThresholdBytes(s.liveBytes())).isEqualTo(s.liveBytes() / 2);

            overwrite(s, 256 * 1024, 2); // 4x checkpointEveryBytes, half the state's threshold
            long runs = s.periodicRuns();
            await().atMost(Duration.ofSeconds(30)).until(() -> s.periodicRuns() >= runs + 2);
            assertThat(s.walBytesSinceCheckpoint()).isGreaterThan(cfg.checkpointEveryBytes());
            assertThat(s.checkpointDue()).isFalse();
            assertThat(ids(s)).as("no checkpoint below fraction x state").isEqualTo(before);

            overwrite(s, 384 * 1024, 3);
            int last = before.get(before.size() - 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> ids(s).contains(last + 1) && !s.checkpointRunning());
        }
    }

    @Test
    void zeroTurnsAutomaticCheckpointsOff() {
        StoreConfig cfg = config().checkpointEveryBytes(0).statsInterval(Duration.ofMillis(100)).build();
        assertThat(cfg.checkpointInterval()).isEqualTo(Duration.ZERO);
        String name = freshName("auto-ckpt-off");
        try (DefaultLedgerKv c = CLUSTER.connect()) {
            BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
            overwrite(s, 4L * 1024 * 1024, 1);
            long runs = s.periodicRuns();
            await().atMost(Duration.ofSeconds(30)).until(() -> s.periodicRuns() >= runs + 3);
            assertThat(s.walBytesSinceCheckpoint()).isGreaterThanOrEqualTo(4L * 1024 * 1024);
            assertThat(s.checkpointDue()).isFalse();
            assertThat(s.checkpoints()).isEmpty();
            assertThat(c.status(name).checkpoints()).isEmpty();
        }
    }

    @Test
    void closeWaitsForARunningScheduledCheckpoint() throws Exception {
        // A scheduled checkpoint used to go on writing after close() returned; closing the client
        // next (as a task shutting down does) failed it half-way and left its ledger behind.
        StoreConfig cfg = config().checkpointEveryBytes(512 * 1024).statsInterval(Duration.ofMillis(100)).build();
        String name = freshName("auto-ckpt-close");
        CountDownLatch atPinned = new CountDownLatch(1);
        CountDownLatch closeCalled = new CountDownLatch(1);
        WriterHooks holdUntilClose = new WriterHooks() {
            @Override
            public void checkpointStep(Enum<?> step) {
                if (step.name().equals("PINNED") && atPinned.getCount() > 0) {
                    atPinned.countDown();
                    try {
                        if (!closeCalled.await(60, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the test never closed the store");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
        DefaultLedgerKv c1 = CLUSTER.connect();
        BookKeeperStore first = c1.open(name, cfg, holdUntilClose);
        overwrite(first, 1024 * 1024, 1);
        assertThat(atPinned.await(60, TimeUnit.SECONDS)).as("a scheduled checkpoint started and is held at PINNED").isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
        await().atMost(Duration.ofSeconds(30)).until(() -> first.closed.get()); // close() has begun: the store refuses work
        closeCalled.countDown(); // let the checkpoint go on, while close() is under way
        closing.get(60, TimeUnit.SECONDS);

        assertThat(first.checkpointRunning()).as("close() returned only after the scheduled checkpoint ended").isFalse();
        c1.close();
        try (DefaultLedgerKv c2 = CLUSTER.connect()) {
            BookKeeperStore second = c2.open(name, cfg, WriterHooks.NONE);
            assertThat(second.checkpoints()).as("the checkpoint under way at close() completed and was registered").hasSize(1);
            assertThat(second.replayStats().checkpointId()).isEqualTo(1);
        }
    }
}
