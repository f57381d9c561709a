package io.ledgerkv.store;

import java.time.Duration;
import org.awaitility.Awaitility;

/** What the simulation drives by hand that the API runs on its own threads. */
public final class SimAccess {
    private SimAccess() {
    }

    /** One catch-up round of a standby (its own thread does this every standbyPollInterval). */
    public static boolean poll(BookKeeperStore standby) {
        return standby.pollStandby();
    }

    /**
     * Waits until a standby's own thread has made its first catch-up round (it then waits
     * standbyPollInterval): from then on only the test's {@link #poll} reads, at points it chooses.
     */
    public static void awaitFirstPoll(BookKeeperStore standby) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> standby.standbyPolls() >= 1);
    }
}
