package io.ledgerkv.props;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.txn.WriterHooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store against a TreeMap model on a real cluster (4 bookies, ensemble 3): random writes,
 * transactions (committed, aborted, read-your-writes), scans, flushes, writer crashes with commits
 * in flight, clean reopens with a codec switch, fencing by a second writer, bookie kills and
 * restarts, checkpoints and point-in-time reads of them, puts with a time to live under a clock
 * the test moves (expired keys must vanish from every read at once, through replay and checkpoints
 * too); every other try encrypts the store and rotates its key now and then. After every action: the store equals the model, and its key count equals the model's size.
 */
class StoreModelProperties {
    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.start(4);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static StatefulProperty<StoreHarness> property(LocalCluster cluster, WriterHooks hooks) {
        return StatefulProperty.ofSeeded("store equals model", seed -> new StoreHarness(cluster, hooks, seed), StoreHarness::close,
                        StoreActions.generator())
                .invariant("store equals model", h -> {
                    if (!h.equalsModel(h.model)) {
                        throw new AssertionError(h.diff(h.model));
                    }
                })
                .invariant("key count equals model size", h -> {
                    if (h.store.keyCount() != h.model.size()) {
                        throw new AssertionError("keyCount " + h.store.keyCount() + " != model size " + h.model.size());
                    }
                });
    }

    @Test
    void theStoreAlwaysEqualsItsModel() {
        StatefulProperty.Summary s = property(cluster, WriterHooks.NONE)
                .tries(Integer.getInteger("ledgerkv.props.tries", 25))
                .maxActions(Integer.getInteger("ledgerkv.props.actions", 30))
                .check();
        System.out.println(s);
        assertThat(s.actions()).isPositive();
        // The generator must reach the interesting actions, or the property checks little.
        if (s.tries() > 1) {
            assertThat(s.actionCounts()).containsKeys("CrashWithCommitsInFlight", "Commit", "Reopen", "Checkpoint", "PutTtl",
                    "AdvanceClock", "Reap", "RotateKey");
        }
    }
}
