package io.ledgerkv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.WalEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A store callback that throws on the simulation's delivery thread fails the schedule with an
 * invariant of its own. The real BookKeeper and ZooKeeper clients catch and log such an exception,
 * so the outcome it was delivering is lost without a trace; before this check the simulation's
 * executor swallowed it the same way.
 */
class CallbackFailureTest {
    @Test
    void aCallbackThatThrowsFailsTheScheduleAndIsNamed() {
        WriterHooks throwing = new WriterHooks() {
            @Override
            public void afterAck(WalEntry.Type type, long firstSeq, int partIndex) {
                throw new IllegalStateException("planted: an acknowledgement callback throws");
            }
        };
        long seed = 11;
        SimulationProperty.Failure f = SimulationProperty.of(throwing)
                .runOne(seed, SimAction.generate(seed, 40), FaultPlan.explicit(List.of()), new SimStats());
        assertThat(f).as("the schedule fails").isNotNull();
        assertThat(f.invariant()).isEqualTo("no callback of the store throws");
        assertThat(f.cause()).hasRootCauseMessage("planted: an acknowledgement callback throws");
    }
}
