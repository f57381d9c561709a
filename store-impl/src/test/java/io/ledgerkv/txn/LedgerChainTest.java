package io.ledgerkv.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFailedException;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.log.WriteLedger;
import io.ledgerkv.meta.EpochClaim;
import io.ledgerkv.meta.LedgerList;
import io.ledgerkv.meta.LedgerRef;
import io.ledgerkv.meta.StoreMeta;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.meta.Versioned;
import io.ledgerkv.meta.ZkNodes;
import io.ledgerkv.sim.FaultPlan;
import io.ledgerkv.sim.SimBookKeeper;
import io.ledgerkv.sim.SimZooKeeper;
import io.ledgerkv.testing.ForwardingWriteLedger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The roll and trim protocol of a writer's WAL ledgers, on simulated BookKeeper and ZooKeeper. */
class LedgerChainTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration BACKOFF = Duration.ofMillis(20);
    private static final StoreConfig CFG = StoreConfig.builder().ledgerPassword("pw").build();
    private static final byte[] PASSWORD = "pw".getBytes(StandardCharsets.UTF_8);
    /** The writer is not closing: every append goes on. */
    @SuppressWarnings("UnnecessaryLambda") // one name at every append below reads better than a method reference
    private static final BooleanSupplier GO_ON = () -> false;

    private final ScheduledExecutorService delivery = Executors.newSingleThreadScheduledExecutor();
    private final FaultPlan bkPlan = FaultPlan.none();
    private final SimBookKeeper bk = new SimBookKeeper(3, 1, bkPlan, delivery);
    private final WalLedgers ledgers = new WalLedgers(bk.connect(), "ns", "s", PASSWORD, null);
    private final SimZooKeeper zk = new SimZooKeeper(FaultPlan.none(), Runnable::run);
    private final StoreMetadata meta = new StoreMetadata(zk.connect(), "ns", "s");
    private final StoreMetadata successor = new StoreMetadata(zk.connect(), "ns", "s");
    private final EpochClaim claim;

    LedgerChainTest() {
        meta.createIfAbsent(StoreMeta.of(CFG, 0));
        claim = meta.claimEpoch();
    }

    @AfterEach
    void stopDelivery() {
        delivery.shutdownNow();
        Thread.interrupted(); // a test that interrupts this thread must not leak it into the next
    }

    private LedgerChain chain() {
        return chain(TIMEOUT, BACKOFF);
    }

    private LedgerChain chain(Duration timeout, Duration backoff) {
        return chain(ledgers, timeout, backoff);
    }

    private LedgerChain chain(WalLedgers on, Duration timeout, Duration backoff) {
        ClientConfig client = ClientConfig.builder("127.0.0.1:2181").operationTimeout(timeout).retryBackoff(backoff).build();
        return new LedgerChain("s", CFG, on, meta, claim, meta.readLedgers(), client);
    }

    /** The store's ledgers on a BookKeeper whose first call at {@code point} meets {@code fault}. */
    private WalLedgers ledgersFailingOnce(FaultPlan.Point point, FaultPlan.Fault fault) {
        FaultPlan plan = FaultPlan.explicit(List.of(new FaultPlan.Fired(point, 0, fault, 0)));
        return new WalLedgers(new SimBookKeeper(3, 1, plan, delivery).connect(), "ns", "s", PASSWORD, null);
    }

    /** Whether {@code op} writes the ledger list. */
    private boolean settingLedgers(ZkNodes.Op op) {
        return op instanceof ZkNodes.SetData s && s.path().equals(meta.paths().ledgers());
    }

    private void stopAllBookies() {
        for (int b = 0; b < bk.bookies(); b++) {
            bk.stopBookie(b);
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    // ---- appending ledgers -----------------------------------------------------------------------

    @Test
    void appendingRegistersANewOpenLedgerAndClosesThePreviousOneInTheSameUpdate() throws Exception {
        LedgerChain chain = chain();
        LedgerChain.Link first = chain.append(null, GO_ON);
        assertThat(first.seq()).isEqualTo(1);
        assertThat(chain.list().ledgers()).containsExactly(new LedgerRef(1, first.ledger().id(), 1, LedgerRef.State.OPEN, -1, -1));
        assertThat(meta.readLedgers().value()).isEqualTo(chain.list());

        for (int i = 0; i < 3; i++) {
            first.ledger().append(new byte[] {(byte) i});
        }
        assertThat(chain.close(first.ledger())).isEqualTo(2);
        LedgerChain.Link second = chain.append(new LedgerChain.Closing(1, 2, 7), GO_ON);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(chain.list()).isEqualTo(new LedgerList(List.of(
                new LedgerRef(1, first.ledger().id(), 1, LedgerRef.State.CLOSED, 2, 7),
                new LedgerRef(2, second.ledger().id(), 1, LedgerRef.State.OPEN, -1, -1)), 3));
        assertThat(meta.readLedgers()).isEqualTo(new Versioned<>(chain.list(), 2));

        chain.closeLast(2, second.ledger(), 9);
        assertThat(chain.list().bySeq(2)).isEqualTo(new LedgerRef(2, second.ledger().id(), 1, LedgerRef.State.CLOSED, -1, 9));
        assertThat(meta.readLedgers()).isEqualTo(new Versioned<>(chain.list(), 3));
    }

    @Test
    void aLedgerCreatedBeforehandIsTheOneAppended() throws Exception {
        WriteLedger created = ledgers.create(WalLedgers.Kind.WAL, CFG, claim.epoch());
        LedgerChain.Link link = chain().append(null, GO_ON, created);
        assertThat(link.ledger()).isSameAs(created);
        assertThat(bk.ledgerIds()).containsExactly(created.id());
    }

    @Test
    void aLedgerCreationThatFailsOnceIsRetried() {
        LedgerChain chain = chain(ledgersFailingOnce(FaultPlan.Point.BK_CREATE, FaultPlan.Fault.BK_CREATE_FAILS), TIMEOUT, BACKOFF);
        assertThat(chain.append(null, GO_ON).seq()).isEqualTo(1);
        assertThat(meta.readLedgers().value().ledgers()).hasSize(1);
    }

    @Test
    void aListUpdateThatLosesTheConnectionIsRetriedWithTheSameLedger() {
        zk.injectOnce(this::settingLedgers, FaultPlan.Fault.ZK_CONNECTION_LOSS);
        LedgerChain.Link link = chain().append(null, GO_ON);
        assertThat(bk.ledgerIds()).containsExactly(link.ledger().id());
        assertThat(meta.readLedgers().value().last().ledgerId()).isEqualTo(link.ledger().id());
    }

    @Test
    void aListUpdateAppliedBeforeTheConnectionWasLostIsRecognisedOnTheRetry() {
        zk.injectOnce(this::settingLedgers, FaultPlan.Fault.ZK_APPLIED_THEN_CONNECTION_LOSS);
        LedgerChain chain = chain();
        LedgerChain.Link link = chain.append(null, GO_ON);
        assertThat(meta.readLedgers()).isEqualTo(new Versioned<>(chain.list(), 1));
        assertThat(chain.append(null, GO_ON).seq()).as("the chain knows the current version").isEqualTo(link.seq() + 1);
    }

    @Test
    void retriesPauseAndGiveUpAfterTheOperationTimeout() {
        stopAllBookies();
        long start = System.nanoTime();
        assertThatThrownBy(() -> chain().append(null, GO_ON)).isInstanceOf(StoreFailedException.class)
                .hasMessageContaining("could not create a new ledger within " + ConfigFile.format(TIMEOUT)).hasCauseInstanceOf(LogException.class);
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(TIMEOUT.toMillis());
        // Pauses of 20, 40, 80, 160 ms fit in 300 ms: a handful of attempts, not a busy loop.
        assertThat(bkPlan.calls().get(FaultPlan.Point.BK_CREATE)).isBetween(2L, 10L);
    }

    @Test
    void aLedgerTheListNeverNamedIsDeletedWhenTheUpdateKeepsFailing() {
        for (int i = 0; i < 100; i++) {
            zk.injectOnce(this::settingLedgers, FaultPlan.Fault.ZK_CONNECTION_LOSS);
        }
        assertThatThrownBy(() -> chain().append(null, GO_ON)).isInstanceOf(StoreFailedException.class);
        assertThat(bk.ledgerIds()).isEmpty();
        assertThat(meta.readLedgers().value()).isEqualTo(LedgerList.EMPTY);
    }

    @Test
    void aSupersededWriterIsFencedAndItsNewLedgerDeleted() {
        LedgerChain chain = chain();
        successor.claimEpoch();
        assertThatThrownBy(() -> chain.append(null, GO_ON)).isInstanceOf(StoreFencedException.class)
                .hasMessageContaining("store 's'").hasMessageContaining("writer epoch is now 2");
        assertThat(bk.ledgerIds()).isEmpty();
    }

    @Test
    void aLedgerAnUpdateRegisteredBeforeItsWriterWasFencedIsKept() {
        zk.injectOnce(this::settingLedgers, FaultPlan.Fault.ZK_APPLIED_THEN_CONNECTION_LOSS);
        AtomicInteger attempts = new AtomicInteger();
        BooleanSupplier successorOpensBeforeTheRetry = () -> {
            if (attempts.incrementAndGet() == 2) {
                successor.claimEpoch();
            }
            return false;
        };
        assertThatThrownBy(() -> chain().append(null, successorOpensBeforeTheRetry)).isInstanceOf(StoreFencedException.class);
        List<LedgerRef> listed = meta.readLedgers().value().ledgers();
        assertThat(listed).hasSize(1);
        assertThat(bk.ledgerIds()).as("the successor recovers it").containsExactly(listed.get(0).ledgerId());
    }

    @Test
    void aWriterThatFailedMeanwhileStopsAndGivesUpTheLedger() throws Exception {
        assertThat(chain().append(null, () -> true)).isNull();
        assertThat(bk.ledgerIds()).isEmpty();
        WriteLedger created = ledgers.create(WalLedgers.Kind.WAL, CFG, claim.epoch());
        assertThat(chain().append(null, () -> true, created)).isNull();
        assertThat(bk.ledgerIds()).isEmpty();
        assertThat(meta.readLedgers().value()).isEqualTo(LedgerList.EMPTY);
    }

    @Test
    void anInterruptDuringARetryPauseClosesTheWriterAndGivesUpTheLedger() throws Exception {
        WriteLedger created = ledgers.create(WalLedgers.Kind.WAL, CFG, claim.epoch());
        zk.injectOnce(this::settingLedgers, FaultPlan.Fault.ZK_CONNECTION_LOSS);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> chain().append(null, GO_ON, created)).isInstanceOf(StoreClosedException.class)
                .hasMessageContaining("interrupted while creating a ledger");
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        assertThat(bk.ledgerIds()).isEmpty();
    }

    // ---- closing ---------------------------------------------------------------------------------

    @Test
    void closingALedgerAnotherWriterRecoveredIsFenced() throws Exception {
        WriteLedger lh = ledgers.create(WalLedgers.Kind.WAL, CFG, claim.epoch());
        lh.append(new byte[] {1});
        ledgers.openRecover(lh.id()).close();
        assertThatThrownBy(() -> chain().close(lh)).isInstanceOf(StoreFencedException.class)
                .hasMessageContaining("recovered by another writer");
    }

    /** The simulated handle, counting close attempts. */
    private static final class CountingCloses extends ForwardingWriteLedger {
        final AtomicInteger closes = new AtomicInteger();

        CountingCloses(WriteLedger lh) {
            super(lh);
        }

        @Override
        public long close() throws LogException {
            closes.incrementAndGet();
            return delegate.close();
        }
    }

    @Test
    void aCloseThatKeepsFailingIsRetriedWithPausesUntilTheOperationTimeout() throws Exception {
        WalLedgers failingClose = ledgersFailingOnce(FaultPlan.Point.BK_CLOSE, FaultPlan.Fault.BK_CLOSE_FAILS);
        CountingCloses lh = new CountingCloses(failingClose.create(WalLedgers.Kind.WAL, CFG, claim.epoch()));
        long start = System.nanoTime();
        assertThatThrownBy(() -> chain().close(lh)).isInstanceOf(StoreFailedException.class)
                .hasMessageContaining("could not close ledger " + lh.id() + " within " + ConfigFile.format(TIMEOUT));
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(TIMEOUT.toMillis());
        assertThat(lh.closes.get()).isBetween(2, 10);
    }

    // ---- trimming --------------------------------------------------------------------------------

    private static LedgerRef closed(long seq, long lastTxn) {
        return new LedgerRef(seq, 100 + seq, 1, LedgerRef.State.CLOSED, 5, lastTxn);
    }

    @Test
    void trimmingRemovesTheClosedLedgersACheckpointCoversExceptTheCurrentOne() throws Exception {
        LedgerRef zero = closed(1, 0);
        LedgerRef covered = closed(2, 10);
        LedgerRef after = closed(3, 11);
        LedgerRef unknown = closed(4, -1);
        LedgerRef current = closed(5, 3);
        LedgerRef open = new LedgerRef(6, 106, 1, LedgerRef.State.OPEN, -1, -1);
        LedgerList list = new LedgerList(List.of(zero, covered, after, unknown, current, open), 7);
        meta.casLedgers(claim, list, 0);
        LedgerChain chain = chain();

        assertThat(chain.trim(10, 5)).containsExactly(zero, covered);
        LedgerList trimmed = new LedgerList(List.of(after, unknown, current, open), 7);
        assertThat(chain.list()).isEqualTo(trimmed);
        assertThat(meta.readLedgers()).isEqualTo(new Versioned<>(trimmed, 2));

        assertThat(chain.trim(10, 5)).as("nothing more to trim").isEmpty();
        assertThat(meta.readLedgers().version()).as("and nothing written").isEqualTo(2);
        assertThat(chain.trim(Long.MAX_VALUE, 6)).containsExactly(after, current);
    }

    @Test
    void aSupersededWriterCannotTrim() throws Exception {
        meta.casLedgers(claim, new LedgerList(List.of(closed(1, 1)), 2), 0);
        LedgerChain chain = chain();
        successor.claimEpoch();
        assertThatThrownBy(() -> chain.trim(5, 2)).isInstanceOf(StoreFencedException.class);
        assertThat(meta.readLedgers().value().ledgers()).hasSize(1);
    }

    @Test
    void retryPausesDoubleFromTheFirstUpToTwentyTimesIt() throws Exception {
        LedgerChain chain = chain(Duration.ofSeconds(1), Duration.ofMillis(5));
        long start = System.nanoTime();
        chain.backoff(0);
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(5);
        start = System.nanoTime();
        chain.backoff(3);
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(40);
        start = System.nanoTime();
        chain.backoff(30);
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(100);
    }
}
