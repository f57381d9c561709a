package io.ledgerkv.props;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ledgerkv.sim.SimulationProperty;
import io.ledgerkv.txn.WriterHooks;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The simulation property fails on a broken store, names the invariant the breakage breaks, and
 * shrinks the schedule. The breakages are the {@link WriterHooks} switches kept for this.
 */
class SimulationInjectedBugTest {

    private static int shrunkActions(String report) {
        Matcher m = Pattern.compile("shrunk from \\d+ to (\\d+) actions").matcher(report);
        assertThat(m.find()).as("report names the shrunk length: %s", report).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /**
     * The property fails on {@code bug}, by one of {@code invariants} (a bug shows in whichever check
     * its first symptom meets; thread timing decides which comes first), shrunk to at most
     * {@code maxActions}.
     */
    private static void caught(WriterHooks bug, List<String> invariants, int maxActions) {
        assertThat(shrunkActions(caught(bug, invariants))).isLessThanOrEqualTo(maxActions);
    }

    /** The property fails on {@code bug} by one of {@code invariants}; the report, whatever its length. */
    private static String caught(WriterHooks bug, List<String> invariants) {
        AssertionError e = catchThrowableOfType(AssertionError.class, () -> SimulationProperty.of(bug).check(200, 1));
        assertThat(e).as("the simulation passed with the bug planted").isNotNull();
        System.out.println("caught as expected:\n" + e.getMessage());
        assertThat(invariants).anySatisfy(i -> assertThat(e.getMessage()).contains("broke: invariant '" + i + "'"));
        return e.getMessage();
    }

    /** Commits reported done when sent, before the bookies acknowledged and before they were applied. */
    @Test
    void acknowledgingBeforeTheQuorumIsCaught() {
        caught(new WriterHooks() {
            @Override
            public boolean ackBeforeQuorum() {
                return true;
            }
        }, List.of("writer equals model", "a fenced writer acknowledges nothing",
                "recovered state is the model plus a prefix of the in-doubt transactions"), 10); // usually 1; a catch
        // that needs a late acknowledgement pinned to one add keeps more: 5 with both cores busy, 7 once in CI
    }

    /**
     * A fenced writer reports the commits it had in flight as acknowledged (the fault campaign's
     * ACK_AFTER_FENCE). The mutation run found the simulation blind to it while its fence action
     * fenced only idle writers.
     */
    @Test
    void acknowledgingInFlightCommitsWhenFencedIsCaught() {
        caught(new WriterHooks() {
            @Override
            public boolean ackInFlightWhenFenced() {
                return true;
            }
        }, List.of("recovered state is the model plus a prefix of the in-doubt transactions",
                "a fenced writer acknowledges nothing", "writer equals model"), 6);
    }

    /** Replay rebuilds a large transaction from its first part only. */
    @Test
    void applyingHalfATransactionOnReplayIsCaught() {
        caught(new WriterHooks() {
            @Override
            public boolean applyPartsOnReplay() {
                return true;
            }
        }, List.of("recovered state is the model plus a prefix of the in-doubt transactions"), 4);
    }

    /**
     * A standby's cursor follows a last-add-confirmed older than what it already read, and it reads
     * the same entries again (found by the process campaign's lossy links, then modelled as the
     * simulation's BK_LAC_BEHIND).
     */
    @Test
    void aStandbyCursorGoingBackWithAnOlderLacIsCaught() {
        caught(new WriterHooks() {
            @Override
            public boolean cursorFollowsOlderLac() {
                return true;
            }
        }, List.of("a standby never stops on an intact log")); // no bound on the length: the LAC a poll sees also
        // depends on time (the writer's explicit LAC), so with both cores busy the schedule may not replay at all
    }
}
