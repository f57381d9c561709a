package io.ledgerkv.cli;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.codec.CodecType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options shared by the commands that talk to a cluster: where it is, which store, the store's
 * secret, and an optional settings file ({@code --config}) holding the same keys as
 * {@link StoreConfig} plus the connection keys below. Precedence: a flag on the command line, then
 * the settings file, then the environment ({@code LEDGERKV_ZK}, {@code LEDGERKV_PASSWORD}), then
 * the defaults.
 */
final class ConnectionOptions {
    /** Keys a settings file may hold besides {@link StoreConfig#keys()}. */
    static final Set<String> CONNECTION_KEYS = Set.of("zk", "namespace", "connectTimeout", "sessionTimeout", "operationTimeout",
            "ledgersRootPath", "passwordFile", "zkDigestFile", "encryptionKeyFile", "tlsTrustStore", "tlsTrustStorePasswordFile", "zkTls", "zkSaslLoginContext",
            "tlsKeyStore", "tlsKeyStorePasswordFile");

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** Read by {@link LedgerKvCli#main} before the command runs (logging is set up before anything logs). */
    @Option(names = "--verbose", description = "Let BookKeeper's, ZooKeeper's and ledgerkv's own warnings through to the terminal")
    boolean verbose;

    @Option(names = "--config", paramLabel = "FILE", description = {"Settings file (.properties, .yaml or .yml) with StoreConfig keys",
        "(ensembleSize, codec, maxBatchBytes, ...) and zk, namespace, connectTimeout, sessionTimeout,",
        "operationTimeout, ledgersRootPath, passwordFile; command-line flags override it"})
    Path config;

    @Option(names = "--zk", defaultValue = "${env:LEDGERKV_ZK}",
            description = "ZooKeeper connect string host:port[,host:port...][/chroot] (default: $LEDGERKV_ZK)")
    String zk;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace (default: ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--password-file", description = "File holding the store's ledger password (default: $LEDGERKV_PASSWORD)")
    Path passwordFile;

    @Option(names = "--zk-digest-file", description = "File holding this service's ZooKeeper identity, user:password; the "
            + "namespaces and stores it creates are then readable and writable by that identity only")
    Path zkDigestFile;

    @Option(names = "--tls-trust-store", description = "PKCS12 truststore: connect to the bookies with TLS, trusting its certificates")
    Path tlsTrustStore;

    @Option(names = "--tls-trust-store-password-file", description = "File holding the truststore's password")
    Path tlsTrustStorePasswordFile;

    @Option(names = "--tls-key-store", description = "PKCS12 keystore with this client's certificate, for bookies (and"
            + " ZooKeeper) that ask for one (mutual TLS)")
    Path tlsKeyStore;

    @Option(names = "--tls-key-store-password-file", description = "File holding the keystore's password")
    Path tlsKeyStorePasswordFile;

    @Option(names = "--zk-sasl-login-context", paramLabel = "SECTION", description = {"Log in to ZooKeeper over SASL with this"
        + " section of the JVM's JAAS file", "(LEDGERKV_JAVA_OPTS=-Djava.security.auth.login.config=FILE); the namespaces and stores"
        + " it creates are then that user's only"})
    String zkSaslLoginContext;

    @Option(names = "--zk-tls", description = "Connect to ZooKeeper with TLS too (--zk then names its secure client port),"
            + " trusting --tls-trust-store")
    boolean zkTls;

    @Option(names = "--encryption-key-file", description = {"File with the store's AES keys (active=<id>, key.<id>=<base64>);",
        "entries are then encrypted with AES-GCM, and encrypted entries can be read"})
    Path encryptionKeyFile;

    @Option(names = "--connect-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to try reaching ZooKeeper (default: ${DEFAULT-VALUE})")
    Duration connectTimeout;

    private Map<String, String> settings;

    /** The settings file's entries (empty without --config); unknown keys are refused here, naming the nearest valid one. */
    Map<String, String> settings() {
        if (settings == null) {
            settings = config == null ? Map.of() : ConfigFile.read(config);
            Set<String> valid = new TreeSet<>(StoreConfig.keys());
            valid.addAll(CONNECTION_KEYS);
            for (String k : settings.keySet()) {
                if (!valid.contains(k)) {
                    throw ConfigFile.unknownSetting(k, valid, String.valueOf(config));
                }
            }
        }
        return settings;
    }

    /** Whether an option was given on the command line (not defaulted). */
    boolean given(String option) {
        return mixee != null && mixee.commandLine().getParseResult() != null
                && mixee.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** A flag's value if given, else the settings file's, else the flag's default. */
    private String pick(String option, String flagValue, String key) {
        return given(option) || !settings().containsKey(key) ? flagValue : settings().get(key);
    }

    /** The namespace in effect (flag, settings file or default). */
    String namespace() {
        return pick("--namespace", namespace, "namespace");
    }

    ClientConfig clientConfig() {
        String connect = pick("--zk", zk, "zk");
        if (connect == null || connect.isBlank()) {
            throw new InvalidConfigException("--zk", "no cluster given: pass --zk host:port, set zk in a --config file or set"
                    + " LEDGERKV_ZK (./ledgerkv cluster prints one)");
        }
        ClientConfig.Builder b = ClientConfig.builder(connect).namespace(namespace());
        Map<String, String> s = settings();
        try {
            b.connectTimeout(given("--connect-timeout") || !s.containsKey("connectTimeout") ? connectTimeout
                    : ConfigFile.duration(s.get("connectTimeout")));
            if (s.containsKey("sessionTimeout")) {
                b.sessionTimeout(ConfigFile.duration(s.get("sessionTimeout")));
            }
            if (s.containsKey("operationTimeout")) {
                b.operationTimeout(ConfigFile.duration(s.get("operationTimeout")));
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("timeout", "in " + config + ": " + e.getMessage());
        }
        if (s.containsKey("ledgersRootPath")) {
            b.ledgersRootPath(s.get("ledgersRootPath"));
        }
        b.tlsTrustStore(path(tlsTrustStore, "tlsTrustStore"), path(tlsTrustStorePasswordFile, "tlsTrustStorePasswordFile"));
        b.tlsKeyStore(path(tlsKeyStore, "tlsKeyStore"), path(tlsKeyStorePasswordFile, "tlsKeyStorePasswordFile"));
        if (zkTls) {
            b.zkTls(true);
        } else if (s.containsKey("zkTls")) {
            String v = s.get("zkTls").trim();
            if (!v.equals("true") && !v.equals("false")) {
                throw new InvalidConfigException("zkTls", "in " + config + ": expected true or false, got '" + v + "'");
            }
            b.zkTls(Boolean.parseBoolean(v));
        }
        String saslSection = pick("--zk-sasl-login-context", zkSaslLoginContext, "zkSaslLoginContext");
        if (saslSection != null) {
            b.zkSaslLoginContext(saslSection.trim());
        }
        Path digestFile = path(zkDigestFile, "zkDigestFile");
        if (digestFile != null) {
            b.zkDigest(new String(readSecret(digestFile, "--zk-digest-file"), java.nio.charset.StandardCharsets.UTF_8));
        }
        return b.build();
    }

    /** A file option: the flag if given, else the settings file's value, else null. */
    private Path path(Path flag, String key) {
        return flag != null ? flag : settings().containsKey(key) ? Path.of(settings().get(key)) : null;
    }

    byte[] password() {
        Path file = path(passwordFile, "passwordFile");
        if (file != null) {
            return readSecret(file, "--password-file");
        }
        String env = System.getenv("LEDGERKV_PASSWORD");
        if (env == null || env.isEmpty()) {
            throw new InvalidConfigException("ledgerPassword", "no ledger password: set LEDGERKV_PASSWORD, pass --password-file FILE"
                    + " or set passwordFile in a --config file");
        }
        return env.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A secret from a file, without its trailing newline. */
    private static byte[] readSecret(Path file, String option) {
        try {
            byte[] pw = Files.readAllBytes(file);
            int end = pw.length;
            while (end > 0 && (pw[end - 1] == '\n' || pw[end - 1] == '\r')) {
                end--;
            }
            return java.util.Arrays.copyOf(pw, end);
        } catch (IOException e) {
            throw new InvalidConfigException(option, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The settings file's store settings and the password; flags are applied on top by the caller. */
    StoreConfig.Builder storeConfig() {
        Map<String, String> storeSettings = new LinkedHashMap<>(settings());
        storeSettings.keySet().removeAll(CONNECTION_KEYS);
        Path keys = path(encryptionKeyFile, "encryptionKeyFile");
        return StoreConfig.apply(StoreConfig.builder(), storeSettings, String.valueOf(config)).ledgerPassword(password())
                .encryption(keys == null ? null : io.ledgerkv.api.EncryptionKeys.read(keys));
    }

    /**
     * Replication and codec options for commands that may create a store. Each applies only when
     * given; otherwise the --config file's value, else StoreConfig's default (ensemble 3, write
     * quorum 3, ack quorum 2, codec NONE).
     */
    static final class WriteOptions {
        @Option(names = "--ensemble", description = "Ensemble size for new ledgers (default: 3)")
        Integer ensemble;

        @Option(names = "--write-quorum", description = "Write quorum (default: 3)")
        Integer writeQuorum;

        @Option(names = "--ack-quorum", description = "Ack quorum (default: 2)")
        Integer ackQuorum;

        @Option(names = "--codec", converter = CodecConverter.class,
                description = "WAL codec for new entries: NONE, LZ4, LZ4_HC, ZSTD, ZSTD_DICT (default: NONE)")
        CodecType codec;

        @Option(names = "--codec-level", description = "Codec level, 0 = the codec's default")
        Integer codecLevel;

        StoreConfig.Builder apply(StoreConfig.Builder b) {
            if (ensemble != null) {
                b.ensembleSize(ensemble);
            }
            if (writeQuorum != null) {
                b.writeQuorum(writeQuorum);
            }
            if (ackQuorum != null) {
                b.ackQuorum(ackQuorum);
            }
            if (codec != null) {
                b.codec(codec);
            }
            if (codecLevel != null) {
                b.codecLevel(codecLevel);
            }
            return b;
        }
    }

    static final class CodecConverter implements picocli.CommandLine.ITypeConverter<CodecType> {
        @Override
        public CodecType convert(String value) {
            return CodecType.parse(value);
        }
    }

    /** Durations like 500ms, 10s, 2m, 1h or ISO-8601 (PT10S). */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            return ConfigFile.duration(v);
        }
    }
}
