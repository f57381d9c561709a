package io.ledgerkv.api;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES keys a store encrypts its WAL entries and checkpoint chunks with, by key id (1-65535).
 * New entries use the active key; an entry names its key id in its header, so older entries stay
 * readable as long as their key is still listed here. Rotate by adding a key and making it active;
 * drop an old key only once no retained entry uses it (after a checkpoint has trimmed the WAL
 * written under it, and the checkpoints older than that are gone).
 *
 * <p>Never printed: {@link #toString()} shows the ids only. From a file (see {@link #read}):
 *
 * <pre>
 * active=2
 * key.1=base64 of 16, 24 or 32 random bytes   (openssl rand -base64 32)
 * key.2=...
 * </pre>
 */
public final class EncryptionKeys {
    private final int activeId;
    private final Map<Integer, SecretKey> keys;

    private EncryptionKeys(int activeId, Map<Integer, SecretKey> keys) {
        this.activeId = activeId;
        this.keys = keys;
    }

    /** Keys by id; {@code activeId} must be one of them. Each key is 16, 24 or 32 bytes (AES-128/192/256). */
    public static EncryptionKeys of(int activeId, Map<Integer, byte[]> keys) {
        if (keys == null || keys.isEmpty()) {
            throw new InvalidConfigException("encryption", "no keys given");
        }
        Map<Integer, SecretKey> m = new TreeMap<>();
        for (Map.Entry<Integer, byte[]> e : keys.entrySet()) {
            int id = e.getKey();
            if (id < 1 || id > 0xffff) {
                throw new InvalidConfigException("encryption", "key id " + id + " is outside 1-65535");
            }
            byte[] k = e.getValue();
            if (k == null || (k.length != 16 && k.length != 24 && k.length != 32)) {
                throw new InvalidConfigException("encryption", "key " + id + " is " + (k == null ? "missing" : k.length + " bytes")
                        + "; AES needs 16, 24 or 32 bytes (the key itself is not shown)");
            }
            m.put(id, new SecretKeySpec(k.clone(), "AES"));
        }
        if (!m.containsKey(activeId)) {
            throw new InvalidConfigException("encryption", "active key id " + activeId + " is not among the keys " + m.keySet());
        }
        return new EncryptionKeys(activeId, Collections.unmodifiableMap(m));
    }

    /**
     * Reads keys from a properties file: {@code active=<id>} and one {@code key.<id>=<base64>} per
     * key. Errors name the file and the entry, never the key material.
     */
    public static EncryptionKeys read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new InvalidConfigException("encryptionKeyFile", "cannot read " + file + ": " + e.getMessage());
        }
        Map<Integer, byte[]> keys = new TreeMap<>();
        Integer active = null;
        for (String name : p.stringPropertyNames()) {
            String v = p.getProperty(name).trim();
            if (!name.equals("active") && !name.startsWith("key.")) {
                throw new InvalidConfigException("encryptionKeyFile", file + ": unknown entry '" + name
                        + "' (expected active=<id> and key.<id>=<base64>)");
            }
            try {
                if (name.equals("active")) {
                    active = Integer.parseInt(v);
                } else {
                    keys.put(Integer.parseInt(name.substring(4)), Base64.getDecoder().decode(v));
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("encryptionKeyFile", file + ": entry '" + name + "' is not "
                        + (name.equals("active") ? "a key id" : "key.<id>=<base64>") + " (the value is not shown)");
            }
        }
        if (active == null) {
            throw new InvalidConfigException("encryptionKeyFile", file + " has no 'active=<id>' entry");
        }
        try {
            return of(active, keys);
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException("encryptionKeyFile", file + ": " + e.getMessage());
        }
    }

    /** One fresh random key of {@code bytes} bytes (16, 24 or 32) under id 1, active. */
    public static EncryptionKeys generate(int bytes) {
        return of(1, Map.of(1, random(bytes)));
    }

    /**
     * These keys plus a fresh random key of {@code bytes} bytes under the next id, made active: new
     * entries use it, entries under the older keys stay readable.
     */
    public EncryptionKeys rotated(int bytes) {
        int next = Collections.max(keys.keySet()) + 1;
        Map<Integer, byte[]> m = new TreeMap<>();
        keys.forEach((id, k) -> m.put(id, k.getEncoded()));
        m.put(next, random(bytes));
        return of(next, m);
    }

    private static byte[] random(int bytes) {
        if (bytes != 16 && bytes != 24 && bytes != 32) {
            throw new InvalidConfigException("encryption", "AES keys are 16, 24 or 32 bytes, got " + bytes);
        }
        byte[] k = new byte[bytes];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /**
     * Writes these keys in the format {@link #read} reads, replacing {@code file} atomically: the
     * new content goes to a file beside it, readable and writable by the owner only where the file
     * system has POSIX permissions, and is then moved over it.
     */
    public void write(Path file) {
        StringBuilder b = new StringBuilder("""
                # ledgerkv encryption keys: the active key encrypts new entries; every listed key can
                # read old ones. Drop a key only when no retained entry uses it (store-impl/README.md).
                """);
        b.append("active=").append(activeId).append('\n');
        keys.forEach((id, k) -> b.append("key.").append(id).append('=').append(Base64.getEncoder().encodeToString(k.getEncoded()))
                .append('\n'));
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
            tmp = posix ? Files.createTempFile(dir, ".keys-", ".tmp", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, ".keys-", ".tmp");
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original is untouched either way
                }
            }
            throw new InvalidConfigException("encryptionKeyFile", "cannot write " + file + ": " + e.getMessage());
        }
    }

    public int activeId() {
        return activeId;
    }

    public Set<Integer> ids() {
        return keys.keySet();
    }

    /** The key with this id, or null. */
    public SecretKey key(int id) {
        return keys.get(id);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptionKeys k && k.activeId == activeId && k.keys.equals(keys);
    }

    @Override
    public int hashCode() {
        return activeId * 31 + keys.keySet().hashCode();
    }

    @Override
    public String toString() {
        return "EncryptionKeys{active=" + activeId + ", ids=" + keys.keySet() + ", keys hidden}";
    }
}
