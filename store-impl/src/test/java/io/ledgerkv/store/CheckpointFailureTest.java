package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Progress;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.sim.FaultPlan;
import io.ledgerkv.sim.FaultPlan.Fault;
import io.ledgerkv.sim.FaultPlan.Fired;
import io.ledgerkv.sim.FaultPlan.Point;
import io.ledgerkv.sim.SimCluster;
import io.ledgerkv.txn.WriterHooks;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint or a restore whose ledger cannot be created or written: the operation fails with
 * what went wrong, leaves no ledger behind, and the store goes on (the writer keeps committing, the
 * next checkpoint succeeds; a failed restore leaves no store). On the simulated cluster, whose fault
 * plan strikes one exact call: with one writer and no automatic checkpoint, BookKeeper create #0 is
 * the WAL ledger, create #1 the checkpoint's, and add #n the n-th entry written.
 */
class CheckpointFailureTest {
    private static final StoreConfig CFG = StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0)
            .build();

    @TempDir
    Path dir;

    private static SimCluster failing(Point point, long call, Fault fault) {
        return new SimCluster(3, 1, FaultPlan.explicit(List.of(new Fired(point, call, fault, 1))));
    }

    private static DefaultLedgerKv connect(SimCluster cluster) {
        return cluster.connect(SimCluster.clientConfig().build());
    }

    /** The checkpoint failed, nothing of it is left, the writer goes on, and the next checkpoint works. */
    private static void theStoreGoesOn(SimCluster cluster, DefaultLedgerKv kv, BookKeeperStore s, List<Long> ledgersBefore) {
        assertThat(cluster.bookKeeper().ledgerIds()).as("the failed checkpoint's ledger is deleted").isEqualTo(ledgersBefore);
        assertThat(s.checkpoints()).isEmpty();
        s.put(b("b"), b("2"));
        assertThat(s.checkpoint().txnSeq()).isEqualTo(2);
        s.close();
        try (var r = kv.openReadOnly("s", CFG)) {
            assertThat(r.get(b("a"))).isEqualTo(b("1"));
            assertThat(r.get(b("b"))).isEqualTo(b("2"));
        }
    }

    /**
     * With {@code fault} at the {@code call}-th call of {@code point}: the checkpoint fails saying
     * {@code message}, nothing of it is left, the writer goes on, and the next checkpoint works.
     */
    private static void aCheckpointFailsAndTheStoreGoesOn(Point point, long call, Fault fault, String message) {
        try (SimCluster cluster = failing(point, call, fault); DefaultLedgerKv kv = connect(cluster)) {
            BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE);
            s.put(b("a"), b("1"));
            List<Long> before = cluster.bookKeeper().ledgerIds();
            assertThatThrownBy(s::checkpoint).isInstanceOf(LedgerKvException.class).hasMessageContaining(message);
            assertThat(cluster.plan().fired()).extracting(Fired::fault).containsExactly(fault);
            theStoreGoesOn(cluster, kv, s, before);
        }
    }

    @Test
    void aCheckpointWhoseLedgerCannotBeCreatedFailsAndTheStoreGoesOn() {
        aCheckpointFailsAndTheStoreGoesOn(Point.BK_CREATE, 1, Fault.BK_CREATE_FAILS, "creating a checkpoint ledger");
    }

    @Test
    void aCheckpointWhoseChunkCannotBeWrittenDeletesItsLedgerAndTheStoreGoesOn() {
        // add #0 is the put; add #1 the checkpoint's first chunk.
        aCheckpointFailsAndTheStoreGoesOn(Point.BK_ADD, 1, Fault.BK_ADD_TIMEOUT, "checkpoint ledger");
    }

    @Test
    void aRestoreWhoseCheckpointCannotBeWrittenLeavesNoStoreAndNoLedger() {
        // create #0: the source's WAL ledger; #1: the restore's checkpoint ledger. add #0: the put; #1: the first chunk.
        for (Fired fault : List.of(new Fired(Point.BK_CREATE, 1, Fault.BK_CREATE_FAILS, 1), new Fired(Point.BK_ADD, 1, Fault.BK_ADD_TIMEOUT, 1))) {
            try (SimCluster cluster = new SimCluster(3, 1, FaultPlan.explicit(List.of(fault))); DefaultLedgerKv kv = connect(cluster)) {
                try (BookKeeperStore s = kv.open("s", CFG, WriterHooks.NONE)) {
                    s.put(b("a"), b("1"));
                }
                Path file = dir.resolve("s-" + fault.point() + ".lkvb");
                kv.backup("s", CFG, AsOf.latest(), file, Progress.NONE);
                List<Long> before = cluster.bookKeeper().ledgerIds();
                assertThatThrownBy(() -> kv.restore(file, "copy", CFG, false, Progress.NONE)).as("%s", fault)
                        .isInstanceOf(LedgerKvException.class).hasMessageContaining("the restored checkpoint");
                assertThat(cluster.plan().fired()).as("%s", fault).extracting(Fired::fault).containsExactly(fault.fault());
                assertThat(kv.exists("copy")).as("%s: the half-made store is removed", fault).isFalse();
                assertThat(cluster.bookKeeper().ledgerIds()).as("%s: and its ledger", fault).isEqualTo(before);
                // Nothing is stuck: the same restore now succeeds.
                kv.restore(file, "copy", CFG, false, Progress.NONE);
                try (var r = kv.openReadOnly("copy", CFG)) {
                    assertThat(r.get(b("a"))).isEqualTo(b("1"));
                }
            }
        }
    }
}
