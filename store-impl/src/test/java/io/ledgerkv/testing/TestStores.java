package io.ledgerkv.testing;

import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.StoreConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Store configurations and helpers shared by the integration tests. */
public final class TestStores {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private TestStores() {
    }

    /** Defaults with a test password. */
    public static StoreConfig.Builder config() {
        return StoreConfig.builder().ledgerPassword("test-secret");
    }

    /** A store name not used before in this JVM. */
    public static String freshName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }

    /** A 256-bit key with every byte {@code fill}: distinct fills, distinct keys. */
    public static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return k;
    }

    /** Encryption keys holding only key id 1, {@link #key}({@code fill}), active. */
    public static EncryptionKeys keys(int fill) {
        return EncryptionKeys.of(1, Map.of(1, key(fill)));
    }

    /** Every entry of the store as a map of strings, in key order. */
    public static Map<String, String> contents(KvStore store) {
        Map<String, String> out = new LinkedHashMap<>();
        try (KvIterator it = store.all()) {
            while (it.hasNext()) {
                KvEntry e = it.next();
                out.put(Bytes.s(e.key()), Bytes.s(e.value()));
            }
        }
        return out;
    }
}
