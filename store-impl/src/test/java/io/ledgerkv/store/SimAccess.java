package io.ledgerkv.store;

/** What the simulation drives by hand that the API runs on its own threads. */
public final class SimAccess {
    private SimAccess() {
    }

    /** One catch-up round of a standby (its own thread does this every standbyPollInterval). */
    public static boolean poll(BookKeeperStore standby) {
        return standby.pollStandby();
    }
}
