package io.ledgerkv.samza;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.store.DefaultLedgerKv;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * One ledgerkv client (one ZooKeeper session, one BookKeeper client) per cluster per container,
 * shared by every store of every task in it; closed when its last store closes. Each client reports
 * into a Micrometer registry of its own, from which {@link SamzaMetrics} reads each store's meters.
 */
final class Clients {
    /** Guards {@link #CLIENTS} and every lease's holder count; private, so no other code can take it. */
    private static final Object LOCK = new Object();
    private static final Map<ClientConfig, Lease> CLIENTS = new HashMap<>();

    /** A shared client and its holders; released once per {@link #acquire}. */
    static final class Lease {
        private final ClientConfig config;
        private final LedgerKv client;
        private int holders;

        private Lease(ClientConfig config, LedgerKv client) {
            this.config = config;
            this.client = client;
        }

        LedgerKv client() {
            return client;
        }

        /** Where the stores of this client register their {@code ledgerkv.*} meters. */
        MeterRegistry meters() {
            return client.config().meterRegistry();
        }

        void release() {
            synchronized (LOCK) {
                if (--holders == 0) {
                    CLIENTS.remove(config, this);
                    client.close();
                }
            }
        }
    }

    private Clients() {
    }

    static Lease acquire(ClientConfig config) {
        synchronized (LOCK) {
            Lease l = CLIENTS.get(config);
            if (l == null) {
                l = new Lease(config, LedgerKv.connect(config.toBuilder().meterRegistry(new SimpleMeterRegistry()).build()));
                CLIENTS.put(config, l);
            }
            l.holders++;
            return l;
        }
    }

    /**
     * Tests only: every client dies as the container process would (no flush, no close); the
     * stores on them are abandoned, their writer claims left for a successor to fence.
     */
    static void crashAllForTests() {
        synchronized (LOCK) {
            for (Lease l : CLIENTS.values()) {
                l.holders = Integer.MIN_VALUE; // a late close of an abandoned store must not close anything
                ((DefaultLedgerKv) l.client).crash();
            }
            CLIENTS.clear();
        }
    }
}
