package io.ledgerkv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.txn.WriterHooks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The simulation property at a small budget, so that store-impl's own build (and its mutation
 * testing) runs the real store through faults at every seam; property-tests runs it at full budget.
 */
class SimulationTest {

    @Test
    void theStoreKeepsItsInvariantsUnderSeededFaultSchedules() {
        int schedules = Integer.getInteger("ledgerkv.sim.schedules", 60);
        SimulationProperty.Summary s = SimulationProperty.of(WriterHooks.NONE).check(schedules, Long.getLong("ledgerkv.sim.base", new SplittableRandom().nextLong()));
        System.out.println("simulation: " + s);
        assertThat(s.schedules()).isEqualTo(Long.getLong("ledgerkv.sim.seed") != null ? 1 : schedules);
    }
}
