package io.ledgerkv.cli;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.Settings;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.codec.CodecType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options shared by the commands that talk to a cluster: where it is, which store, the store's
 * secret, and an optional settings file ({@code --config}) holding {@link Settings}' keys. Every
 * flag that sets a setting is that setting's key in kebab case ({@code sessionTimeout} is
 * {@code --session-timeout}); both are read by {@link Settings}, as the Samza adapter's keys are.
 * Precedence: a flag on the command line, then the settings file, then the environment
 * ({@code LEDGERKV_ZK}, {@code LEDGERKV_PASSWORD}), then the defaults.
 */
final class ConnectionOptions {
    /** Flags from before settings had one spelling, to the setting each sets; hidden, and kept so scripts keep working. */
    static final Map<String, String> OLD_FLAGS = Map.of("--ensemble", "ensembleSize");


    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** Read by {@link LedgerKvCli#main} before the command runs (logging is set up before anything logs). */
    @Option(names = "--verbose", description = "Let BookKeeper's, ZooKeeper's and ledgerkv's own warnings through to the terminal")
    boolean verbose;

    @Option(names = "--config", paramLabel = "FILE", description = {"Settings file (.properties, .yaml or .yml): StoreConfig keys",
        "(ensembleSize, codec, maxBatchBytes, ...) and zk, namespace, sessionTimeout, passwordFile, ...;",
        "each flag here is a key in kebab case (--session-timeout is sessionTimeout) and overrides it"})
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

    @Option(names = "--session-timeout", converter = DurationConverter.class, description = "ZooKeeper session timeout"
            + " (default: 10s)")
    Duration sessionTimeout;

    @Option(names = "--operation-timeout", converter = DurationConverter.class, description = "Upper bound for opening a store"
            + " and for rolling to a new ledger (default: 30s)")
    Duration operationTimeout;

    @Option(names = "--ledgers-root-path", paramLabel = "PATH", description = "BookKeeper's ledgers root path under the chroot"
            + " (default: /ledgers)")
    String ledgersRootPath;

    private Map<String, String> settings;
    private Map<String, String> effective;
    private final Map<String, String> sources = new HashMap<>();

    /** The settings file's entries (empty without --config); unknown keys are refused here, naming the nearest valid one. */
    Map<String, String> settings() {
        if (settings == null) {
            settings = config == null ? Map.of() : ConfigFile.read(config);
            Settings.checkKeys(settings.keySet(), Set.of(), String.valueOf(config));
        }
        return settings;
    }

    /**
     * The settings in effect, keyed by their one name ({@link Settings}): the file's, each flag given
     * on the command line over it (a flag is the key's kebab case, found in the command's model, so
     * a flag and a key cannot drift apart), and a flag's default (e.g. {@code --zk} from
     * {@code LEDGERKV_ZK}) where neither gave the key.
     */
    Map<String, String> effective() {
        if (effective == null) {
            Map<String, String> m = new LinkedHashMap<>(settings());
            settings().keySet().forEach(k -> sources.put(k, config + " (" + k + ")"));
            for (String key : Settings.keys()) {
                OptionSpec o = mixee == null ? null : mixee.findOption(Settings.flag(key));
                if (o == null) {
                    continue;
                }
                if (!o.originalStringValues().isEmpty() || given(o.longestName())) {
                    List<String> typed = o.originalStringValues();
                    m.put(key, typed.isEmpty() ? "true" : typed.get(typed.size() - 1));
                    sources.put(key, o.longestName());
                } else if (!m.containsKey(key) && o.defaultValue() != null) {
                    m.put(key, o.defaultValue());
                    sources.put(key, o.longestName() + "'s default");
                }
            }
            for (Map.Entry<String, String> old : OLD_FLAGS.entrySet()) {
                OptionSpec o = mixee == null ? null : mixee.findOption(old.getKey());
                if (o == null || o.originalStringValues().isEmpty()) {
                    continue;
                }
                String flag = Settings.flag(old.getValue());
                if (flag.equals(sources.get(old.getValue()))) {
                    throw new CommandLine.ParameterException(mixee.commandLine(), old.getKey() + " and " + flag
                            + " are the same setting (" + old.getKey() + " is its old name); give only " + flag);
                }
                m.put(old.getValue(), o.originalStringValues().get(o.originalStringValues().size() - 1));
                sources.put(old.getValue(), old.getKey());
            }
            effective = m;
        }
        return effective;
    }

    /** Where a setting's value came from, for messages: the flag, or the settings file and key. */
    private String where(String key) {
        return sources.getOrDefault(key, key);
    }

    /** Whether an option was given on the command line (not defaulted). */
    boolean given(String option) {
        return mixee != null && mixee.commandLine().getParseResult() != null
                && mixee.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The namespace in effect (flag, settings file or default). */
    String namespace() {
        return effective().getOrDefault("namespace", "default");
    }

    ClientConfig clientConfig() {
        Map<String, String> s = effective();
        String connect = s.get("zk");
        if (connect == null || connect.isBlank()) {
            throw new InvalidConfigException("--zk", "no cluster given: pass --zk host:port, set zk in a --config file or set"
                    + " LEDGERKV_ZK (./ledgerkv cluster prints one)");
        }
        return Settings.client(s, "default", this::where).build();
    }

    byte[] password() {
        byte[] fromFile = Settings.password(effective(), this::where);
        if (fromFile != null) {
            return fromFile;
        }
        String env = System.getenv("LEDGERKV_PASSWORD");
        if (env == null || env.isEmpty()) {
            throw new InvalidConfigException("ledgerPassword", "no ledger password: set LEDGERKV_PASSWORD, pass --password-file FILE"
                    + " or set passwordFile in a --config file");
        }
        return env.getBytes(StandardCharsets.UTF_8);
    }

    /** The store settings in effect (file, then the command's flags such as --ensemble-size) and the password. */
    StoreConfig.Builder storeConfig() {
        return Settings.store(effective(), this::where).ledgerPassword(password());
    }

    /**
     * Replication and codec options for commands that may create a store. Each applies only when
     * given; otherwise the --config file's value, else StoreConfig's default (ensemble 3, write
     * quorum 3, ack quorum 2, codec NONE).
     */
    static final class WriteOptions {
        @Option(names = "--ensemble-size", description = "Ensemble size for new ledgers (default: 3)")
        Integer ensembleSize;

        /** The old name of --ensemble-size (see {@link #OLD_FLAGS}); hidden, so help shows only the new one. */
        @Option(names = "--ensemble", hidden = true)
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
    }

    static final class CodecConverter implements CommandLine.ITypeConverter<CodecType> {
        @Override
        public CodecType convert(String value) {
            return CodecType.parse(value);
        }
    }

    /** Durations like 500ms, 10s, 2m, 1h or ISO-8601 (PT10S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            return ConfigFile.duration(v);
        }
    }
}
