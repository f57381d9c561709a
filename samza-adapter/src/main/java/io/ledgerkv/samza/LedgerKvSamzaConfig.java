package io.ledgerkv.samza;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.Settings;
import io.ledgerkv.api.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.samza.SamzaException;
import org.apache.samza.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's ledgerkv settings, read from the job config keys {@code stores.<store>.ledgerkv.<key>}.
 * {@code <key>} is the setting's one name, as in a settings file ({@link Settings}: {@code zk},
 * {@code ensembleSize}, {@code sessionTimeout=10s}, {@code tlsTrustStore}, ...), read by the same
 * code as the CLI's, plus the few keys only a Samza job has ({@link #SAMZA_KEYS}). The dotted keys
 * of earlier versions ({@link #DEPRECATED}) still work, each with one WARN naming its new key.
 * A missing required key, a bad value, an unknown key, or a setting given under both its old and
 * its new name is a {@link SamzaException} that names the full key.
 */
public final class LedgerKvSamzaConfig {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerKvSamzaConfig.class);

    /** Keys only the adapter reads, besides every {@link Settings#keys() setting}. */
    public static final Map<String, String> SAMZA_KEYS = Map.of(
            "passwordEnv", "name of an environment variable holding the stores' ledger password (instead of passwordFile)",
            "namePrefix", "ledgerkv store names are <prefix>-<store>-<task>; default <job.name>-<job.id>",
            "checkpointOnCommit", "true: also write a ledgerkv checkpoint at every Samza commit, after its flush (default false)");

    /**
     * The keys of earlier versions, each to the key it is now. Values keep their old syntax: the
     * {@code .ms} keys take milliseconds, where the new keys take durations ({@code 10s}).
     */
    public static final Map<String, String> DEPRECATED = Map.ofEntries(Map.entry("password.env", "passwordEnv"),
            Map.entry("name.prefix", "namePrefix"), Map.entry("codec.level", "codecLevel"), Map.entry("ensemble.size", "ensembleSize"),
            Map.entry("write.quorum", "writeQuorum"), Map.entry("ack.quorum", "ackQuorum"), Map.entry("max.batch.bytes", "maxBatchBytes"),
            Map.entry("max.key.bytes", "maxKeyBytes"), Map.entry("max.value.bytes", "maxValueBytes"),
            Map.entry("checkpoint.interval.ms", "checkpointInterval"), Map.entry("checkpoint.every.bytes", "checkpointEveryBytes"),
            Map.entry("checkpoint.on.commit", "checkpointOnCommit"), Map.entry("session.timeout.ms", "sessionTimeout"),
            Map.entry("connect.timeout.ms", "connectTimeout"), Map.entry("ledgers.root", "ledgersRootPath"));

    /**
     * The ledger password written into the job config. Still read, with a WARN, but it has no new
     * name: a secret is never a setting (use {@code passwordFile} or {@code passwordEnv}).
     */
    public static final String LITERAL_PASSWORD = "password";

    /** Every key this adapter reads (after {@code stores.<store>.ledgerkv.}), deprecated ones left out, with what it means. */
    public static final Map<String, String> KEYS = keys();

    private final String storeName;
    private final ClientConfig client;
    private final StoreConfig store;
    private final String ledgerKvName;
    private final boolean checkpointOnCommit;
    private final List<String> deprecations;

    private static Map<String, String> keys() {
        Map<String, String> k = new TreeMap<>();
        for (String key : StoreConfig.keys()) {
            k.put(key, "StoreConfig." + key + " (store-impl/README.md, Configuration)");
        }
        k.putAll(Settings.CONNECTION);
        k.putAll(SAMZA_KEYS);
        return Collections.unmodifiableMap(k);
    }

    private LedgerKvSamzaConfig(String storeName, ClientConfig client, StoreConfig store, String ledgerKvName, boolean checkpointOnCommit,
                                List<String> deprecations) {
        this.storeName = storeName;
        this.client = client;
        this.store = store;
        this.ledgerKvName = ledgerKvName;
        this.checkpointOnCommit = checkpointOnCommit;
        this.deprecations = List.copyOf(deprecations);
    }

    /**
     * Reads store {@code storeName}'s settings from the job config; {@code taskStoreDir} is the
     * store's per-task directory, whose last element Samza derives from the task name.
     */
    public static LedgerKvSamzaConfig from(Config jobConfig, String storeName, String taskStoreDirName) {
        String prefix = "stores." + storeName + ".ledgerkv.";
        Config c = jobConfig.subset(prefix, true);
        // Each setting under its one name; origin remembers the key the job wrote, to name it in errors.
        Map<String, String> s = new LinkedHashMap<>();
        Map<String, String> origin = new HashMap<>();
        List<String> deprecations = new ArrayList<>();
        for (String key : new TreeSet<>(c.keySet())) {
            String name = DEPRECATED.getOrDefault(key, key);
            if (!KEYS.containsKey(name) && !key.equals(LITERAL_PASSWORD)) {
                throw new SamzaException("unknown ledgerkv key " + prefix + key + ConfigFile.didYouMean(key, KEYS.keySet())
                        + "; valid keys: " + KEYS.keySet());
            }
            if (!name.equals(key)) {
                if (c.containsKey(name)) {
                    throw new SamzaException(prefix + key + " and " + prefix + name + " are the same setting (" + key
                            + " is its deprecated name); remove " + prefix + key);
                }
                deprecations.add(prefix + key + " is deprecated: use " + prefix + name
                        + (key.endsWith(".ms") ? " (a duration: " + c.get(key).trim() + "ms)" : ""));
            }
            s.put(name, key.endsWith(".ms") ? millis(prefix + key, c.get(key)) : c.get(key));
            origin.put(name, key);
        }
        UnaryOperator<String> where = k -> prefix + origin.getOrDefault(k, k);
        String zk = s.get("zk");
        if (zk == null || zk.isBlank()) {
            throw new SamzaException(prefix + "zk is required: the ZooKeeper connect string of the BookKeeper cluster");
        }
        try {
            byte[] password = password(s, where, prefix, deprecations);
            ClientConfig client = Settings.client(s, "samza", where).build();
            StoreConfig.Builder b = Settings.store(s, where).ledgerPassword(password);
            String namePrefix = s.getOrDefault("namePrefix", jobConfig.get("job.name", "samza") + "-" + jobConfig.get("job.id", "1"));
            LedgerKvSamzaConfig cfg = new LedgerKvSamzaConfig(storeName, client, b.build(),
                    sanitize(namePrefix + "-" + storeName + "-" + taskStoreDirName), bool(s, "checkpointOnCommit", where), deprecations);
            deprecations.forEach(LOG::warn);
            return cfg;
        } catch (InvalidConfigException e) {
            throw new SamzaException("bad ledgerkv settings for store " + storeName + ": " + where.apply(Settings.keyOf(e.field()))
                    + " (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new SamzaException("bad ledgerkv settings for store " + storeName + " (" + prefix + "*): " + e.getMessage(), e);
        }
    }

    /**
     * The ledger password: from {@code passwordFile} or the variable {@code passwordEnv} names (one
     * of them), else, as before those existed, from {@code password} itself (with a WARN).
     */
    private static byte[] password(Map<String, String> s, UnaryOperator<String> where, String prefix, List<String> deprecations) {
        if (s.containsKey("passwordFile") && s.containsKey("passwordEnv")) {
            throw new SamzaException(where.apply("passwordFile") + " and " + where.apply("passwordEnv")
                    + " both give the ledger password; keep one");
        }
        byte[] fromFile = Settings.password(s, where);
        if (fromFile != null) {
            return fromFile;
        }
        String env = s.get("passwordEnv");
        if (env != null) {
            String v = System.getenv(env.trim());
            if (v == null || v.isEmpty()) {
                throw new SamzaException(where.apply("passwordEnv") + " names environment variable " + env.trim() + ", which is not set");
            }
            return v.getBytes(StandardCharsets.UTF_8);
        }
        String literal = s.get(LITERAL_PASSWORD);
        if (literal == null || literal.isEmpty()) {
            throw new SamzaException(prefix + "passwordFile or " + prefix + "passwordEnv is required: where to read the stores'"
                    + " ledger password");
        }
        deprecations.add(prefix + LITERAL_PASSWORD + " is deprecated: a secret in the job config is readable wherever the config is;"
                + " use " + prefix + "passwordFile or " + prefix + "passwordEnv");
        return literal.getBytes(StandardCharsets.UTF_8);
    }

    /** An old {@code .ms} key's value as a duration the new key reads. */
    private static String millis(String key, String v) {
        try {
            return Long.parseLong(v.trim()) + "ms";
        } catch (NumberFormatException e) {
            throw new SamzaException(key + " must be a whole number of milliseconds, got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> s, String key, UnaryOperator<String> where) {
        String v = s.getOrDefault(key, "false").trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new SamzaException(where.apply(key) + " must be true or false, got '" + v + "'");
        }
        return v.equals("true");
    }

    /** ledgerkv store names are 1-128 characters of [A-Za-z0-9._-]; everything else becomes '_'. */
    static String sanitize(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (!Character.isLetterOrDigit(s.charAt(0))) {
            s = "s" + s;
        }
        return s.length() <= 128 ? s : s.substring(0, 128);
    }

    public String storeName() {
        return storeName;
    }

    public ClientConfig client() {
        return client;
    }

    public StoreConfig store() {
        return store;
    }

    /** The ledgerkv store this Samza store of this task lives in. */
    public String ledgerKvName() {
        return ledgerKvName;
    }

    public boolean checkpointOnCommit() {
        return checkpointOnCommit;
    }

    /** One line per deprecated key the job used (each also logged once, as a WARN, when read). */
    public List<String> deprecations() {
        return deprecations;
    }
}
