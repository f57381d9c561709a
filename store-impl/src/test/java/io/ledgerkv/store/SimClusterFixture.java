package io.ledgerkv.store;

import io.ledgerkv.sim.FaultPlan;
import io.ledgerkv.sim.SimCluster;
import org.junit.jupiter.api.AfterEach;

/** For store tests on a fresh simulated cluster of three bookies without faults, closed after each test. */
abstract class SimClusterFixture {
    protected final SimCluster cluster = new SimCluster(3, 1, FaultPlan.none());

    @AfterEach
    void closeCluster() {
        cluster.close();
    }

    /** A client with the simulation's settings ({@link SimCluster#clientConfig()}). */
    protected DefaultLedgerKv connect() {
        return cluster.connect(SimCluster.clientConfig().build());
    }
}
