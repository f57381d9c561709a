package io.ledgerkv.api;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How to reach the cluster: a ZooKeeper connect string ({@code host:port[,host:port...][/chroot]})
 * under which BookKeeper keeps its ledger metadata at {@link #ledgersRootPath()} and ledgerkv keeps
 * its stores at {@code /ledgerkv/<namespace>}. The same code serves {@code LocalCluster} and an
 * external cluster; only this string differs.
 *
 * <pre>{@code
 * ClientConfig cc = ClientConfig.builder("zk1:2181,zk2:2181/prod").namespace("risk").build();
 * }</pre>
 *
 * <p>{@code meterRegistry} is the host application's Micrometer registry, where every store this
 * client opens registers its {@code ledgerkv.*} meters; null (the default) keeps no metrics.
 *
 * <p>{@code zkDigest} ({@code user:password}, null by default) is this service's ZooKeeper
 * identity: the client authenticates with it, and the namespaces and stores it creates are
 * readable and writable by that identity only, so another service can neither read their metadata
 * nor fence their writer nor delete them. Never printed ({@link #toString()} hides it).
 *
 * <p>{@code tlsTrustStore} (a PKCS12 file) and {@code tlsTrustStorePasswordFile}, both or neither:
 * with them, every connection to a bookie is TLS and a bookie must present a certificate the
 * truststore trusts. Checked when connecting: a truststore that cannot be opened, or holds an
 * expired certificate, is an {@link InvalidConfigException}. {@code zkTls} (off by default) makes
 * the connections to ZooKeeper TLS as well, trusting the same truststore; the connect string then
 * names ZooKeeper's secure client port. {@code tlsKeyStore} and {@code tlsKeyStorePasswordFile}
 * (both or neither) are the client's own certificate, for servers that ask for one (mutual TLS).
 *
 * <p>{@code zkSaslLoginContext} (null by default) is the JAAS login section this client logs in to
 * ZooKeeper with over SASL (e.g. Kerberos, or DIGEST-MD5 with {@code DigestLoginModule}); the JAAS
 * configuration is the JVM's ({@code -Djava.security.auth.login.config=FILE}). As with
 * {@code zkDigest}, the namespaces and stores this client creates belong to that identity only.
 *
 * <p>{@code clock} is the writer's clock: it stamps every WAL entry and decides when values put
 * with a time to live expire (the system UTC clock by default; tests pass a controllable one).
 *
 * <p>{@code retryBackoff} (50 ms by default) is a writer's first pause before it retries creating,
 * closing or rolling to a ledger; each further retry waits twice as long, up to 20 times this,
 * until {@code operationTimeout} runs out.
 */
public record ClientConfig(
        String connectString,
        String namespace,
        Duration sessionTimeout,
        Duration connectTimeout,
        Duration operationTimeout,
        String ledgersRootPath,
        Duration addEntryTimeout,
        Duration readEntryTimeout,
        MeterRegistry meterRegistry,
        String zkDigest,
        Clock clock,
        Path tlsTrustStore,
        Path tlsTrustStorePasswordFile,
        boolean zkTls,
        String zkSaslLoginContext,
        Path tlsKeyStore,
        Path tlsKeyStorePasswordFile,
        Duration retryBackoff) {

    private static final Pattern HOSTS = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}(,[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5})*(/[A-Za-z0-9._\\-/]*)?");
    private static final Pattern SASL_SECTION = Pattern.compile("[A-Za-z0-9._\\-]{1,128}");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,127}");

    public ClientConfig {
        if (connectString == null || !HOSTS.matcher(connectString).matches()) {
            throw new InvalidConfigException("connectString",
                    "expected host:port[,host:port...][/chroot], got '" + connectString + "'");
        }
        checkPortsAndChroot(connectString);
        if (namespace == null || !NAME.matcher(namespace).matches()) {
            throw new InvalidConfigException("namespace",
                    "must be 1-128 characters of [A-Za-z0-9._-] starting with a letter or digit, got '" + namespace + "'");
        }
        positive("sessionTimeout", sessionTimeout);
        positive("connectTimeout", connectTimeout);
        positive("operationTimeout", operationTimeout);
        positive("addEntryTimeout", addEntryTimeout);
        positive("readEntryTimeout", readEntryTimeout);
        positive("retryBackoff", retryBackoff);
        if (retryBackoff.compareTo(operationTimeout) > 0) {
            throw new InvalidConfigException("retryBackoff", "must not exceed operationTimeout=" + ConfigFile.format(operationTimeout) + ", got " + ConfigFile.format(retryBackoff));
        }
        if (zkDigest != null && (zkDigest.indexOf(':') <= 0 || zkDigest.indexOf(':') == zkDigest.length() - 1)) {
            throw new InvalidConfigException("zkDigest", "expected user:password with both parts non-empty (the value is not shown)");
        }
        storeWithPassword("tlsTrustStore", "truststore", tlsTrustStore, tlsTrustStorePasswordFile);
        storeWithPassword("tlsKeyStore", "keystore", tlsKeyStore, tlsKeyStorePasswordFile);
        if (tlsKeyStore != null && tlsTrustStore == null) {
            throw new InvalidConfigException("tlsKeyStore", "a client certificate (tlsKeyStore) is for TLS, which needs"
                    + " tlsTrustStore and tlsTrustStorePasswordFile too");
        }
        if (zkTls && tlsTrustStore == null) {
            throw new InvalidConfigException("zkTls", "TLS to ZooKeeper needs tlsTrustStore and tlsTrustStorePasswordFile (the"
                    + " certificates to trust)");
        }
        if (zkSaslLoginContext != null && !SASL_SECTION.matcher(zkSaslLoginContext).matches()) {
            throw new InvalidConfigException("zkSaslLoginContext", "expected the name of a JAAS login section ([A-Za-z0-9._-]+), got '"
                    + zkSaslLoginContext + "'");
        }
        if (clock == null) {
            throw new InvalidConfigException("clock", "must not be null (the default is the system UTC clock)");
        }
        if (ledgersRootPath == null || !ledgersRootPath.startsWith("/") || ledgersRootPath.endsWith("/")) {
            throw new InvalidConfigException("ledgersRootPath", "must start with '/' and not end with '/', got '" + ledgersRootPath + "'");
        }
    }

    /** Like the record's, with the ZooKeeper secret hidden. */
    @Override
    public String toString() {
        return "ClientConfig[connectString=" + connectString + ", namespace=" + namespace + ", sessionTimeout=" + ConfigFile.format(sessionTimeout)
                + ", connectTimeout=" + ConfigFile.format(connectTimeout) + ", operationTimeout=" + ConfigFile.format(operationTimeout) + ", ledgersRootPath="
                + ledgersRootPath + ", addEntryTimeout=" + ConfigFile.format(addEntryTimeout) + ", readEntryTimeout=" + ConfigFile.format(readEntryTimeout)
                + ", zkDigest=" + (zkDigest == null ? "none" : "user " + zkDigest.substring(0, zkDigest.indexOf(':')) + ", password hidden")
                + (zkSaslLoginContext == null ? "" : ", zkSasl=login section " + zkSaslLoginContext)
                + ", tls=" + (tlsTrustStore == null ? "off" : (zkTls ? "bookies and zookeeper" : "bookies") + ", trust " + tlsTrustStore
                + (tlsKeyStore == null ? "" : ", client certificate " + tlsKeyStore)) + "]";
    }

    /**
     * Refuses what the pattern lets through but ZooKeeper would only fail on after connectTimeout: a
     * port outside 1-65535, and a chroot with empty, "." or ".." segments.
     */
    private static void checkPortsAndChroot(String cs) {
        int slash = cs.indexOf('/');
        String hosts = slash < 0 ? cs : cs.substring(0, slash);
        for (String h : hosts.split(",")) {
            String port = h.substring(h.lastIndexOf(':') + 1);
            int p = Integer.parseInt(port); // at most 5 digits by the pattern
            if (p < 1 || p > 65535) {
                throw new InvalidConfigException("connectString", "port " + port + " of '" + h + "' is not in 1-65535");
            }
        }
        if (slash >= 0 && !cs.substring(slash).equals("/")) {
            String chroot = cs.substring(slash);
            for (String seg : chroot.substring(1).split("/", -1)) {
                if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                    throw new InvalidConfigException("connectString", "chroot '" + chroot + "' must be an absolute path of"
                            + " names, without empty, '.' or '..' segments");
                }
            }
        }
    }

    /** A PKCS12 file and its password file come both or neither. */
    private static void storeWithPassword(String field, String kind, Path store, Path passwordFile) {
        if ((store == null) != (passwordFile == null)) {
            throw new InvalidConfigException(field, field + " and " + field + "PasswordFile go together (got "
                    + (store == null ? "only the password file" : "only the " + kind) + ")");
        }
    }

    private static void positive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new InvalidConfigException(field, "must be > 0, got " + d);
        }
    }

    /** ZooKeeper hosts without the chroot, e.g. {@code zk1:2181,zk2:2181}. */
    public String zkHosts() {
        int slash = connectString.indexOf('/');
        return slash < 0 ? connectString : connectString.substring(0, slash);
    }

    /** The chroot, or {@code ""}. */
    public String chroot() {
        int slash = connectString.indexOf('/');
        String c = slash < 0 ? "" : connectString.substring(slash);
        return c.equals("/") ? "" : c;
    }

    /** BookKeeper's metadata service URI for this cluster, e.g. {@code zk+hierarchical://zk1:2181;zk2:2181/prod/ledgers}. */
    public String metadataServiceUri() {
        return "zk+hierarchical://" + zkHosts().replace(',', ';') + chroot() + ledgersRootPath;
    }

    public static Builder builder(String connectString) {
        return new Builder(connectString);
    }

    public Builder toBuilder() {
        return new Builder(connectString).namespace(namespace).sessionTimeout(sessionTimeout)
                .connectTimeout(connectTimeout).operationTimeout(operationTimeout).retryBackoff(retryBackoff).ledgersRootPath(ledgersRootPath)
                .addEntryTimeout(addEntryTimeout).readEntryTimeout(readEntryTimeout).meterRegistry(meterRegistry).zkDigest(zkDigest).clock(clock)
                .tlsTrustStore(tlsTrustStore, tlsTrustStorePasswordFile).zkTls(zkTls).zkSaslLoginContext(zkSaslLoginContext)
                .tlsKeyStore(tlsKeyStore, tlsKeyStorePasswordFile);
    }

    public static final class Builder {
        private final String connectString;
        private String namespace = "default";
        private Duration sessionTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration operationTimeout = Duration.ofSeconds(30);
        private Duration retryBackoff = Duration.ofMillis(50);
        private String ledgersRootPath = "/ledgers";
        private Duration addEntryTimeout = Duration.ofSeconds(5);
        private Duration readEntryTimeout = Duration.ofSeconds(5);
        private MeterRegistry meterRegistry;
        private Clock clock = Clock.systemUTC();
        private Path tlsTrustStore;
        private Path tlsTrustStorePasswordFile;
        private String zkDigest;
        private boolean zkTls;
        private String zkSaslLoginContext;
        private Path tlsKeyStore;
        private Path tlsKeyStorePasswordFile;

        private Builder(String connectString) {
            this.connectString = connectString;
        }

        public Builder namespace(String v) {
            namespace = v;
            return this;
        }

        /** ZooKeeper session timeout; a writer whose session expires is fenced. */
        public Builder sessionTimeout(Duration v) {
            sessionTimeout = v;
            return this;
        }

        /** How long connecting to ZooKeeper may take before {@link ClusterUnavailableException}. */
        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        /** Upper bound for opening a store and for rolling to a new ledger after a failure. */
        /** First pause before a writer retries a ledger operation (doubling, up to 20 times this). */
        public Builder retryBackoff(Duration v) {
            retryBackoff = v;
            return this;
        }

        public Builder operationTimeout(Duration v) {
            operationTimeout = v;
            return this;
        }

        public Builder ledgersRootPath(String v) {
            ledgersRootPath = v;
            return this;
        }

        /** BookKeeper add timeout: a bookie silent for this long is replaced in the ensemble. */
        public Builder addEntryTimeout(Duration v) {
            addEntryTimeout = v;
            return this;
        }

        public Builder readEntryTimeout(Duration v) {
            readEntryTimeout = v;
            return this;
        }

        /** Where stores register their {@code ledgerkv.*} meters (see store-impl/README.md, "Metrics"); null for none. */
        public Builder meterRegistry(MeterRegistry v) {
            meterRegistry = v;
            return this;
        }

        /** This service's ZooKeeper identity, {@code user:password} (digest scheme); null for none. */
        public Builder zkDigest(String userColonPassword) {
            zkDigest = userColonPassword;
            return this;
        }

        /** The writer's clock (WAL entry times, expiry of values put with a ttl); the system UTC clock by default. */
        public Builder clock(Clock v) {
            clock = v;
            return this;
        }

        /** TLS to the bookies, trusting the certificates in this PKCS12 truststore; both null for plain connections. */
        public Builder tlsTrustStore(Path trustStore, Path passwordFile) {
            tlsTrustStore = trustStore;
            tlsTrustStorePasswordFile = passwordFile;
            return this;
        }

        /** TLS to ZooKeeper too (its secure client port), trusting {@link #tlsTrustStore}'s truststore; off by default. */
        public Builder zkTls(boolean v) {
            zkTls = v;
            return this;
        }

        /** The JAAS login section to authenticate to ZooKeeper with over SASL; null (the default) for none. */
        public Builder zkSaslLoginContext(String section) {
            zkSaslLoginContext = section;
            return this;
        }

        /**
         * This client's certificate for mutual TLS, a PKCS12 keystore holding its key (with the key's
         * password the same as the store's); presented to the bookies and, with {@link #zkTls}, to
         * ZooKeeper. Both null (the default) for none.
         */
        public Builder tlsKeyStore(Path keyStore, Path passwordFile) {
            tlsKeyStore = keyStore;
            tlsKeyStorePasswordFile = passwordFile;
            return this;
        }

        public ClientConfig build() {
            return new ClientConfig(connectString, namespace, sessionTimeout, connectTimeout, operationTimeout,
                    ledgersRootPath, addEntryTimeout, readEntryTimeout, meterRegistry, zkDigest, clock, tlsTrustStore,
                    tlsTrustStorePasswordFile, zkTls, zkSaslLoginContext, tlsKeyStore, tlsKeyStorePasswordFile, retryBackoff);
        }
    }
}
