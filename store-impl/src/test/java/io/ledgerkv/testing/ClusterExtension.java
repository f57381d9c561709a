package io.ledgerkv.testing;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.store.DefaultLedgerKv;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link LocalCluster} for a test class (or, with {@link #perTest()}, a fresh one per test),
 * plus clients that are closed after each test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ClusterExtension CLUSTER = new ClusterExtension(4);
 * ... try (LedgerKv kv = CLUSTER.connect()) { ... }
 * }</pre>
 */
public final class ClusterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final int bookies;
    private boolean perTest;
    private LocalCluster cluster;
    private final List<DefaultLedgerKv> clients = new ArrayList<>();

    public ClusterExtension(int bookies) {
        this.bookies = bookies;
    }

    /** Start a new cluster for every test (for tests that kill bookies). */
    public ClusterExtension perTest() {
        perTest = true;
        return this;
    }

    public LocalCluster cluster() {
        return cluster;
    }

    /** A client for this test; closed after the test unless the test crashed or closed it. */
    public DefaultLedgerKv connect() {
        return connect(cluster.clientConfig().build());
    }

    public DefaultLedgerKv connect(ClientConfig cc) {
        DefaultLedgerKv c = DefaultLedgerKv.connect(cc);
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perTest) {
            cluster = LocalCluster.start(bookies);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            cluster = LocalCluster.start(bookies);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        synchronized (clients) {
            for (DefaultLedgerKv c : clients) {
                c.close(); // idempotent; a crashed client is already closed
            }
            clients.clear();
        }
        if (perTest) {
            cluster.close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!perTest && cluster != null) {
            cluster.close();
        }
    }
}
