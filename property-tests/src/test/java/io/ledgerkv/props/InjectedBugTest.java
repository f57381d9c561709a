package io.ledgerkv.props;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.txn.WriterHooks;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the stateful property can fail: with a deliberately broken store it must fail, and shrink
 * the failure to a short chain. The bugs are switches in {@link WriterHooks} that exist only for this.
 */
class InjectedBugTest {
    private static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.start(4);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static int shrunkLength(AssertionError e) {
        Matcher m = Pattern.compile("shrunk from \\d+ to (\\d+) actions").matcher(e.getMessage());
        assertThat(m.find()).as("report names the shrunk length: %s", e.getMessage()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** Replay rebuilds a large transaction from its first part only: half of a committed transaction is lost. */
    @Test
    void halfATransactionAppliedOnReplayIsCaughtAndShrunk() {
        WriterHooks bug = new WriterHooks() {
            @Override
            public boolean applyPartsOnReplay() {
                return true;
            }
        };
        assertThatThrownBy(() -> StoreModelProperties.property(cluster, bug).tries(40).maxActions(30).check())
                .isInstanceOf(AssertionError.class)
                .satisfies(e -> {
                    System.out.println("caught as expected:\n" + e.getMessage());
                    assertBrokeTheModel(e.getMessage());
                    assertThat(shrunkLength((AssertionError) e)).isLessThanOrEqualTo(4);
                });
    }

    /**
     * The failure is the model comparison, not any error: the invariant 'store equals model', or
     * the crash action's own check that the recovered store is the model plus a prefix of the
     * commits in flight (half a transaction shows there when the crash comes first), or an
     * action's own read-back of what it just wrote (a ttl put checks its expiry at once).
     */
    private static void assertBrokeTheModel(String report) {
        assertThat(report).satisfiesAnyOf(
                r -> assertThat(r).contains("broke: invariant 'store equals model'"),
                r -> assertThat(r).contains("broke: action").contains("store differs from the model"),
                r -> assertThat(r).contains("broke: action").contains("matches no prefix of the")
                        .contains("(lost acknowledgement or partial transaction)"));
    }

    /** Commits are reported done when sent, before the bookies acknowledge and before they are applied. */
    @Test
    void acknowledgingBeforeTheQuorumIsCaughtAndShrunk() {
        WriterHooks bug = new WriterHooks() {
            @Override
            public boolean ackBeforeQuorum() {
                return true;
            }
        };
        assertThatThrownBy(() -> StoreModelProperties.property(cluster, bug).tries(40).maxActions(30).check())
                .isInstanceOf(AssertionError.class)
                .satisfies(e -> {
                    System.out.println("caught as expected:\n" + e.getMessage());
                    // The model comparison, or one of two actions' own checks that see an acknowledgement
                    // ahead of the log: the fence (a fenced writer's commit acknowledged; seed
                    // 6035342458464752140 shrinks to that single action), or a conditional write that
                    // failed against a state the acknowledged commits had not reached yet (seed
                    // 8289461587843530738).
                    assertThat(e.getMessage()).satisfiesAnyOf(
                            InjectedBugTest::assertBrokeTheModel,
                            r -> assertThat(r).contains("broke: action").contains("a second writer fences the first")
                                    .contains("the fenced writer's commit was acknowledged"),
                            r -> assertThat(r).contains("broke: action").contains("at a wrong version failed but the store moved"));
                    assertThat(shrunkLength((AssertionError) e)).isLessThanOrEqualTo(4);
                });
    }
}
