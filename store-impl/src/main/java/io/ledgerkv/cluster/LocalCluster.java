package io.ledgerkv.cluster;

import io.ledgerkv.api.ClientConfig;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.bookkeeper.bookie.LedgerDirsManager;
import org.apache.bookkeeper.client.BookKeeperAdmin;
import org.apache.bookkeeper.conf.ServerConfiguration;
import org.apache.bookkeeper.net.BookieId;
import org.apache.bookkeeper.server.EmbeddedServer;
import org.apache.bookkeeper.server.conf.BookieConfiguration;
import org.apache.bookkeeper.tls.BookieAuthZFactory;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.auth.ProviderRegistry;
import org.apache.zookeeper.server.auth.SASLAuthenticationProvider;

/**
 * A real ZooKeeper server and N real bookies in this JVM, on free loopback ports, with their data
 * in a temporary directory that {@link #close()} removes. It is what the demo, the integration
 * tests, the benchmarks and the fault campaigns run on; the store connects to it through
 * {@link #connectString()} exactly as it would to an external cluster.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder().bookies(4).start()) {
 *     ClientConfig cc = cluster.clientConfig().build();
 *     cluster.killBookie(0);      // abrupt stop, as far as clients can tell
 *     cluster.restartBookie(0);   // same port and directories: same bookie id, same data
 * }
 * }</pre>
 *
 * <p>Durability is real: journals fsync ({@code journalSyncData=true}). The journal flushes as soon
 * as its queue is empty instead of waiting out the 2 ms group-commit window, which cuts a single
 * writer's add latency about fivefold on this hardware.
 */
// A loopback cluster for tests and the demo: it binds 127.0.0.1 on purpose (AddressSelection); JaasSections.class is the
// lock JaasSections documents for its JVM-wide registry; ZooKeeper's close() declares InterruptedException (try).
@SuppressWarnings({"try", "AddressSelection", "LockOnNonEnclosingClassLiteral"})
public final class LocalCluster implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    private static final Set<Integer> PORTS_TAKEN = new HashSet<>();

    /** One bookie slot: its configuration survives kills, so a restart is the same bookie. */
    private static final class Bookie {
        final ServerConfiguration conf;
        EmbeddedServer server;
        boolean suspended;

        Bookie(ServerConfiguration conf) {
            this.conf = conf;
        }
    }

    private final Path dir;
    private final boolean deleteOnClose;
    private final boolean flushWhenQueueEmpty;
    private final Consumer<ServerConfiguration> bookieTweaks;
    private final int zkPort;
    private final TlsMaterial tls;
    private final Map<String, String> saslUsers;
    /** With mutual TLS: the clients whose certificates the bookies trust (the first is clientConfig()'s), else empty. */
    private final List<TlsMaterial> tlsClients;
    private final List<String> tlsClientRoles;
    /** What the bookies (and, with mutual TLS, ZooKeeper's secure port) trust: their own certificate and the clients'. */
    private final Path bookieTrust;
    private ZooKeeperServer zks;
    private NIOServerCnxnFactory cnxn;
    /** ZooKeeper's TLS client port when the cluster serves TLS, else 0; bookies and admin use the plain port. */
    private final int secureZkPort;
    private SecureZkPort secureCnxn;
    private final List<Bookie> bookies = new ArrayList<>();
    private boolean closed;

    private LocalCluster(Builder b) throws Exception {
        this.dir = b.dir != null ? b.dir : Files.createTempDirectory("ledgerkv-cluster-");
        this.deleteOnClose = b.dir == null || b.deleteOnClose;
        this.flushWhenQueueEmpty = b.flushWhenQueueEmpty;
        this.bookieTweaks = b.bookieTweaks;
        // A data directory a cluster already ran on: the same ZooKeeper port (unless one is given) and
        // the same bookie ports, because a bookie's id is its address and its cookie (on disk and in
        // ZooKeeper) holds it; and no formatting, which would give the cluster a new instance id.
        ClusterState previous = ClusterState.read(dir);
        this.zkPort = b.zkPort > 0 ? reserve(b.zkPort, "the ZooKeeper port (--zk-port)")
                : previous != null ? reserve(previous.zkPort(), "the ZooKeeper port recorded in " + ClusterState.file(dir))
                : freePort();
        this.saslUsers = b.saslUsers;
        this.tls = b.tls ? TlsMaterial.generate(dir.resolve("tls"), "bookies", 30, false) : b.tlsMaterial;
        this.secureZkPort = tls == null ? 0 : freePort();
        this.tlsClients = b.tlsClients;
        this.tlsClientRoles = b.tlsClientRoles;
        if (!tlsClients.isEmpty() && tls == null) {
            throw new IllegalArgumentException("tlsClients (mutual TLS) needs tls()");
        }
        this.bookieTrust = tls == null ? null : tlsClients.isEmpty() ? tls.trustStore()
                : TlsMaterial.trustStoreOf(tls.trustStore().resolveSibling("bookies-trust-clients.p12"), tls.passwordFile(),
                        Stream.concat(Stream.of(tls), tlsClients.stream()).toList());
        try {
            startZooKeeper();
            if (previous == null) {
                ServerConfiguration formatConf = new ServerConfiguration();
                formatConf.setMetadataServiceUri(metadataServiceUri());
                if (!BookKeeperAdmin.format(formatConf, false, true)) {
                    throw new IOException("formatting BookKeeper metadata failed");
                }
            } else {
                clearStaleRegistrations(previous);
                for (int port : previous.bookiePorts()) {
                    startBookie(reserve(port, "bookie " + bookies.size() + "'s port recorded in " + ClusterState.file(dir)));
                }
            }
            while (bookies.size() < b.bookies) {
                startNewBookie();
            }
            recordState();
            awaitBookiesAvailable();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a cluster with {@code bookies} bookies and default settings. */
    public static LocalCluster start(int bookies) {
        return builder().bookies(bookies).start();
    }

    private void startZooKeeper() throws IOException, InterruptedException {
        File zkDir = dir.resolve("zookeeper").toFile();
        zks = new ZooKeeperServer(zkDir, zkDir, ZooKeeperServer.DEFAULT_TICK_TIME);
        cnxn = new NIOServerCnxnFactory();
        if (saslUsers.isEmpty()) {
            cnxn.configure(new InetSocketAddress(LOOPBACK, zkPort), 1000);
        } else {
            enableSasl();
        }
        cnxn.startup(zks);
        if (tls != null) {
            secureCnxn = SecureZkPort.open(tls, tlsClients.isEmpty() ? null : bookieTrust, zks,
                    new InetSocketAddress(LOOPBACK, secureZkPort));
        }
    }

    /**
     * SASL (DIGEST-MD5) for this server's users. ZooKeeper reads the server's JAAS section when a
     * connection factory is configured, so the section exists only for that moment and other
     * embedded servers in the JVM stay without SASL; the {@code sasl} ACL scheme is registered
     * JVM-wide (harmless: it only lets servers check {@code sasl:} ACLs). Clients that do not log
     * in are still let in, and ACLs decide what they may touch.
     */
    private void enableSasl() throws IOException {
        String key = ProviderRegistry.AUTHPROVIDER_PROPERTY_PREFIX + "sasl";
        System.setProperty(key, SASLAuthenticationProvider.class.getName());
        ProviderRegistry.addOrUpdateProvider(key);
        synchronized (JaasSections.class) {
            JaasSections.registerServer("Server", saslUsers);
            try {
                cnxn.configure(new InetSocketAddress(LOOPBACK, zkPort), 1000);
            } finally {
                JaasSections.remove("Server");
            }
        }
    }

    /** ZooKeeper connect string, e.g. {@code 127.0.0.1:42311}. */
    public String connectString() {
        return LOOPBACK + ":" + zkPort;
    }

    public String metadataServiceUri() {
        return "zk+hierarchical://" + connectString() + "/ledgers";
    }

    /**
     * ZooKeeper's TLS-only client port, e.g. {@code 127.0.0.1:42313}, when the cluster serves TLS;
     * null otherwise. The plain {@link #connectString()} stays open for the bookies and admin tools.
     */
    public String secureConnectString() {
        return tls == null ? null : LOOPBACK + ":" + secureZkPort;
    }

    /**
     * A client configuration for this cluster, to adjust and build. With TLS, the client talks TLS
     * to the bookies and to ZooKeeper's secure port, trusting the cluster's certificate.
     */
    public ClientConfig.Builder clientConfig() {
        if (tls == null) {
            return ClientConfig.builder(connectString());
        }
        ClientConfig.Builder b = ClientConfig.builder(secureConnectString()).tlsTrustStore(tls.trustStore(), tls.passwordFile()).zkTls(true);
        return tlsClients.isEmpty() ? b : b.tlsKeyStore(tlsClients.get(0).keyStore(), tlsClients.get(0).passwordFile());
    }

    /** The TLS material of the bookies and of ZooKeeper's secure port (its truststore is what clients trust), or null without TLS. */
    public TlsMaterial tls() {
        return tls;
    }

    public Path dataDir() {
        return dir;
    }

    // ---- bookies ---------------------------------------------------------------------------------

    /** Starts one more bookie; returns its index. */
    public synchronized int startNewBookie() throws Exception {
        int index = startBookie(freePort());
        recordState();
        return index;
    }

    /**
     * Waits until every bookie is listed as available, which is what clients go by. On a fresh
     * cluster that is at once; after the cluster was killed (SIGKILL), ZooKeeper restores the old
     * bookie sessions and their registrations linger until those sessions time out, and a bookie's
     * new registration waits for that, so for up to the bookies' ZooKeeper timeout (10 s) a client
     * would see too few bookies.
     */
    /**
     * After an unclean stop (SIGKILL), ZooKeeper restores the dead bookies' sessions and their
     * ephemeral registrations until those sessions expire; a bookie restarting meanwhile waits for
     * its old node for only its own ZooKeeper timeout and then gives up, a race it lost about once
     * in a few restarts. The ports are ours (this data directory's, and reserving them succeeded),
     * so the nodes are stale: delete them before the bookies start.
     */
    private void clearStaleRegistrations(ClusterState previous) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (ZooKeeper z = new ZooKeeper(connectString(), 10_000, e -> { })) {
            for (int port : previous.bookiePorts()) {
                String id = LOOPBACK + ":" + port;
                for (String path : List.of("/ledgers/available/" + id, "/ledgers/available/readonly/" + id)) {
                    for (;;) {
                        try {
                            z.delete(path, -1);
                            break;
                        } catch (KeeperException.NoNodeException e) {
                            break;
                        } catch (KeeperException e) {
                            if (System.nanoTime() > deadline) {
                                throw new IOException("cannot clear the stale registration " + path + ": " + e.getMessage(), e);
                            }
                            Thread.sleep(100); // not connected yet
                        }
                    }
                }
            }
        }
    }

    private void awaitBookiesAvailable() throws IOException, InterruptedException {
        Set<String> want = new HashSet<>();
        for (int i = 0; i < bookies.size(); i++) {
            want.add(bookieId(i).toString());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (ZooKeeper z = new ZooKeeper(connectString(), 10_000, e -> { })) {
            for (;;) {
                Set<String> missing = new HashSet<>(want);
                try {
                    missing.removeAll(z.getChildren("/ledgers/available", false));
                } catch (KeeperException e) {
                    // not connected yet, or not registered yet: wait
                }
                if (missing.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("bookies " + missing + " did not register as available within 60 s");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    /** Writes the ports this data directory's servers use, so that a cluster started on it again reuses them. */
    private void recordState() throws IOException {
        List<Integer> ports = new ArrayList<>();
        for (Bookie b : bookies) {
            ports.add(b.conf.getBookiePort());
        }
        new ClusterState(zkPort, ports).write(dir);
    }

    /** Starts bookie number {@code bookies.size()} on {@code port} with its directories under the data directory. */
    private int startBookie(int port) throws Exception {
        int index = bookies.size();
        ServerConfiguration conf = new ServerConfiguration();
        Path journal = Files.createDirectories(dir.resolve("bookie-" + index).resolve("journal"));
        Path ledgers = Files.createDirectories(dir.resolve("bookie-" + index).resolve("ledgers"));
        conf.setBookiePort(port);
        conf.setAllowLoopback(true);
        conf.setAdvertisedAddress(LOOPBACK);
        conf.setMetadataServiceUri(metadataServiceUri());
        conf.setJournalDirName(journal.toString());
        conf.setLedgerDirNames(new String[] {ledgers.toString()});
        conf.setJournalSyncData(true);
        conf.setJournalFlushWhenQueueEmpty(flushWhenQueueEmpty);
        conf.setAutoRecoveryDaemonEnabled(false);
        conf.setHttpServerEnabled(false);
        conf.setProperty("journalPreAllocSizeMB", 4);
        conf.setZkTimeout(10_000);
        conf.setDiskCheckInterval(600_000);
        if (tls != null) {
            tls.applyToBookie(conf, bookieTrust);
        }
        if (!tlsClients.isEmpty()) {
            // Mutual TLS: a client must present a trusted certificate whose role (OU=0:<role>) is allowed;
            // plain clients and clients without a certificate are refused.
            conf.setTLSClientAuthentication(true);
            conf.setBookieAuthProviderFactoryClass(BookieAuthZFactory.class.getName());
            conf.setAuthorizedRoles(String.join(",", tlsClientRoles));
        }
        if (bookieTweaks != null) {
            bookieTweaks.accept(conf);
        }
        Bookie b = new Bookie(conf);
        bookies.add(b);
        start(b);
        return index;
    }

    private void start(Bookie b) throws Exception {
        EmbeddedServer server = EmbeddedServer.builder(new BookieConfiguration(b.conf)).build();
        server.getLifecycleComponentStack().start();
        b.server = server;
        b.suspended = false;
    }

    /** Stops bookie {@code i} abruptly as far as clients are concerned (its connections drop). Its data stays. */
    public synchronized void killBookie(int i) {
        Bookie b = bookie(i);
        if (b.server == null) {
            throw new IllegalStateException("bookie " + i + " is not running");
        }
        b.server.getLifecycleComponentStack().close();
        b.server = null;
        b.suspended = false;
    }

    /** Starts bookie {@code i} again on its old port and directories. */
    public synchronized void restartBookie(int i) throws Exception {
        Bookie b = bookie(i);
        if (b.server != null) {
            throw new IllegalStateException("bookie " + i + " is already running");
        }
        start(b);
    }

    /** Freezes bookie {@code i}: connections stay open but it stops answering, like a long GC pause. */
    public synchronized void suspendBookie(int i) {
        Bookie b = running(i);
        b.server.getBookieService().getServer().suspendProcessing();
        b.suspended = true;
    }

    public synchronized void resumeBookie(int i) {
        Bookie b = running(i);
        b.server.getBookieService().getServer().resumeProcessing();
        b.suspended = false;
    }

    /**
     * Marks every ledger directory of bookie {@code i} full (as a disk over its usage threshold
     * would), which turns the bookie read-only; {@code false} makes the directories writable again.
     * The bookie's own disk checker runs every 10 minutes here, so the state holds until undone.
     */
    public synchronized void setBookieDiskFull(int i, boolean full) {
        Bookie b = running(i);
        LedgerDirsManager ldm = b.server.getLedgerDirsManager();
        for (File dir : ldm.getAllLedgerDirs()) {
            if (full) {
                ldm.addToFilledDirs(dir);
            } else {
                ldm.addToWritableDirs(dir, true);
            }
        }
    }

    public synchronized boolean isRunning(int i) {
        return bookie(i).server != null;
    }

    public synchronized boolean isSuspended(int i) {
        return bookie(i).suspended;
    }

    public synchronized int bookieCount() {
        return bookies.size();
    }

    /** Indexes of bookies currently running (suspended ones included). */
    public synchronized List<Integer> runningBookies() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < bookies.size(); i++) {
            if (bookies.get(i).server != null) {
                out.add(i);
            }
        }
        return out;
    }

    /** The bookie id clients see, {@code 127.0.0.1:port}. */
    public synchronized BookieId bookieId(int i) {
        return BookieId.parse(LOOPBACK + ":" + bookie(i).conf.getBookiePort());
    }

    /** Index of the bookie with this id, or -1. */
    public synchronized int indexOf(BookieId id) {
        for (int i = 0; i < bookies.size(); i++) {
            if (bookieId(i).equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /** The configuration bookie {@code i} runs with (a live object: change it only while the bookie is down). */
    public synchronized ServerConfiguration bookieConfig(int i) {
        return bookie(i).conf;
    }

    private Bookie bookie(int i) {
        if (i < 0 || i >= bookies.size()) {
            throw new IllegalArgumentException("no bookie " + i + " (cluster has " + bookies.size() + ")");
        }
        return bookies.get(i);
    }

    private Bookie running(int i) {
        Bookie b = bookie(i);
        if (b.server == null) {
            throw new IllegalStateException("bookie " + i + " is not running");
        }
        return b;
    }

    // ---- ZooKeeper sessions ----------------------------------------------------------------------

    /**
     * Expires a client's ZooKeeper session: a second client attaches to the same session and closes
     * it, which the server treats as the session's end. Works the same against any ZooKeeper.
     */
    public void expireSession(ZooKeeper victim) throws Exception {
        expireSession(connectString(), victim);
    }

    public static void expireSession(String connectString, ZooKeeper victim) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        Watcher w = e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        };
        ZooKeeper dup = new ZooKeeper(connectString, victim.getSessionTimeout(), w, victim.getSessionId(), victim.getSessionPasswd());
        try {
            if (!connected.await(30, TimeUnit.SECONDS)) {
                throw new IOException("could not attach to session 0x" + Long.toHexString(victim.getSessionId()));
            }
        } finally {
            dup.close();
        }
    }

    // ---- lifecycle -------------------------------------------------------------------------------

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Bookie b : bookies) {
            if (b.server != null) {
                try {
                    b.server.getLifecycleComponentStack().close();
                } catch (RuntimeException e) {
                    // keep closing the rest
                }
                b.server = null;
            }
        }
        if (secureCnxn != null) {
            secureCnxn.close();
        }
        if (cnxn != null) {
            cnxn.shutdown();
        }
        if (zks != null) {
            zks.shutdown();
        }
        synchronized (PORTS_TAKEN) {
            for (Bookie b : bookies) {
                PORTS_TAKEN.remove(b.conf.getBookiePort());
            }
            PORTS_TAKEN.remove(zkPort);
            PORTS_TAKEN.remove(secureZkPort);
        }
        if (deleteOnClose) {
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes {@code port} for this cluster; a clear error names it (and {@code what} it is for) if it is in use. */
    static int reserve(int port, String what) throws IOException {
        synchronized (PORTS_TAKEN) {
            if (!PORTS_TAKEN.add(port)) {
                throw new IOException("port " + port + " (" + what + ") is already used by another cluster in this process");
            }
        }
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(LOOPBACK))) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            synchronized (PORTS_TAKEN) {
                PORTS_TAKEN.remove(port);
            }
            throw new IOException("port " + port + " (" + what + ") is in use on " + LOOPBACK + ": " + e.getMessage(), e);
        }
        return port;
    }

    /** A free loopback port not handed out to another LocalCluster in this JVM. */
    static int freePort() throws IOException {
        synchronized (PORTS_TAKEN) {
            for (int attempt = 0; attempt < 100; attempt++) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
                    s.setReuseAddress(true);
                    int port = s.getLocalPort();
                    if (PORTS_TAKEN.add(port)) {
                        return port;
                    }
                }
            }
        }
        throw new IOException("no free port");
    }

    /** Builder; defaults: 3 bookies, temporary directory, journal flush when its queue is empty. */
    public static final class Builder {
        private int bookies = 3;
        private Path dir;
        private boolean deleteOnClose = true;
        private boolean flushWhenQueueEmpty = true;
        private int zkPort;
        private Consumer<ServerConfiguration> bookieTweaks;
        private boolean tls;
        private TlsMaterial tlsMaterial;
        private Map<String, String> saslUsers = Map.of();
        private List<TlsMaterial> tlsClients = List.of();
        private List<String> tlsClientRoles = List.of();

        /**
         * Mutual TLS (with {@link #tls()}): the bookies and ZooKeeper's secure port trust exactly
         * these clients' certificates (e.g. from {@link TlsMaterial#generateClient}); the bookies
         * also admit a client only if its certificate's role is one of {@code roles} (BookKeeper's
         * {@code BookieAuthZFactory}). Plain clients are refused by the bookies, clients without a
         * trusted certificate by both. {@link #clientConfig()} presents the first client's certificate.
         */
        public Builder tlsClients(List<TlsMaterial> clients, String... roles) {
            if (clients.isEmpty() || roles.length == 0) {
                throw new IllegalArgumentException("mutual TLS needs at least one client certificate and one role");
            }
            tlsClients = List.copyOf(clients);
            tlsClientRoles = List.of(roles);
            return this;
        }

        /**
         * ZooKeeper accepts SASL (DIGEST-MD5) logins of these users (name to password); clients log
         * in with a JAAS section such as one from {@link JaasSections#registerClient}.
         */
        public Builder zkSasl(Map<String, String> users) {
            saslUsers = Map.copyOf(users);
            return this;
        }

        /**
         * Bookies and a second, TLS-only ZooKeeper client port serve TLS with a self-signed
         * certificate generated at start (under the data directory's {@code tls/});
         * {@link #clientConfig()} then uses TLS everywhere and trusts it. One such cluster per JVM at a time.
         */
        public Builder tls() {
            tls = true;
            return this;
        }

        /** As {@link #tls()}, with this material (e.g. an expired certificate, for tests). */
        public Builder tls(TlsMaterial material) {
            tlsMaterial = material;
            return this;
        }

        public Builder bookies(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("bookies must be >= 1, got " + n);
            }
            bookies = n;
            return this;
        }

        /** Keep data here instead of a temporary directory. */
        public Builder dataDir(Path d, boolean deleteOnClose) {
            this.dir = d;
            this.deleteOnClose = deleteOnClose;
            return this;
        }

        public Builder zkPort(int port) {
            zkPort = port;
            return this;
        }

        /** BookKeeper's default is false (wait up to 2 ms to group journal writes). */
        public Builder journalFlushWhenQueueEmpty(boolean v) {
            flushWhenQueueEmpty = v;
            return this;
        }

        /** Adjusts each bookie's configuration before it starts. */
        public Builder bookieConfig(Consumer<ServerConfiguration> tweaks) {
            bookieTweaks = tweaks;
            return this;
        }

        public LocalCluster start() {
            try {
                return new LocalCluster(this);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("LocalCluster failed to start: " + e, e);
            }
        }
    }
}
