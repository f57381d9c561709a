package io.ledgerkv.samza;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.codec.CodecType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.samza.SamzaException;
import org.apache.samza.config.Config;

/**
 * A store's ledgerkv settings, read from the job config keys {@code stores.<store>.ledgerkv.*}.
 * Every key is checked: a missing required key, a bad value or an unknown key is a
 * {@link SamzaException} that names the full key.
 */
public final class LedgerKvSamzaConfig {
    /** Every key this adapter reads (after {@code stores.<store>.ledgerkv.}), with what it means. */
    public static final Map<String, String> KEYS = keys();

    private final String storeName;
    private final ClientConfig client;
    private final StoreConfig store;
    private final String ledgerKvName;
    private final boolean checkpointOnCommit;

    private static Map<String, String> keys() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("zk", "ZooKeeper connect string host:port[,host:port...][/chroot] (required)");
        k.put("namespace", "ledgerkv namespace under the chroot (default samza)");
        k.put("password", "the store's ledger secret (required unless password.env is set)");
        k.put("password.env", "name of an environment variable holding the ledger secret");
        k.put("name.prefix", "ledgerkv store names are <prefix>-<store>-<task>; default <job.name>-<job.id>");
        k.put("codec", "NONE, LZ4, LZ4_HC, ZSTD or ZSTD_DICT (default NONE)");
        k.put("codec.level", "codec level, 0 = the codec's default");
        k.put("ensemble.size", "BookKeeper ensemble size (default 3)");
        k.put("write.quorum", "BookKeeper write quorum (default 3)");
        k.put("ack.quorum", "BookKeeper ack quorum (default 2)");
        k.put("max.batch.bytes", "largest WAL entry the committer writes (default 131072)");
        k.put("max.key.bytes", "largest key accepted (default 65536)");
        k.put("max.value.bytes", "largest value accepted (default 16777216)");
        k.put("checkpoint.interval.ms", "write a ledgerkv checkpoint every so many ms (default 0 = off)");
        k.put("checkpoint.every.bytes", "write a ledgerkv checkpoint after so many WAL bytes (default 0 = off)");
        k.put("checkpoint.on.commit", "true: also write a ledgerkv checkpoint at every Samza commit, after its flush (default false)");
        k.put("session.timeout.ms", "ZooKeeper session timeout (default 10000)");
        k.put("connect.timeout.ms", "how long opening the store waits for ZooKeeper before failing (default 10000)");
        k.put("ledgers.root", "BookKeeper's ledgers root path under the chroot (default /ledgers)");
        return Map.copyOf(k);
    }

    /** The job config key for each StoreConfig / ClientConfig field a key sets, to name it in errors. */
    private static final Map<String, String> FIELD_KEYS = Map.ofEntries(Map.entry("ensembleSize", "ensemble.size"),
            Map.entry("writeQuorum", "write.quorum"), Map.entry("ackQuorum", "ack.quorum"), Map.entry("maxBatchBytes", "max.batch.bytes"),
            Map.entry("maxKeyBytes", "max.key.bytes"), Map.entry("maxValueBytes", "max.value.bytes"),
            Map.entry("checkpointInterval", "checkpoint.interval.ms"), Map.entry("checkpointEveryBytes", "checkpoint.every.bytes"),
            Map.entry("codecLevel", "codec.level"), Map.entry("codec", "codec"), Map.entry("sessionTimeout", "session.timeout.ms"),
            Map.entry("connectTimeout", "connect.timeout.ms"), Map.entry("namespace", "namespace"), Map.entry("ledgersRootPath", "ledgers.root"),
            Map.entry("connectString", "zk"), Map.entry("ledgerPassword", "password"));

    private LedgerKvSamzaConfig(String storeName, ClientConfig client, StoreConfig store, String ledgerKvName, boolean checkpointOnCommit) {
        this.storeName = storeName;
        this.client = client;
        this.store = store;
        this.ledgerKvName = ledgerKvName;
        this.checkpointOnCommit = checkpointOnCommit;
    }

    /**
     * Reads store {@code storeName}'s settings from the job config; {@code taskStoreDir} is the
     * store's per-task directory, whose last element Samza derives from the task name.
     */
    public static LedgerKvSamzaConfig from(Config jobConfig, String storeName, String taskStoreDirName) {
        String prefix = "stores." + storeName + ".ledgerkv.";
        Config c = jobConfig.subset(prefix, true);
        Set<String> unknown = new TreeSet<>(c.keySet());
        unknown.removeAll(KEYS.keySet());
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw new SamzaException("unknown ledgerkv key " + prefix + first + ConfigFile.didYouMean(first, KEYS.keySet()) + "; valid keys: "
                    + new TreeSet<>(KEYS.keySet()));
        }
        String zk = c.get("zk");
        if (zk == null || zk.isBlank()) {
            throw new SamzaException(prefix + "zk is required: the ZooKeeper connect string of the BookKeeper cluster");
        }
        String password = c.get("password");
        String env = c.get("password.env");
        if (env != null) {
            password = System.getenv(env);
            if (password == null || password.isEmpty()) {
                throw new SamzaException(prefix + "password.env names environment variable " + env + ", which is not set");
            }
        }
        if (password == null || password.isEmpty()) {
            throw new SamzaException(prefix + "password (or password.env) is required: the store's ledger secret");
        }
        try {
            ClientConfig client = ClientConfig.builder(zk).namespace(c.get("namespace", "samza"))
                    .sessionTimeout(Duration.ofMillis(longKey(c, prefix, "session.timeout.ms", 10_000)))
                    .connectTimeout(Duration.ofMillis(longKey(c, prefix, "connect.timeout.ms", 10_000)))
                    .ledgersRootPath(c.get("ledgers.root", "/ledgers")).build();
            StoreConfig.Builder b = StoreConfig.builder().ledgerPassword(password);
            if (c.containsKey("codec")) {
                b.codec(CodecType.parse(c.get("codec")), intKey(c, prefix, "codec.level", 0));
            }
            b.quorum(intKey(c, prefix, "ensemble.size", 3), intKey(c, prefix, "write.quorum", 3),
                    intKey(c, prefix, "ack.quorum", 2));
            if (c.containsKey("max.batch.bytes")) {
                b.maxBatchBytes(intKey(c, prefix, "max.batch.bytes", 0));
            }
            if (c.containsKey("max.key.bytes")) {
                b.maxKeyBytes(intKey(c, prefix, "max.key.bytes", 0));
            }
            if (c.containsKey("max.value.bytes")) {
                b.maxValueBytes(intKey(c, prefix, "max.value.bytes", 0));
            }
            b.checkpointInterval(Duration.ofMillis(longKey(c, prefix, "checkpoint.interval.ms", 0)));
            b.checkpointEveryBytes(longKey(c, prefix, "checkpoint.every.bytes", 0));
            String namePrefix = c.get("name.prefix", jobConfig.get("job.name", "samza") + "-" + jobConfig.get("job.id", "1"));
            return new LedgerKvSamzaConfig(storeName, client, b.build(), sanitize(namePrefix + "-" + storeName + "-" + taskStoreDirName),
                    boolKey(c, prefix, "checkpoint.on.commit"));
        } catch (InvalidConfigException e) {
            String key = FIELD_KEYS.get(e.field());
            throw new SamzaException("bad ledgerkv settings for store " + storeName + ": "
                    + (key != null ? prefix + key + " (" + e.getMessage() + ")" : e.getMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new SamzaException("bad ledgerkv settings for store " + storeName + " (" + prefix + "*): " + e.getMessage(), e);
        }
    }

    private static long longKey(Config c, String prefix, String key, long dflt) {
        String v = c.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new SamzaException(prefix + key + " must be a whole number, got '" + v + "'");
        }
    }

    private static int intKey(Config c, String prefix, String key, int dflt) {
        long v = longKey(c, prefix, key, dflt);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new SamzaException(prefix + key + " must fit in 32 bits, got " + v);
        }
        return (int) v;
    }

    private static boolean boolKey(Config c, String prefix, String key) {
        String v = c.get(key, "false").trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new SamzaException(prefix + key + " must be true or false, got '" + v + "'");
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
}
