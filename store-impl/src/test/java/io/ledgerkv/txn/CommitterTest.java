package io.ledgerkv.txn;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.filled;
import static io.ledgerkv.testing.Bytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.Condition;
import io.ledgerkv.api.ConditionFailedException;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFailedException;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.codec.Codec;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.index.MvccIndex;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.EpochClaim;
import io.ledgerkv.meta.LedgerRef;
import io.ledgerkv.meta.StoreMeta;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.meta.ZkNodes;
import io.ledgerkv.metrics.StoreMetrics;
import io.ledgerkv.sim.FaultPlan;
import io.ledgerkv.sim.SimBookKeeper;
import io.ledgerkv.sim.SimZooKeeper;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit, conditional commits, rolls and shutdown of one writer, on simulated BookKeeper and
 * ZooKeeper. Transactions queued before {@link Committer#start} meet the committer together, so
 * how it batches them is deterministic.
 */
class CommitterTest {
    private static final byte[] PASSWORD = "pw".getBytes(StandardCharsets.UTF_8);
    private static final ClientConfig CLIENT = ClientConfig.builder("127.0.0.1:2181").operationTimeout(Duration.ofSeconds(2))
            .retryBackoff(Duration.ofMillis(5)).addEntryTimeout(Duration.ofSeconds(1)).build();

    private final ScheduledExecutorService delivery = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService completions = Executors.newSingleThreadExecutor();
    private final SimZooKeeper zk = new SimZooKeeper(FaultPlan.none(), Runnable::run);
    private final StoreMetadata meta = new StoreMetadata(zk.connect(), "ns", "s");
    private final MvccIndex index = new MvccIndex();
    private final List<Committer> started = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ClientConfig client = CLIENT;
    private int bookies = 3;
    private SimBookKeeper bk;
    private WalLedgers ledgers;
    private EpochClaim claim;

    private static StoreConfig.Builder config() {
        return StoreConfig.builder().ledgerPassword("pw").maxBatchBytes(1024).maxInflightBytes(64 * 1024);
    }

    @AfterEach
    void stop() {
        started.forEach(Committer::crash);
        delivery.shutdownNow();
        completions.shutdownNow();
    }

    private Committer committer(StoreConfig cfg) {
        return committer(cfg, FaultPlan.none());
    }

    /** A writer of a new store, its first ledger not yet created; {@code bkPlan} for the bookies' faults. */
    private Committer committer(StoreConfig cfg, FaultPlan bkPlan) {
        bk = new SimBookKeeper(bookies, 1, bkPlan, delivery);
        ledgers = new WalLedgers(bk.connect(), "ns", "s", PASSWORD, null);
        meta.createIfAbsent(StoreMeta.of(cfg, 0));
        claim = meta.claimEpoch();
        Committer c = new Committer("s", cfg, CodecType.NONE.newCodec(), ledgers, meta, claim, meta.readLedgers(), index,
                completions, WriterHooks.NONE, null, client, 0, 0, new StoreMetrics(registry, "ns", "s", "writer", "NONE"));
        started.add(c);
        return c;
    }

    private static List<Mutation> puts(String key, byte[] value) {
        return List.of(new Mutation(b(key), value));
    }

    private static CompletableFuture<Lsn> put(Committer c, String key, byte[] value) {
        List<Mutation> ops = puts(key, value);
        return c.enqueue(ops, TxnRecord.encodedSize(ops));
    }

    private static CompletableFuture<Lsn> put(Committer c, String key, String value) {
        return put(c, key, b(value));
    }

    private static CompletableFuture<Lsn> conditional(Committer c, List<Mutation> ops, String key, Condition condition) {
        Deferred d = new Deferred(List.of(Map.entry(b(key), condition)), new TreeMap<>(Arrays::compareUnsigned));
        return c.enqueue(ops, TxnRecord.encodedSize(ops), d);
    }

    private static Lsn await(CompletableFuture<Lsn> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the commit succeeded");
    }

    // ---- batching --------------------------------------------------------------------------------

    @Test
    void transactionsQueuedTogetherShareOneEntryInQueueOrder() throws Exception {
        Committer c = committer(config().build());
        CompletableFuture<Lsn> a = put(c, "a", "1");
        CompletableFuture<Lsn> bb = put(c, "b", "2");
        CompletableFuture<Lsn> cc = put(c, "c", "3");
        assertThat(c.lastEnqueued()).isSameAs(cc);
        c.start(null);
        assertThat(List.of(await(a), await(bb), await(cc))).containsExactly(new Lsn(1, 0, 0), new Lsn(1, 0, 1), new Lsn(1, 0, 2));
        assertThat(s(index.get(b("b")))).isEqualTo("2");
        assertThat(c.entriesWritten()).isEqualTo(1);
        long payload = 3L * TxnRecord.encode(puts("a", b("1"))).length;
        assertThat(c.logicalBytes()).isEqualTo(payload);
        assertThat(c.storedBytes()).as("the entry's header comes on top").isGreaterThan(payload);
        assertThat(c.currentLedgerId()).isEqualTo(c.ledgerList().last().ledgerId());
        assertThat(c.ledgerList()).isEqualTo(meta.readLedgers().value());
        assertThat(c.failure()).isNull();
    }

    @Test
    void anEntryHoldsAtMostMaxBatchTxnsTransactions() throws Exception {
        Committer c = committer(config().maxBatchTxns(2).build());
        List<CompletableFuture<Lsn>> f = List.of(put(c, "a", "1"), put(c, "b", "2"), put(c, "c", "3"));
        c.start(null);
        assertThat(List.of(await(f.get(0)), await(f.get(1)), await(f.get(2))))
                .containsExactly(new Lsn(1, 0, 0), new Lsn(1, 0, 1), new Lsn(1, 1, 0));
    }

    @Test
    void anEntryHoldsAtMostMaxBatchBytes() throws Exception {
        Committer c = committer(config().build());
        // Records of about 410 bytes: two fit in 1,024, three do not.
        List<CompletableFuture<Lsn>> f = List.of(put(c, "a", filled(400, 1)), put(c, "b", filled(400, 2)),
                put(c, "c", filled(400, 3)));
        c.start(null);
        assertThat(List.of(await(f.get(0)), await(f.get(1)), await(f.get(2))))
                .containsExactly(new Lsn(1, 0, 0), new Lsn(1, 0, 1), new Lsn(1, 1, 0));
        assertThat(c.entriesWritten()).isEqualTo(2);
    }

    @Test
    void aTransactionLargerThanAnEntryIsWrittenInPartsAndCommitsAtItsLast() throws Exception {
        Committer c = committer(config().build());
        byte[] big = filled(2_500, 7);
        CompletableFuture<Lsn> before = put(c, "a", "1");
        CompletableFuture<Lsn> large = put(c, "big", big);
        CompletableFuture<Lsn> after = put(c, "z", "2");
        c.start(null);
        assertThat(await(before)).isEqualTo(new Lsn(1, 0, 0));
        assertThat(await(large)).as("parts in entries 1 and 2, the commit in 3").isEqualTo(new Lsn(1, 3, 0));
        assertThat(await(after)).isEqualTo(new Lsn(1, 4, 0));
        assertThat(index.get(b("big"))).isEqualTo(big);
        assertThat(c.entriesWritten()).isEqualTo(5);
    }

    @Test
    void aTransactionOfExactlyTwoEntriesIsWrittenInTwoParts() throws Exception {
        Committer c = committer(config().build());
        int chunk = config().build().maxBatchBytes();
        int valueBytes = 2 * chunk;
        while (TxnRecord.encodedSize(List.of(new Mutation(b("big"), new byte[valueBytes]))) > 2 * chunk) {
            valueBytes--;
        }
        assertThat(TxnRecord.encodedSize(List.of(new Mutation(b("big"), new byte[valueBytes])))).isEqualTo(2 * chunk);
        byte[] big = filled(valueBytes, 3);
        CompletableFuture<Lsn> before = put(c, "a", "1");
        CompletableFuture<Lsn> large = put(c, "big", big);
        c.start(null);
        assertThat(await(before)).isEqualTo(new Lsn(1, 0, 0));
        assertThat(await(large)).as("a record of exactly two entries' bytes: a part in entry 1, the commit in 2").isEqualTo(new Lsn(1, 2, 0));
        assertThat(index.get(b("big"))).isEqualTo(big);
        assertThat(c.entriesWritten()).isEqualTo(3);
    }

    // ---- conditions and counters ---------------------------------------------------------------

    @Test
    void conditionsAreResolvedAgainstEveryTransactionQueuedBeforeThem() throws Exception {
        Committer c = committer(config().build());
        CompletableFuture<Lsn> a = put(c, "a", "1");
        CompletableFuture<Lsn> holds = conditional(c, puts("b", b("2")), "a", Condition.valueEquals(b("1")));
        CompletableFuture<Lsn> fails = conditional(c, puts("b", b("3")), "a", Condition.absent());
        TreeMap<byte[], Long> inc = new TreeMap<>(Arrays::compareUnsigned);
        inc.put(b("n"), 5L);
        List<Mutation> placeholder = puts("n", new byte[Deferred.COUNTER_BYTES]);
        Deferred counter = new Deferred(List.of(), inc);
        CompletableFuture<Lsn> incremented = c.enqueue(placeholder, TxnRecord.encodedSize(placeholder), counter);
        CompletableFuture<Lsn> checkOnly = conditional(c, List.of(), "b", Condition.valueEquals(b("2")));
        CompletableFuture<Lsn> last = put(c, "z", "9");
        c.start(null);

        assertThat(await(a)).isEqualTo(new Lsn(1, 0, 0));
        assertThat(await(holds)).isEqualTo(new Lsn(1, 1, 0));
        assertThat(failureOf(fails)).isInstanceOf(ConditionFailedException.class);
        assertThat(await(incremented)).isEqualTo(new Lsn(1, 2, 0));
        assertThat(counter.result(b("n"))).isEqualTo(5);
        assertThat(Deferred.decodeCounter(index.get(b("n")))).isEqualTo(5);
        assertThat(await(checkOnly)).as("nothing to write: it follows the last transaction").isEqualTo(new Lsn(1, 2, 0));
        assertThat(await(last)).isEqualTo(new Lsn(1, 3, 0));
        assertThat(s(index.get(b("b")))).isEqualTo("2");
        assertThat(c.entriesWritten()).isEqualTo(4);
    }

    // ---- rolls, trims and failures ---------------------------------------------------------------

    @Test
    void theWriterMovesToANewLedgerOnceOneReachesLedgerRollBytes() throws Exception {
        Committer c = committer(config().ledgerRollBytes(1024).build());
        c.start(null);
        long first = c.currentLedgerId();
        assertThat(await(put(c, "a", filled(600, 1)))).isEqualTo(new Lsn(1, 0, 0));
        assertThat(await(put(c, "b", filled(600, 2)))).isEqualTo(new Lsn(1, 1, 0));
        assertThat(await(put(c, "c", "small"))).isEqualTo(new Lsn(2, 0, 0));
        assertThat(c.ledgerRolls()).isEqualTo(1);
        assertThat(c.rollAttempts()).isEqualTo(1);
        assertThat(c.currentLedgerId()).isNotEqualTo(first);
        List<LedgerRef> refs = meta.readLedgers().value().ledgers();
        assertThat(refs.get(0)).isEqualTo(new LedgerRef(1, first, claim.epoch(), LedgerRef.State.CLOSED, 1, 2));
        assertThat(refs.get(1).state()).isEqualTo(LedgerRef.State.OPEN);

        assertThat(c.trimLedgers(1).get(10, TimeUnit.SECONDS)).as("transaction 2 is not covered").isEmpty();
        assertThat(c.trimLedgers(3).get(10, TimeUnit.SECONDS)).containsExactly(refs.get(0));
        assertThat(c.ledgerList().ledgers()).containsExactly(refs.get(1));
        assertThat(meta.readLedgers().value()).isEqualTo(c.ledgerList());
    }

    @Test
    void anEntryThatFailsIsWrittenAgainToANewLedger() throws Exception {
        FaultPlan timeoutOfTheFirstAdd = FaultPlan.explicit(List.of(
                new FaultPlan.Fired(FaultPlan.Point.BK_ADD, 0, FaultPlan.Fault.BK_ADD_TIMEOUT, 0)));
        Committer c = committer(config().build(), timeoutOfTheFirstAdd);
        CompletableFuture<Lsn> a = put(c, "a", "1");
        c.start(null);
        assertThat(await(a)).isEqualTo(new Lsn(2, 0, 0));
        assertThat(c.ledgerRolls()).isEqualTo(1);
        assertThat(meta.readLedgers().value().bySeq(1).state()).isEqualTo(LedgerRef.State.CLOSED);
        assertThat(meta.readLedgers().value().bySeq(1).lastEntryId()).as("the entry never reached it").isEqualTo(-1);
        assertThat(s(index.get(b("a")))).isEqualTo("1");
    }

    @Test
    void aWriterWhoseLedgerWasRecoveredByAnotherIsFencedForGood() throws Exception {
        Committer c = committer(config().build());
        c.start(null);
        await(put(c, "a", "1"));
        ledgers.openRecover(c.currentLedgerId()).close();
        assertThat(failureOf(put(c, "b", "2"))).isInstanceOf(StoreFencedException.class);
        assertThat(c.failure()).isInstanceOf(StoreFencedException.class);
        assertThat(failureOf(put(c, "c", "3"))).isSameAs(c.failure());
        assertThat(failureOf(c.trimLedgers(10))).isSameAs(c.failure());
        assertThat(index.get(b("b"))).isNull();
        assertThat(c.shutdown(Duration.ofSeconds(5))).as("not a clean stop").isFalse();
    }

    @Test
    void aFirstLedgerTheBookiesCannotServeFailsTheStart() {
        Committer c = committer(config().build());
        for (int i = 0; i < bk.bookies(); i++) {
            bk.stopBookie(i);
        }
        assertThatThrownBy(() -> c.start(null)).isInstanceOf(ClusterUnavailableException.class)
                .hasMessageContaining("creating the first ledger");
        assertThat(c.failure()).isNotNull();
    }

    @Test
    void aStartAfterAnotherWriterClaimedTheStoreIsFenced() throws Exception {
        Committer c = committer(config().build());
        new StoreMetadata(zk.connect(), "ns", "s").claimEpoch();
        assertThatThrownBy(() -> c.start(null)).isInstanceOf(StoreFencedException.class);
        assertThat(c.failure()).isInstanceOf(StoreFencedException.class);
    }

    // ---- back-pressure, shutdown, crash ----------------------------------------------------------

    @Test
    void aCommitWaitsAtMostMaxBlockForRoomBehindPendingCommits() throws Exception {
        Committer c = committer(config().maxKeyBytes(100).maxTxnBytes(2048).maxPendingBytes(2048).maxBlock(Duration.ofMillis(20)).build());
        CompletableFuture<Lsn> first = put(c, "a", filled(1500, 1));
        Throwable blocked = failureOf(put(c, "b", filled(1500, 2)));
        assertThat(blocked).isInstanceOf(LedgerKvException.class).hasMessageContaining("commit blocked for")
                .hasMessageContaining("maxPendingBytes");
        c.start(null);
        await(first);
        assertThat(await(put(c, "b", filled(1500, 2)))).as("room again once the first committed").isNotNull();
    }

    /** Holds every add acknowledgement (the simulation delivers them on {@code delivery}) until the returned latch opens. */
    private CountDownLatch holdAcks() {
        CountDownLatch release = new CountDownLatch(1);
        delivery.execute(() -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return release;
    }

    private double outstandingBytes() {
        return registry.get("ledgerkv.outstanding").gauge().value();
    }

    @Test
    void theBytesSentAndNotYetAcknowledgedStayWithinMaxInflightBytes() throws Exception {
        // Records of about 910 bytes: one per entry (maxBatchBytes 1,024), four fit in the window.
        Committer c = committer(config().maxInflightBytes(4096).build());
        c.start(null);
        CountDownLatch release = holdAcks();
        List<CompletableFuture<Lsn>> f = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            f.add(put(c, "k" + i, filled(900, i)));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> outstandingBytes() > 4096 - 1000);
        Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> outstandingBytes() <= 4096 && f.stream().noneMatch(CompletableFuture::isDone));
        release.countDown();
        for (int i = 0; i < 12; i++) {
            assertThat(await(f.get(i))).isEqualTo(new Lsn(1, i, 0));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> outstandingBytes() == 0);
    }

    @Test
    void aGracefulStopWaitsForTheEntryInFlightAndThenStopsCleanly() throws Exception {
        Committer c = committer(config().build());
        c.start(null);
        CountDownLatch release = holdAcks();
        CompletableFuture<Lsn> a = put(c, "a", "1");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> outstandingBytes() > 0); // sent, not answered
        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> {
            try {
                return c.shutdown(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // The committer took the stop and waits for the outcome of the entry in flight.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().values().stream()
                .anyMatch(st -> Arrays.stream(st).anyMatch(f -> f.getMethodName().equals("stopGracefully"))));
        assertThat(stopped).as("it waits for the answer").isNotDone();
        release.countDown();
        assertThat(stopped.get(10, TimeUnit.SECONDS)).as("a clean stop").isTrue();
        assertThat(await(a)).isEqualTo(new Lsn(1, 0, 0));
        assertThat(meta.readLedgers().value().last().state()).isEqualTo(LedgerRef.State.CLOSED);
    }

    @Test
    void aStopThatCannotFinishInTimeFailsWhatIsLeftAndSaysSo() throws Exception {
        Committer c = committer(config().build());
        c.start(null);
        CountDownLatch release = holdAcks();
        CompletableFuture<Lsn> a = put(c, "a", "1");
        try {
            assertThat(c.shutdown(Duration.ofMillis(200))).as("not a clean stop").isFalse();
            assertThat(failureOf(a)).isInstanceOf(StoreClosedException.class)
                    .hasMessageContaining("closed before its commits finished within 200ms");
            assertThat(c.failure()).isInstanceOf(StoreClosedException.class);
        } finally {
            release.countDown();
        }
        assertThat(meta.readLedgers().value().last().state()).as("not recorded as closed").isEqualTo(LedgerRef.State.OPEN);
    }

    /** Bookies that take adds and never answer: the stall bound is 2 x 100 ms + 200 ms here. */
    private Throwable stalls(StoreConfig cfg, Function<Committer, CompletableFuture<?>> work) throws Exception {
        client = CLIENT.toBuilder().addEntryTimeout(Duration.ofMillis(100)).operationTimeout(Duration.ofMillis(200)).build();
        Committer c = committer(cfg);
        c.start(null);
        CountDownLatch release = holdAcks();
        try {
            Throwable t = failureOf(work.apply(c));
            assertThat(t).isInstanceOf(StoreFailedException.class).hasMessageContaining("no add was acknowledged or failed for 400 ms");
            assertThat(c.failure()).isSameAs(t);
            return t;
        } finally {
            release.countDown();
        }
    }

    @Test
    void aWriterWaitingForRoomFromBookiesThatNeverAnswerFailsAfterTheStallBound() throws Exception {
        List<CompletableFuture<Lsn>> behind = new ArrayList<>();
        Throwable t = stalls(config().maxInflightBytes(2048).build(), c -> {
            var unusedA = put(c, "a", filled(900, 1)); // never answered: they fill the window
            var unusedB = put(c, "b", filled(900, 2));
            CompletableFuture<Lsn> third = put(c, "c", filled(900, 3)); // no room until a or b is answered
            behind.add(put(c, "d", filled(900, 4))); // taken by the committer as the next batch's first
            behind.add(put(c, "e", filled(900, 5))); // still queued when the writer fails
            return third;
        });
        assertThat(t).hasMessageContaining("waiting for room in the in-flight window");
        for (CompletableFuture<Lsn> f : behind) {
            assertThat(failureOf(f)).as("a transaction behind it fails with the writer, it is not left pending").isSameAs(t);
        }
    }

    @Test
    void aConditionalCommitBehindEntriesThatAreNeverAnsweredFailsAfterTheStallBound() throws Exception {
        assertThat(stalls(config().build(), c -> {
            var unused = put(c, "a", "1");
            return conditional(c, puts("b", b("2")), "a", Condition.valueEquals(b("1")));
        })).hasMessageContaining("waiting to resolve a conditional transaction");
    }

    @Test
    void aRollBehindEntriesThatAreNeverAnsweredFailsAfterTheStallBound() throws Exception {
        assertThat(stalls(config().ledgerRollBytes(1024).build(), c -> {
            var unused = put(c, "a", filled(1100, 1)); // fills the ledger: the next transaction waits for a roll
            return put(c, "b", "2");
        })).hasMessageContaining("before rolling");
    }

    @Test
    void aStopWithEntriesThatAreNeverAnsweredFailsAfterTheStallBound() throws Exception {
        assertThat(stalls(config().build(), c -> {
            CompletableFuture<Lsn> a = put(c, "a", "1");
            try {
                assertThat(c.shutdown(Duration.ofSeconds(10))).as("not a clean stop").isFalse();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return a;
        })).hasMessageContaining("closing with entries in flight");
    }

    @Test
    void aLingeringCommitterWaitsForMoreTransactionsToShareTheEntry() throws Exception {
        Committer c = committer(config().lingerMicros(1_000_000).build());
        c.start(null);
        CompletableFuture<Lsn> a = put(c, "a", "1");
        // The committer took a and waits up to a second for company before writing it.
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> c.queued() == 0);
        CompletableFuture<Lsn> bb = put(c, "b", "2");
        assertThat(List.of(await(a), await(bb))).containsExactly(new Lsn(1, 0, 0), new Lsn(1, 0, 1));
        assertThat(c.entriesWritten()).isEqualTo(1);
    }

    @Test
    void everyFinishedTransactionGivesItsBytesBackToThePendingBudget() throws Exception {
        // Room for two 1 KB transactions at a time, and no waiting for more: a commit whose bytes were
        // never given back would make every later one fail with "commit blocked".
        Committer c = committer(config().maxKeyBytes(100).maxTxnBytes(2048).maxPendingBytes(2048).maxBlock(Duration.ofMillis(1)).build());
        c.start(null);
        for (int i = 0; i < 20; i++) {
            await(put(c, "k" + i, filled(1000, i)));
        }
        // Conditions only, all holding: nothing is written, and the bytes still come back.
        List<Mutation> none = List.of();
        for (int i = 0; i < 20; i++) {
            Deferred check = new Deferred(List.of(Map.entry(b("k0"), Condition.valueEquals(filled(1000, 0)))),
                    new TreeMap<>(Arrays::compareUnsigned));
            await(c.enqueue(none, 1000, check)); // a nominal 1,000 bytes, so that a leak would show
        }
        // Conditions that fail: refused, nothing written, and the bytes come back too.
        for (int i = 0; i < 20; i++) {
            Deferred refused = new Deferred(List.of(Map.entry(b("k0"), Condition.absent())), new TreeMap<>(Arrays::compareUnsigned));
            assertThat(failureOf(c.enqueue(none, 1000, refused))).isInstanceOf(ConditionFailedException.class);
        }
        assertThat(failureOf(conditional(c, puts("k0", b("x")), "k0", Condition.absent())))
                .isInstanceOf(ConditionFailedException.class);
        assertThat(await(put(c, "last", filled(1000, 99)))).as("still room after failed conditions").isNotNull();
    }

    @Test
    void aGracefulStopCommitsWhatWasQueuedAndRecordsTheLastLedgerClosed() throws Exception {
        Committer c = committer(config().build());
        c.start(null);
        CompletableFuture<Lsn> a = put(c, "a", "1");
        assertThat(c.shutdown(Duration.ofSeconds(10))).isTrue();
        assertThat(await(a)).isEqualTo(new Lsn(1, 0, 0));
        LedgerRef last = meta.readLedgers().value().last();
        assertThat(last.state()).isEqualTo(LedgerRef.State.CLOSED);
        assertThat(last.lastEntryId()).isZero();
        assertThat(last.lastTxnSeq()).isEqualTo(1);
        assertThat(failureOf(put(c, "b", "2"))).isInstanceOf(StoreClosedException.class);
        assertThat(failureOf(c.trimLedgers(1))).isInstanceOf(StoreClosedException.class);
    }

    @Test
    void aCrashedWriterWritesNothingMoreAndLeavesItsLedgerOpen() throws Exception {
        Committer c = committer(config().build());
        c.start(null);
        await(put(c, "a", "1"));
        c.crash();
        assertThat(failureOf(put(c, "b", "2"))).isInstanceOf(StoreClosedException.class).hasMessageContaining("crashed");
        assertThat(meta.readLedgers().value().last().state()).isEqualTo(LedgerRef.State.OPEN);
    }

    @Test
    void theCodecCanBeSwitchedForTheNextEntries() throws Exception {
        Committer c = committer(config().build());
        c.start(null);
        Codec lz4 = CodecType.LZ4.newCodec();
        c.switchCodec(lz4);
        assertThat(c.codec()).isSameAs(lz4);
        byte[] compressible = new byte[800];
        await(put(c, "a", compressible));
        assertThat(c.storedBytes()).as("compressed").isLessThan(c.logicalBytes());
    }

    @Test
    void theWriterReportsWhatItCommittedThroughItsMetrics() throws Exception {
        Committer c = committer(config().build());
        List<CompletableFuture<Lsn>> f = List.of(put(c, "a", "1"), put(c, "b", "2"), put(c, "c", "3"));
        c.start(null);
        for (CompletableFuture<Lsn> x : f) {
            await(x);
        }
        // Metrics are updated on the log thread before the futures complete on the completions thread.
        assertThat(registry.get("ledgerkv.commits").counter().count()).isEqualTo(3);
        assertThat(registry.get("ledgerkv.commit.latency").timer().count()).isEqualTo(3);
        assertThat(registry.get("ledgerkv.batch.transactions").summary().totalAmount()).isEqualTo(3);
        assertThat(registry.get("ledgerkv.batch.size").summary().totalAmount()).isEqualTo((double) c.logicalBytes());
        assertThat(registry.get("ledgerkv.wal.logical").counter().count()).isEqualTo((double) c.logicalBytes());
        assertThat(registry.get("ledgerkv.wal.stored").counter().count()).isEqualTo((double) c.storedBytes());
        assertThat(registry.get("ledgerkv.outstanding").gauge().value()).as("everything acknowledged").isZero();
        assertThat(registry.get("ledgerkv.compression.ratio").gauge().value())
                .isEqualTo(c.logicalBytes() / (double) c.storedBytes());
        assertThat(registry.get("ledgerkv.ledger.rolls").functionCounter().count()).isZero();
        assertThat(registry.get("ledgerkv.ensemble.changes").functionCounter().count()).isZero();
        assertThat(registry.get("ledgerkv.fenced").counter().count()).isZero();
    }

    @Test
    void aFencedWriterCountsItInItsMetrics() throws Exception {
        Committer c = committer(config().build());
        assertThat(registry.get("ledgerkv.compression.ratio").gauge().value()).as("nothing written yet").isZero();
        c.start(null);
        ledgers.openRecover(c.currentLedgerId()).close();
        assertThat(failureOf(put(c, "a", "1"))).isInstanceOf(StoreFencedException.class);
        assertThat(registry.get("ledgerkv.fenced").counter().count()).isEqualTo(1);
    }

    @Test
    void bookiesBookKeeperReplacedAreCountedAcrossRolls() throws Exception {
        bookies = 4;
        FaultPlan bookieFailsAtTheFirstAdd = FaultPlan.explicit(List.of(
                new FaultPlan.Fired(FaultPlan.Point.BK_ADD, 0, FaultPlan.Fault.BK_ENSEMBLE_CHANGE, 0)));
        Committer c = committer(config().ledgerRollBytes(1024).build(), bookieFailsAtTheFirstAdd);
        c.start(null);
        assertThat(await(put(c, "a", filled(1100, 1)))).as("two parts, one ledger").isEqualTo(new Lsn(1, 1, 0));
        assertThat(c.ensembleChanges()).isEqualTo(1);
        assertThat(await(put(c, "b", "2"))).isEqualTo(new Lsn(2, 0, 0));
        assertThat(c.ensembleChanges()).as("the closed ledger's change still counts").isEqualTo(1);
        assertThat(registry.get("ledgerkv.ensemble.changes").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("ledgerkv.ledger.rolls").functionCounter().count()).isEqualTo(1);
        assertThat(meta.readLedgers().value().bySeq(1).lastTxnSeq()).isEqualTo(1);
    }

    @Test
    void aCommitInterruptedWhileWaitingForRoomWritesNothing() throws Exception {
        Committer c = committer(config().build());
        Thread.currentThread().interrupt();
        Throwable interrupted;
        try {
            interrupted = c.enqueue(puts("a", b("1")), TxnRecord.encodedSize(puts("a", b("1")))).handle((lsn, e) -> e).join();
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(interrupted).isInstanceOf(LedgerKvException.class).hasMessageContaining("interrupted while waiting to commit");
        c.start(null);
        assertThat(await(put(c, "b", "2"))).as("it was never queued").isEqualTo(new Lsn(1, 0, 0));
    }

    @Test
    void aStartWhoseLedgerListCannotBeUpdatedFailsWithTheMetadataError() {
        client = CLIENT.toBuilder().operationTimeout(Duration.ofMillis(100)).build();
        Committer c = committer(config().build());
        for (int i = 0; i < 200; i++) {
            zk.injectOnce(op -> op instanceof ZkNodes.SetData sd && sd.path().equals(meta.paths().ledgers()),
                    FaultPlan.Fault.ZK_CONNECTION_LOSS);
        }
        assertThatThrownBy(() -> c.start(null)).isInstanceOf(ClusterUnavailableException.class)
                .hasMessageContaining("ZooKeeper unavailable");
        assertThat(c.failure()).isNotNull();
    }

    @Test
    void aTrimAfterAnotherWriterClaimedTheStoreFencesTheWriter() throws Exception {
        Committer c = committer(config().ledgerRollBytes(1024).build());
        c.start(null);
        await(put(c, "a", filled(1100, 1)));
        assertThat(await(put(c, "b", "1"))).as("after a roll").isEqualTo(new Lsn(2, 0, 0));
        new StoreMetadata(zk.connect(), "ns", "s").claimEpoch();
        assertThat(failureOf(c.trimLedgers(5))).isInstanceOf(StoreFencedException.class);
        assertThat(c.failure()).isInstanceOf(StoreFencedException.class);
        assertThat(failureOf(put(c, "c", "2"))).isInstanceOf(StoreFencedException.class);
    }

    @Test
    void productionHooksBreakNothing() {
        assertThat(WriterHooks.NONE.ackBeforeQuorum()).isFalse();
        assertThat(WriterHooks.NONE.applyPartsOnReplay()).isFalse();
        assertThat(WriterHooks.NONE.ackInFlightWhenFenced()).isFalse();
        assertThat(WriterHooks.NONE.cursorFollowsOlderLac()).isFalse();
        assertThat(WriterHooks.NONE.loseFromLog(1)).isFalse();
    }
}
