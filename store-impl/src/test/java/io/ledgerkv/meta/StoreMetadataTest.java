package io.ledgerkv.meta;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreNotFoundException;
import io.ledgerkv.sim.FaultPlan;
import io.ledgerkv.sim.SimZooKeeper;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The store's metadata protocol on a simulated ZooKeeper: creation, the writer-epoch claim and the
 * epoch-guarded updates, with the races and lost responses a real ensemble produces made to happen
 * at an exact point.
 */
class StoreMetadataTest {
    private static final StoreConfig CFG = StoreConfig.builder().ledgerPassword("pw").build();
    private static final StoreMeta META = StoreMeta.of(CFG, 1_000);

    private final SimZooKeeper sim = new SimZooKeeper(FaultPlan.none(), Runnable::run);
    private final SimZooKeeper.Client zk = sim.connect();
    private final Interleaved mine = new Interleaved(zk);
    private final StoreMetadata store = new StoreMetadata(mine, "ns", "s");
    /** Another process's view of the same store (another opener, an operator's tool). */
    private final SimZooKeeper.Client otherZk = sim.connect();
    private final StoreMetadata other = new StoreMetadata(otherZk, "ns", "s");

    private static Predicate<ZkNodes.Op> setting(String path) {
        return op -> op instanceof ZkNodes.SetData s && s.path().equals(path);
    }

    private static LedgerList oneLedger(long ledgerId) {
        return LedgerList.EMPTY.append(ledgerId, 1);
    }

    private boolean storeZnodesExist() {
        return sim.paths().stream().anyMatch(p -> p.startsWith(store.paths().storePath()));
    }

    // ---- creation and reads --------------------------------------------------------------------

    @Test
    void createIfAbsentCreatesTheStoreOnceAndItsZnodesHoldTheInitialValues() throws Exception {
        assertThat(store.exists()).isFalse();
        assertThat(store.createIfAbsent(META)).isTrue();
        assertThat(store.exists()).as("exists right after creation, at meta version 0").isTrue();
        assertThat(other.createIfAbsent(StoreMeta.of(CFG, 2_000))).as("already there").isFalse();

        assertThat(store.readMeta()).isEqualTo(new Versioned<>(META, 0));
        assertThat(store.readLedgers()).isEqualTo(new Versioned<>(LedgerList.EMPTY, 0));
        assertThat(store.readEpoch().value().epoch()).isZero();
        assertThat(store.readStats()).isEqualTo(new Versioned<>(StoreStats.EMPTY, 0));
        assertThat(store.checkpointNodes()).isEmpty();
        assertThat(store.dictionaryNodes()).isEmpty();
        assertThat(store.readOwner()).as("nobody writes it yet").isNull();
    }

    @Test
    void aStoreCreatedForARestoreSaysSo() throws Exception {
        StoreMeta ready = StoreMeta.of(CFG, 5);
        assertThat(ready.state()).isEqualTo(StoreMeta.READY);
        assertThat(ready.isRestoring()).isFalse();
        assertThat(ready.createdAtMillis()).isEqualTo(5);
        assertThat(ready.ensembleSize()).isEqualTo(CFG.ensembleSize());
        store.createIfAbsent(StoreMeta.of(CFG, 1_000, StoreMeta.RESTORING));
        assertThat(store.readMeta().value().isRestoring()).isTrue();
        store.writeMeta(store.claimEpoch(), META);
        assertThat(store.readMeta().value().isRestoring()).isFalse();
    }

    @Test
    void readingAStoreThatDoesNotExistSaysWhichStore() throws Exception {
        assertThatThrownBy(store::readMeta).isInstanceOf(StoreNotFoundException.class).hasMessageContaining("s");
        assertThatThrownBy(store::readEpoch).isInstanceOf(StoreNotFoundException.class);
        assertThat(store.checkpointNodes()).isEmpty();
        assertThat(store.dictionaryNodes()).isEmpty();
        assertThat(store.readOwner()).isNull();
    }

    @Test
    void aZnodeThatDoesNotHoldValidJsonIsAMetadataError() throws Exception {
        store.createIfAbsent(META);
        otherZk.set(store.paths().meta(), b("{not json"), -1);
        assertThatThrownBy(store::readMeta).isInstanceOf(MetadataException.class)
                .hasMessageContaining(store.paths().meta()).hasMessageContaining("StoreMeta");
    }

    // ---- the writer epoch ------------------------------------------------------------------------

    @Test
    void claimingIncrementsTheEpochAndInstallsThisProcessAsOwner() throws Exception {
        store.createIfAbsent(META);
        EpochClaim first = store.claimEpoch();
        assertThat(first).isEqualTo(new EpochClaim(1, 1));

        Versioned<WriterEpoch> epoch = store.readEpoch();
        assertThat(epoch.version()).isEqualTo(first.zkVersion());
        String host = InetAddress.getLocalHost().getHostName();
        long pid = ProcessHandle.current().pid();
        assertThat(epoch.value().owner()).isEqualTo(host + "/" + pid);
        OwnerInfo owner = store.readOwner();
        assertThat(owner.epoch()).isEqualTo(1);
        assertThat(owner.host()).isEqualTo(host);
        assertThat(owner.pid()).isEqualTo(pid);

        EpochClaim second = other.claimEpoch();
        assertThat(second).isEqualTo(new EpochClaim(2, 2));
        assertThat(store.readOwner().epoch()).as("the previous owner znode was replaced").isEqualTo(2);
    }

    @Test
    void aClaimThatAnotherOpenerOvertakesIsRetriedOnTheNewEpoch() throws Exception {
        store.createIfAbsent(META);
        mine.beforeMulti.add(() -> other.claimEpoch());
        assertThat(store.claimEpoch()).isEqualTo(new EpochClaim(2, 2));
        assertThat(store.readOwner().epoch()).isEqualTo(2);
    }

    @Test
    void aClaimWhoseOldOwnerVanishesMeanwhileIsRetried() throws Exception {
        store.createIfAbsent(META);
        other.claimEpoch();
        // The old writer's session expires after we saw its owner znode, before our multi deletes it.
        mine.beforeMulti.add(() -> sim.expire(otherZk));
        assertThat(store.claimEpoch()).isEqualTo(new EpochClaim(2, 2));
        assertThat(store.readOwner().epoch()).isEqualTo(2);
    }

    @Test
    void aClaimGivesUpAfterTwentyOpenersGotInBetween() throws Exception {
        store.createIfAbsent(META);
        for (int i = 0; i < 20; i++) {
            mine.beforeMulti.add(() -> other.claimEpoch());
        }
        assertThatThrownBy(store::claimEpoch).isInstanceOf(MetadataException.class)
                .hasMessageContaining("other writers keep opening it concurrently")
                .cause().isInstanceOf(ZkException.class);
        assertThat(store.readEpoch().value().epoch()).as("the other openers' claims").isEqualTo(20);
        assertThat(store.readOwner().epoch()).isEqualTo(20);
    }

    @Test
    void aClaimThatLosesTheConnectionFailsAsClusterUnavailableAndIsNotRetried() throws Exception {
        store.createIfAbsent(META);
        sim.injectOnce(setting(store.paths().epoch()), FaultPlan.Fault.ZK_CONNECTION_LOSS);
        assertThatThrownBy(store::claimEpoch).isInstanceOf(ClusterUnavailableException.class);
        assertThat(store.readEpoch().value().epoch()).isZero();
        assertThat(store.readOwner()).isNull();
    }

    @Test
    void aClaimOnAStoreThatDoesNotExistSaysSo() throws Exception {
        assertThatThrownBy(store::claimEpoch).isInstanceOf(StoreNotFoundException.class);
    }

    // ---- epoch-guarded updates -----------------------------------------------------------------

    @Test
    void theWriterUpdatesTheLedgerListByCompareAndSet() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        assertThat(store.casLedgers(claim, oneLedger(7), 0)).isEqualTo(1);
        assertThat(store.casLedgers(claim, oneLedger(7).append(8, 1), 1)).isEqualTo(2);
        assertThat(store.readLedgers().value().ledgers()).extracting(LedgerRef::ledgerId).containsExactly(7L, 8L);
    }

    @Test
    void aSupersededWriterCannotChangeAnythingAndIsToldTheNewEpoch() throws Exception {
        store.createIfAbsent(META);
        EpochClaim old = store.claimEpoch();
        other.claimEpoch();
        assertThatThrownBy(() -> store.casLedgers(old, oneLedger(7), 0)).isInstanceOf(EpochChangedException.class)
                .hasMessageContaining("update the ledger list").hasMessageContaining("writer epoch is now 2")
                .hasMessageContaining("holds epoch 1");
        assertThatThrownBy(() -> store.writeStats(old, new StoreStats(1, 2, 3, "1:0:0", 1, 5)))
                .isInstanceOf(EpochChangedException.class).hasMessageContaining("publish stats");
        assertThatThrownBy(() -> store.writeMeta(old, StoreMeta.of(CFG, 9))).isInstanceOf(EpochChangedException.class)
                .hasMessageContaining("update store meta");
        assertThat(store.readLedgers()).isEqualTo(new Versioned<>(LedgerList.EMPTY, 0));
        assertThat(store.readStats().value()).isEqualTo(StoreStats.EMPTY);
        assertThat(store.readMeta().value()).isEqualTo(META);
    }

    @Test
    void anUpdateWhoseResponseWasLostCountsAsOursWhenTheZnodeHoldsWhatWeWrote() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        // Applied, the response lost; Curator's second attempt meets BAD_VERSION from our own write.
        sim.injectOnce(setting(store.paths().ledgers()), FaultPlan.Fault.ZK_APPLIED_RESPONSE_LOST);
        assertThat(store.casLedgers(claim, oneLedger(7), 0)).isEqualTo(1);
        assertThat(store.readLedgers()).isEqualTo(new Versioned<>(oneLedger(7), 1));
        assertThat(store.casLedgers(claim, oneLedger(7).append(8, 1), 1)).as("the version returned is current").isEqualTo(2);
    }

    @Test
    void anUpdateOfAZnodeSomeoneElseChangedUnderTheSameEpochIsRefused() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        otherZk.set(store.paths().ledgers(), Json.write(oneLedger(99)), -1);
        assertThatThrownBy(() -> store.casLedgers(claim, oneLedger(7), 0)).isInstanceOf(EpochChangedException.class)
                .hasMessageContaining("changed by someone else while this writer held epoch 1");
        assertThat(store.readLedgers().value()).isEqualTo(oneLedger(99));
    }

    @Test
    void statsAndMetaAreWrittenWhateverTheirVersion() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        otherZk.set(store.paths().stats(), Json.write(StoreStats.EMPTY), -1);
        StoreStats stats = new StoreStats(1, 2, 3, "1:0:0", 1, 5);
        store.writeStats(claim, stats);
        assertThat(store.readStats()).isEqualTo(new Versioned<>(stats, 2));
        StoreMeta changed = StoreMeta.of(CFG, 9);
        store.writeMeta(claim, changed);
        assertThat(store.readMeta()).isEqualTo(new Versioned<>(changed, 1));
    }

    @Test
    void anUpdateThatLosesTheConnectionIsClusterUnavailableNotAnEpochChange() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        sim.injectOnce(setting(store.paths().ledgers()), FaultPlan.Fault.ZK_CONNECTION_LOSS);
        assertThatThrownBy(() -> store.casLedgers(claim, oneLedger(7), 0)).isInstanceOf(ClusterUnavailableException.class);
        assertThat(store.readLedgers().version()).isZero();
    }

    @Test
    void anUpdateOfADeletedStoreSaysTheStoreIsGone() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        other.deleteAll();
        assertThatThrownBy(() -> store.casLedgers(claim, oneLedger(7), 0)).isInstanceOf(StoreNotFoundException.class);
    }

    // ---- checkpoints and dictionaries ----------------------------------------------------------

    @Test
    void checkpointsAreRegisteredAsSequentialZnodesAndListedInRegistrationOrder() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        assertThat(store.registerCheckpoint(claim, "ckpt-", b("one"))).isEqualTo("ckpt-0000000000");
        assertThat(store.registerCheckpoint(claim, "ckpt-", b("two"))).isEqualTo("ckpt-0000000001");
        assertThat(store.checkpointNodes()).extracting(c -> c.name() + "=" + s(c.data()))
                .containsExactly("ckpt-0000000000=one", "ckpt-0000000001=two");

        store.deleteCheckpoint(claim, "ckpt-0000000000");
        assertThat(store.checkpointNodes()).extracting(StoreMetadata.Child::name).containsExactly("ckpt-0000000001");
        store.deleteCheckpoint(claim, "ckpt-0000000000"); // gone already: counts as removed
        assertThat(store.checkpointNodes()).hasSize(1);
    }

    @Test
    void aSupersededWriterCanNeitherRegisterNorDeleteCheckpoints() throws Exception {
        store.createIfAbsent(META);
        EpochClaim old = store.claimEpoch();
        String name = store.registerCheckpoint(old, "ckpt-", b("one"));
        other.claimEpoch();
        assertThatThrownBy(() -> store.registerCheckpoint(old, "ckpt-", b("two"))).isInstanceOf(EpochChangedException.class)
                .hasMessageContaining("another writer holds the store now");
        assertThatThrownBy(() -> store.deleteCheckpoint(old, name)).isInstanceOf(EpochChangedException.class)
                .hasMessageContaining("another writer holds the store now");
        assertThat(store.checkpointNodes()).extracting(StoreMetadata.Child::name).containsExactly(name);
    }

    @Test
    void registeringACheckpointOfADeletedStoreIsRefusedAsAnEpochChange() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        other.deleteAll();
        assertThatThrownBy(() -> store.registerCheckpoint(claim, "ckpt-", b("one"))).isInstanceOf(EpochChangedException.class);
    }

    @Test
    void checkpointRegistrationThatLosesTheConnectionIsClusterUnavailable() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        sim.injectOnce(op -> op instanceof ZkNodes.Create, FaultPlan.Fault.ZK_CONNECTION_LOSS);
        assertThatThrownBy(() -> store.registerCheckpoint(claim, "ckpt-", b("one"))).isInstanceOf(ClusterUnavailableException.class);
        sim.injectOnce(op -> op instanceof ZkNodes.Delete, FaultPlan.Fault.ZK_CONNECTION_LOSS);
        assertThatThrownBy(() -> store.deleteCheckpoint(claim, "ckpt-0000000000")).isInstanceOf(ClusterUnavailableException.class);
        assertThat(store.checkpointNodes()).isEmpty();
    }

    @Test
    void aCheckpointDeletedBetweenTheListingAndTheReadIsLeftOut() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        String first = store.registerCheckpoint(claim, "ckpt-", b("one"));
        store.registerCheckpoint(claim, "ckpt-", b("two"));
        mine.afterChildren.add(() -> {
            try {
                store.deleteCheckpoint(claim, first);
            } catch (EpochChangedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(store.checkpointNodes()).extracting(c -> s(c.data())).containsExactly("two");
    }

    @Test
    void dictionariesAreRegisteredListedAndReadByName() throws Exception {
        store.createIfAbsent(META);
        assertThat(store.registerDictionary("dict-", b("d0"))).isEqualTo("dict-0000000000");
        assertThat(store.registerDictionary("dict-", b("d1"))).isEqualTo("dict-0000000001");
        assertThat(store.dictionaryNodes()).extracting(c -> c.name() + "=" + s(c.data()))
                .containsExactly("dict-0000000000=d0", "dict-0000000001=d1");
        StoreMetadata.Child one = store.dictionaryNode("dict-0000000001");
        assertThat(one.name()).isEqualTo("dict-0000000001");
        assertThat(s(one.data())).isEqualTo("d1");
        assertThat(store.dictionaryNode("dict-0000000002")).isNull();
    }

    @Test
    void readingADictionaryThatLosesTheConnectionIsClusterUnavailable() throws Exception {
        SimZooKeeper lossy = new SimZooKeeper(FaultPlan.explicit(List.of(
                new FaultPlan.Fired(FaultPlan.Point.ZK_READ, 0, FaultPlan.Fault.ZK_CONNECTION_LOSS, 0),
                new FaultPlan.Fired(FaultPlan.Point.ZK_READ, 1, FaultPlan.Fault.ZK_CONNECTION_LOSS, 0),
                new FaultPlan.Fired(FaultPlan.Point.ZK_READ, 2, FaultPlan.Fault.ZK_CONNECTION_LOSS, 0),
                new FaultPlan.Fired(FaultPlan.Point.ZK_READ, 3, FaultPlan.Fault.ZK_CONNECTION_LOSS, 0))), Runnable::run);
        StoreMetadata m = new StoreMetadata(lossy.connect(), "ns", "s");
        assertThatThrownBy(() -> m.dictionaryNode("dict-0000000000")).isInstanceOf(ClusterUnavailableException.class);
        assertThatThrownBy(m::dictionaryNodes).isInstanceOf(ClusterUnavailableException.class);
        assertThatThrownBy(m::readOwner).isInstanceOf(ClusterUnavailableException.class);
        assertThatThrownBy(m::readMeta).isInstanceOf(ClusterUnavailableException.class);
    }

    // ---- removal and ownership -------------------------------------------------------------------

    @Test
    void aStoreNobodyWroteIsDropped() throws Exception {
        store.createIfAbsent(META);
        assertThat(store.dropIfUnused(0)).isTrue();
        assertThat(store.exists()).isFalse();
        assertThat(storeZnodesExist()).isFalse();
        assertThat(StoreMetadata.listStores(zk, "ns")).isEmpty();
        assertThat(store.dropIfUnused(0)).as("gone already").isFalse();
    }

    @Test
    void aStoreItsFailedOpenerClaimedIsDroppedWithItsOwnerZnode() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        assertThat(store.dropIfUnused(claim.zkVersion())).isTrue();
        assertThat(storeZnodesExist()).isFalse();
    }

    @Test
    void aStoreSomeoneWroteOrClaimedMeanwhileIsNotDropped() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        store.casLedgers(claim, oneLedger(7), 0);
        assertThat(store.dropIfUnused(claim.zkVersion())).as("a ledger was registered").isFalse();
        assertThat(store.readLedgers().value()).isEqualTo(oneLedger(7));

        StoreMetadata withCheckpoint = new StoreMetadata(zk, "ns", "b");
        withCheckpoint.createIfAbsent(META);
        EpochClaim bClaim = withCheckpoint.claimEpoch();
        withCheckpoint.registerCheckpoint(bClaim, "ckpt-", b("c"));
        assertThat(withCheckpoint.dropIfUnused(bClaim.zkVersion())).as("a checkpoint was registered").isFalse();
        assertThat(withCheckpoint.checkpointNodes()).hasSize(1);

        StoreMetadata claimed = new StoreMetadata(zk, "ns", "c");
        claimed.createIfAbsent(META);
        new StoreMetadata(otherZk, "ns", "c").claimEpoch();
        assertThat(claimed.dropIfUnused(0)).as("someone else claimed it").isFalse();
        assertThat(claimed.exists()).isTrue();

        StoreMetadata withDictionary = new StoreMetadata(zk, "ns", "d");
        withDictionary.createIfAbsent(META);
        withDictionary.registerDictionary("dict-", b("d"));
        assertThat(withDictionary.dropIfUnused(0)).as("a dictionary was registered").isFalse();
        assertThat(StoreMetadata.listStores(zk, "ns")).containsExactly("b", "c", "d", "s");
    }

    @Test
    void dropThatLosesTheConnectionIsClusterUnavailable() throws Exception {
        store.createIfAbsent(META);
        sim.injectOnce(op -> op instanceof ZkNodes.Delete, FaultPlan.Fault.ZK_CONNECTION_LOSS);
        assertThatThrownBy(() -> store.dropIfUnused(0)).isInstanceOf(ClusterUnavailableException.class);
        assertThat(store.exists()).isTrue();
    }

    @Test
    void deleteAllRemovesEveryZnodeAndIsANoOpOnAMissingStore() throws Exception {
        store.createIfAbsent(META);
        EpochClaim claim = store.claimEpoch();
        store.registerCheckpoint(claim, "ckpt-", b("c"));
        store.registerDictionary("dict-", b("d"));
        store.deleteAll();
        assertThat(storeZnodesExist()).isFalse();
        assertThat(store.exists()).isFalse();
        store.deleteAll();
        assertThat(sim.paths()).contains(ZkLayout.storesPath("ns"));
    }

    @Test
    void releasingRemovesTheOwnerZnodeOnlyWhileItIsOurs() throws Exception {
        store.createIfAbsent(META);
        EpochClaim old = store.claimEpoch();
        other.claimEpoch();
        store.releaseOwner(old);
        assertThat(store.readOwner().epoch()).as("the new writer's owner znode stays").isEqualTo(2);

        EpochClaim mineNow = store.claimEpoch();
        store.releaseOwner(mineNow);
        assertThat(store.readOwner()).isNull();
        store.releaseOwner(mineNow); // gone already
        assertThat(store.readOwner()).isNull();
        assertThat(store.readEpoch().value().epoch()).as("releasing does not give up the epoch").isEqualTo(3);
    }

    /** Found by the mutation work: the releasing writer read its owner znode, then another claimed and made its own. */
    @Test
    void releasingNeverDeletesTheOwnerOfAWriterThatClaimedMeanwhile() throws Exception {
        store.createIfAbsent(META);
        EpochClaim old = store.claimEpoch();
        mine.afterGet.add(other::claimEpoch); // between reading the owner znode and deleting it
        store.releaseOwner(old);
        assertThat(store.readOwner()).as("the new writer's owner znode").isNotNull();
        assertThat(store.readOwner().epoch()).isEqualTo(2);
    }

    /** Found by the mutation work: Curator resent the creating multi after the server applied it. */
    @Test
    void aCreationWhoseResponseWasLostStillCountsAsOurs() throws Exception {
        sim.injectOnce(op -> op instanceof ZkNodes.Create c && c.path().equals(store.paths().meta()),
                FaultPlan.Fault.ZK_APPLIED_RESPONSE_LOST);
        assertThat(store.createIfAbsent(META)).as("created by this call").isTrue();
        assertThat(other.createIfAbsent(StoreMeta.of(CFG, 2_000))).as("and only by it").isFalse();
    }

    @Test
    void storesAreListedByNameAndANamespaceWithoutStoresHasNone() throws Exception {
        assertThat(StoreMetadata.listStores(mine, "ns")).isEmpty();
        new StoreMetadata(zk, "ns", "b").createIfAbsent(META);
        new StoreMetadata(zk, "ns", "a").createIfAbsent(META);
        new StoreMetadata(zk, "ns", "c").createIfAbsent(META);
        new StoreMetadata(zk, "other", "z").createIfAbsent(META);
        assertThat(StoreMetadata.listStores(mine, "ns")).containsExactly("a", "b", "c");
        assertThat(StoreMetadata.listStores(mine, "other")).containsExactly("z");
    }

    // ---- error mapping -------------------------------------------------------------------------

    private static Throwable failWith(ZkException.Code code, String path) {
        try {
            StoreMetadata.call(() -> {
                throw new ZkException(code, path);
            });
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("call did not fail");
    }

    @Test
    void lostConnectionsSessionsAndTimeoutsMeanTheClusterIsUnavailable() throws Exception {
        for (ZkException.Code code : List.of(ZkException.Code.CONNECTION_LOSS, ZkException.Code.SESSION_EXPIRED,
                ZkException.Code.OPERATION_TIMEOUT)) {
            assertThat(failWith(code, "/p")).as(code.name()).isInstanceOf(ClusterUnavailableException.class)
                    .hasMessageContaining("ZooKeeper unavailable").hasCauseInstanceOf(ZkException.class);
        }
    }

    @Test
    void aRefusalNamesTheZnodeIfKnownAndIsAccessDenied() throws Exception {
        assertThat(failWith(ZkException.Code.NO_AUTH, "/ledgerkv/ns")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("refused access to /ledgerkv/ns").hasMessageContaining("nothing was changed");
        assertThat(failWith(ZkException.Code.NO_AUTH, null)).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("refused access to a store's metadata");
    }

    @Test
    void anInterruptedCallKeepsTheThreadInterrupted() throws Exception {
        try {
            assertThat(failWith(ZkException.Code.INTERRUPTED, "/p")).isInstanceOf(MetadataException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anyOtherFailureIsAMetadataErrorWithZooKeepersReason() throws Exception {
        assertThat(failWith(ZkException.Code.OTHER, "/p")).isExactlyInstanceOf(MetadataException.class)
                .hasMessageContaining("ZooKeeper call failed: OTHER for /p");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}
