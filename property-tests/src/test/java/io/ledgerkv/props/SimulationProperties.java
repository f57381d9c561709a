package io.ledgerkv.props;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.sim.FaultPlan;
import io.ledgerkv.sim.SimulationProperty;
import io.ledgerkv.txn.WriterHooks;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The simulation property at the module's budget: seeded workloads times seeded fault schedules
 * (lost ZooKeeper requests and responses, session expiry, add timeouts, ensemble changes, failed
 * closes, recoveries and reads, bookie stops) through the real committer, replayer, checkpointer and
 * standby on the simulated log and metadata layer; invariants after every step, liveness after the
 * faults heal. See {@link SimulationProperty} for what a seed pins.
 */
class SimulationProperties {

    @Test
    void theStoreKeepsItsInvariantsUnderSeededFaultSchedules() {
        int schedules = Integer.getInteger("ledgerkv.props.sim.schedules", 1500);
        SimulationProperty.Summary s = SimulationProperty.of(WriterHooks.NONE).check(schedules, new SplittableRandom().nextLong());
        System.out.println("simulation property: " + s);
        assertThat(s.actionsRun()).isPositive();
        if (s.schedules() >= 1000) {
            // The schedules must reach what they are for: every fault kind, and the store's failure paths.
            assertThat(s.faults().keySet()).containsAll(Arrays.stream(FaultPlan.Fault.values())
                    .filter(f -> f != FaultPlan.Fault.NONE).map(Enum::name).toList());
            assertThat(s.actions()).containsKeys("Burst", "Checkpoint", "Crash", "Fence", "Promote", "PollStandby", "StopBookie",
                    "ExpireSession", "Reopen", "Increment", "Replace", "AdvanceClock", "ReadCheckpoint");
            assertThat(s.outcomes().get("commit.indoubt")).as("commits in doubt").isPositive();
            assertThat(s.outcomes().get("indoubt.in")).as("in-doubt commits recovery kept").isPositive();
            assertThat(s.outcomes().get("indoubt.out")).as("in-doubt commits recovery dropped").isPositive();
            assertThat(s.outcomes().get("promote.ok")).as("promotions").isPositive();
        }
    }
}
