package io.ledgerkv.testing;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.meta.zookeeper.CuratorNodes;
import io.ledgerkv.sim.FaultPlan;
import io.ledgerkv.sim.SimCluster;
import io.ledgerkv.store.DefaultLedgerKv;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A cluster for a test class (or, with {@link #perTest()}, a fresh one per test), plus clients
 * that are closed after each test.
 *
 * <p>By default the cluster is a {@link LocalCluster} in this JVM. With the system property
 * {@code ledgerkv.test.cluster=process} it is a {@link ProcessCluster}: {@code ledgerkv cluster}
 * in a separate JVM, reached only through its connect string, as an external cluster would be.
 * Tests that control bookies ({@link #cluster()}) cannot run that way and say so; the build runs
 * the rest of the integration tests a second time in that mode (store-impl/pom.xml, execution
 * {@code process-cluster}).
 *
 * <p>With {@code ledgerkv.test.cluster=sim} the cluster is a {@link SimCluster} without faults:
 * the whole store above its two doors, on the simulated BookKeeper and ZooKeeper. The mutation
 * profile runs the store's API suites this way, so that PIT measures them in seconds rather than
 * minutes per mutant (the {@code sim-cluster} execution keeps them green in this mode). A test
 * that needs something only a real cluster has (its bookies, its connect string, BookKeeper's own
 * client) is skipped in this mode, with the reason.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ClusterExtension CLUSTER = new ClusterExtension(4);
 * ... try (LedgerKv kv = CLUSTER.connect()) { ... }
 * }</pre>
 */
public final class ClusterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /** Whether this JVM's tests use a cluster in another process. */
    public static final boolean PROCESS = "process".equals(System.getProperty("ledgerkv.test.cluster"));
    /** Whether this JVM's tests use the simulated cluster. */
    public static final boolean SIM = "sim".equals(System.getProperty("ledgerkv.test.cluster"));

    private final int bookies;
    private boolean perTest;
    private LocalCluster cluster;
    private ProcessCluster process;
    private SimCluster sim;
    private final List<DefaultLedgerKv> clients = new ArrayList<>();
    private final List<DefaultLedgerKv> classClients = new ArrayList<>();

    public ClusterExtension(int bookies) {
        this.bookies = bookies;
    }

    /** Start a new cluster for every test (for tests that kill bookies). */
    public ClusterExtension perTest() {
        perTest = true;
        return this;
    }

    /** The in-process cluster, for tests that kill, pause or restart bookies. */
    public LocalCluster cluster() {
        needsRealCluster("its bookies");
        if (PROCESS) {
            throw new IllegalStateException("this test controls bookies, so it needs the in-process LocalCluster; it cannot run with "
                    + "ledgerkv.test.cluster=process (leave it out of the process-cluster execution)");
        }
        return cluster;
    }

    /** A client configuration for the cluster, in either mode. */
    public ClientConfig.Builder clientConfig() {
        if (SIM) {
            return SimCluster.clientConfig();
        }
        return PROCESS ? process.clientConfig() : cluster.clientConfig();
    }

    public String connectString() {
        needsRealCluster("its ZooKeeper connect string");
        return PROCESS ? process.connectString() : cluster.connectString();
    }

    public String metadataServiceUri() {
        needsRealCluster("BookKeeper's own client");
        return PROCESS ? process.metadataServiceUri() : cluster.metadataServiceUri();
    }

    /** Expires the ZooKeeper session of {@code client}, on either a real or the simulated cluster. */
    public void expireSession(DefaultLedgerKv client) throws Exception {
        if (SIM) {
            sim.expireSession(client);
        } else {
            LocalCluster.expireSession(connectString(), CuratorNodes.zooKeeperOf(client.nodes()));
        }
    }

    /** Skips the calling test in {@link #SIM} mode: it needs {@code what}, which only a real cluster has. */
    public static void needsRealCluster(String what) {
        Assumptions.assumeFalse(SIM, () -> "needs a real cluster (" + what + "); skipped with ledgerkv.test.cluster=sim");
    }

    /** A client for this test; closed after the test unless the test crashed or closed it. */
    public DefaultLedgerKv connect() {
        return connect(clientConfig().build());
    }

    public DefaultLedgerKv connect(ClientConfig cc) {
        DefaultLedgerKv c = open(cc);
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    /** A client kept for the whole test class (for {@code @BeforeAll}); closed after the class. */
    public DefaultLedgerKv connectForClass() {
        DefaultLedgerKv c = open(clientConfig().build());
        synchronized (classClients) {
            classClients.add(c);
        }
        return c;
    }

    private DefaultLedgerKv open(ClientConfig cc) {
        return SIM ? sim.connect(cc) : DefaultLedgerKv.connect(cc);
    }

    private void startCluster() {
        if (SIM) {
            sim = new SimCluster(bookies, 1, FaultPlan.none());
        } else if (PROCESS) {
            process = ProcessCluster.start(bookies);
        } else {
            cluster = LocalCluster.start(bookies);
        }
    }

    private void stopCluster() {
        if (sim != null) {
            sim.close();
            sim = null;
        }
        if (process != null) {
            process.close();
            process = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perTest) {
            startCluster();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            startCluster();
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
            stopCluster();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        synchronized (classClients) {
            for (DefaultLedgerKv c : classClients) {
                c.close();
            }
            classClients.clear();
        }
        if (!perTest) {
            stopCluster();
        }
    }
}
