package io.ledgerkv.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The one table of settings a user can name, and the one place that reads them. A setting has one
 * name, its settings-file key: the {@link StoreConfig} builder's setter for store settings
 * ({@code ensembleSize}, {@code codec}, ...) and the keys below for the connection. Settings files
 * use the key as is, Samza jobs use {@code stores.<store>.ledgerkv.<key>}, and the CLI's flag is
 * its kebab case ({@link #flag}: {@code ensembleSize} is {@code --ensemble-size}). The CLI and the
 * Samza adapter both turn what they were given into a key/value map and call {@link #client} and
 * {@link #store}, so the two cannot read a setting differently.
 *
 * <pre>{@code
 * Map<String, String> s = ConfigFile.read(path);
 * ClientConfig cc = Settings.client(s, "default", k -> path + ": " + k).build();
 * StoreConfig sc = Settings.store(s, k -> path + ": " + k).ledgerPassword(Settings.password(s, k -> path.toString())).build();
 * }</pre>
 *
 * <p>Secrets are never values here: the ledger password, the ZooKeeper digest and the keystore
 * passwords are read from the files these settings name.
 */
public final class Settings {
    /** The connection settings, with what each is; everything else is a {@link StoreConfig} key. */
    public static final Map<String, String> CONNECTION = connection();

    private static Map<String, String> connection() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("zk", "ZooKeeper connect string host:port[,host:port...][/chroot]");
        m.put("namespace", "ledgerkv namespace under the chroot");
        m.put("sessionTimeout", "ZooKeeper session timeout (a writer whose session expires is fenced)");
        m.put("connectTimeout", "how long to try reaching ZooKeeper");
        m.put("operationTimeout", "upper bound for opening a store and for rolling to a new ledger");
        m.put("ledgersRootPath", "BookKeeper's ledgers root path under the chroot");
        m.put("passwordFile", "file holding the stores' ledger password");
        m.put("zkDigestFile", "file holding this service's ZooKeeper identity, user:password");
        m.put("zkSaslLoginContext", "JAAS login section to log in to ZooKeeper with over SASL");
        m.put("zkTls", "true: connect to ZooKeeper with TLS too (zk names its secure port), trusting tlsTrustStore");
        m.put("tlsTrustStore", "PKCS12 truststore: TLS to the bookies, trusting its certificates");
        m.put("tlsTrustStorePasswordFile", "file holding the truststore's password");
        m.put("tlsKeyStore", "PKCS12 keystore with this client's certificate (mutual TLS)");
        m.put("tlsKeyStorePasswordFile", "file holding the keystore's password");
        m.put("encryptionKeyFile", "file with the store's AES keys (active=<id>, key.<id>=<base64>)");
        return Collections.unmodifiableMap(m);
    }

    /** What {@link ClientConfig} and {@link StoreConfig} call a field, where its setting has another name. */
    private static final Map<String, String> FIELD_TO_KEY = Map.of("connectString", "zk", "zkDigest", "zkDigestFile",
            "encryption", "encryptionKeyFile");

    private Settings() {
    }

    /** Every setting: {@link StoreConfig#keys()} and {@link #CONNECTION}, sorted. */
    public static Set<String> keys() {
        Set<String> all = new TreeSet<>(StoreConfig.keys());
        all.addAll(CONNECTION.keySet());
        return Collections.unmodifiableSet(all);
    }

    /** A setting's command-line flag: {@code ensembleSize} is {@code --ensemble-size}. */
    public static String flag(String key) {
        StringBuilder b = new StringBuilder("--");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c)) {
                b.append('-').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * The setting behind a field an {@link InvalidConfigException} names ({@code connectString} is
     * set by {@code zk}, {@code zkDigest} by {@code zkDigestFile}); the field itself if it is a setting.
     */
    public static String keyOf(String field) {
        return FIELD_TO_KEY.getOrDefault(field, field);
    }

    /** Refuses any key that is neither a setting nor one of {@code extra}, naming the nearest valid one. */
    public static void checkKeys(Collection<String> given, Collection<String> extra, String source) {
        Set<String> valid = new TreeSet<>(keys());
        valid.addAll(extra);
        for (String k : given) {
            if (!valid.contains(k)) {
                throw ConfigFile.unknownSetting(k, valid, source);
            }
        }
    }

    /**
     * A client builder from the connection settings in {@code s} ({@code zk} required; other keys
     * are ignored). {@code where} names a key's source in messages (a file, a flag, a Samza key).
     * Files named by settings are read here, so a bad path fails now, naming its setting.
     */
    public static ClientConfig.Builder client(Map<String, String> s, String defaultNamespace, UnaryOperator<String> where) {
        String zk = s.get("zk");
        if (zk == null || zk.isBlank()) {
            throw new InvalidConfigException("zk", "no cluster given: set " + where.apply("zk"));
        }
        ClientConfig.Builder b = ClientConfig.builder(zk.trim()).namespace(s.getOrDefault("namespace", defaultNamespace).trim());
        if (s.containsKey("sessionTimeout")) {
            b.sessionTimeout(duration(s, "sessionTimeout", where));
        }
        if (s.containsKey("connectTimeout")) {
            b.connectTimeout(duration(s, "connectTimeout", where));
        }
        if (s.containsKey("operationTimeout")) {
            b.operationTimeout(duration(s, "operationTimeout", where));
        }
        if (s.containsKey("ledgersRootPath")) {
            b.ledgersRootPath(s.get("ledgersRootPath").trim());
        }
        b.tlsTrustStore(readablePath(s, "tlsTrustStore", where), readablePath(s, "tlsTrustStorePasswordFile", where));
        b.tlsKeyStore(readablePath(s, "tlsKeyStore", where), readablePath(s, "tlsKeyStorePasswordFile", where));
        if (s.containsKey("zkTls")) {
            b.zkTls(bool(s, "zkTls", where));
        }
        if (s.containsKey("zkSaslLoginContext")) {
            b.zkSaslLoginContext(s.get("zkSaslLoginContext").trim());
        }
        Path digest = readablePath(s, "zkDigestFile", where);
        if (digest != null) {
            b.zkDigest(new String(secret(digest, "zkDigestFile", where), StandardCharsets.UTF_8));
        }
        return b;
    }

    /**
     * A store builder from the store settings in {@code s} (through {@link StoreConfig#apply}) and
     * the encryption keys of {@code encryptionKeyFile}; other keys are ignored (the caller has checked
     * them), the password is the caller's to set.
     */
    public static StoreConfig.Builder store(Map<String, String> s, UnaryOperator<String> where) {
        StoreConfig.Builder b = StoreConfig.builder();
        for (Map.Entry<String, String> e : s.entrySet()) {
            if (StoreConfig.keys().contains(e.getKey())) {
                StoreConfig.apply(b, Map.of(e.getKey(), e.getValue()), where.apply(e.getKey()));
            }
        }
        Path keys = readablePath(s, "encryptionKeyFile", where);
        if (keys != null) {
            b.encryption(EncryptionKeys.read(keys));
        }
        return b;
    }

    /** The ledger password from {@code passwordFile}, or null if {@code s} names none. */
    public static byte[] password(Map<String, String> s, UnaryOperator<String> where) {
        Path file = readablePath(s, "passwordFile", where);
        return file == null ? null : secret(file, "passwordFile", where);
    }

    /** A secret from a file, without its trailing newline. */
    public static byte[] secret(Path file, String key, UnaryOperator<String> where) {
        try {
            byte[] pw = Files.readAllBytes(file);
            int end = pw.length;
            while (end > 0 && (pw[end - 1] == '\n' || pw[end - 1] == '\r')) {
                end--;
            }
            if (end == 0) {
                throw new InvalidConfigException(key, file + " (" + where.apply(key) + ") is empty");
            }
            return Arrays.copyOf(pw, end);
        } catch (IOException e) {
            throw new InvalidConfigException(key, "cannot read " + file + " (" + where.apply(key) + "): " + e);
        }
    }

    /** A path setting that must name a readable file, checked now rather than when first used. */
    private static Path readablePath(Map<String, String> s, String key, UnaryOperator<String> where) {
        String v = s.get(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        Path p = Path.of(v.trim());
        if (!Files.isReadable(p) || Files.isDirectory(p)) {
            throw new InvalidConfigException(key, "cannot read " + p + " (" + where.apply(key) + "): "
                    + (Files.isDirectory(p) ? "a directory" : Files.exists(p) ? "not readable" : "no such file"));
        }
        return p;
    }

    private static Duration duration(Map<String, String> s, String key, UnaryOperator<String> where) {
        try {
            return ConfigFile.duration(s.get(key));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(key, "in " + where.apply(key) + ": " + e.getMessage());
        }
    }

    private static boolean bool(Map<String, String> s, String key, UnaryOperator<String> where) {
        String v = s.get(key).trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw new InvalidConfigException(key, "in " + where.apply(key) + ": expected true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }
}
