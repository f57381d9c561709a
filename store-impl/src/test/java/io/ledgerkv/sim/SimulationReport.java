package io.ledgerkv.sim;

import io.ledgerkv.sim.FaultPlan.Fired;
import io.ledgerkv.txn.WriterHooks;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Measurements of the simulation itself, for results/: throughput of the property, and how much of
 * a schedule its seed pins (each seed run twice; the faults that struck and the outcomes compared).
 * Not a test: run it with the test class path,
 * {@code java -cp store-impl/target/test-classes:store-impl/target/classes:$(cat store-impl/target/classpath.txt)
 * SimulationReport <schedules> <pairs>}.
 */
public final class SimulationReport {
    private SimulationReport() {
    }

    public static void main(String[] args) {
        int schedules = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Configurator.setLevel("io.ledgerkv", Level.ERROR);
        SimulationProperty p = SimulationProperty.of(WriterHooks.NONE);
        SimulationProperty.Summary s = p.check(schedules, 42);
        System.out.println("throughput: " + s);
        int sameFaults = 0;
        int sameOutcomes = 0;
        for (long seed = 1000; seed < 1000 + pairs; seed++) {
            Trace a = trace(p, seed);
            Trace b = trace(p, seed);
            if (a.faults().equals(b.faults())) {
                sameFaults++;
            }
            if (a.outcomes().equals(b.outcomes())) {
                sameOutcomes++;
            }
        }
        System.out.printf("determinism: of %d seeds run twice, %d struck the same faults at the same calls, %d had the same"
                + " outcome counts%n", pairs, sameFaults, sameOutcomes);
    }

    private record Trace(List<Fired> faults, Map<String, Long> outcomes) {
    }

    private static Trace trace(SimulationProperty p, long seed) {
        SimStats stats = new SimStats();
        FaultPlan plan = SimulationProperty.planFor(seed);
        SimulationProperty.Failure f = p.runOne(seed, SimAction.generate(seed, 40), plan, stats);
        Objects.requireNonNull(stats);
        if (f != null) {
            throw new AssertionError("seed " + seed + " failed: " + f.invariant());
        }
        Map<String, Long> outcomes = new TreeMap<>(stats.all());
        outcomes.keySet().removeIf(k -> k.startsWith("time."));
        return new Trace(plan.fired(), outcomes);
    }
}
