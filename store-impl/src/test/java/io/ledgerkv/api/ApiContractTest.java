package io.ledgerkv.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.testing.TestStores;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contracts package-info.java states for the whole API: null keys, values and TTLs are refused
 * with a NullPointerException naming them before anything is written, absent keys read as null, and the
 * store copies what it is given and what it returns, so callers' arrays never alias its state.
 */
class ApiContractTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void nullArgumentsAreRefusedByNameBeforeAnythingIsWritten() {
        LedgerKv kv = CLUSTER.connect();
        StoreConfig cfg = TestStores.config().build();
        assertThatThrownBy(() -> kv.open(null, cfg)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store name");
        assertThatThrownBy(() -> kv.open("contract", null)).isInstanceOf(InvalidConfigException.class).hasMessageContaining("config");
        try (KvStore s = kv.open("contract", cfg)) {
            s.put(b("k"), b("v"));
            assertThatThrownBy(() -> s.put(null, b("v"))).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
            assertThatThrownBy(() -> s.put(b("k"), null)).isInstanceOf(NullPointerException.class).hasMessageContaining("value");
            assertThatThrownBy(() -> s.putAsync(b("k"), null)).as("refused when called, not through the future")
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("value");
            assertThatThrownBy(() -> s.put(b("k"), b("v"), null)).isInstanceOf(NullPointerException.class).hasMessageContaining("ttl");
            assertThatThrownBy(() -> s.putAll(List.of(new KvEntry(b("a"), b("1")), new KvEntry(b("b"), null))))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("value");
            assertThatThrownBy(() -> s.delete(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
            assertThatThrownBy(() -> s.get(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
            try (Txn t = s.begin()) {
                assertThatThrownBy(() -> t.put(b("k"), null)).isInstanceOf(NullPointerException.class).hasMessageContaining("value");
            }
            assertThat(s.get(b("a"))).as("the putAll with a null value wrote nothing").isNull();
            assertThat(s.get(b("absent"))).isNull();
            assertThat(s.getAll(List.of(b("k"), b("absent")))).satisfiesExactly(v -> assertThat(v).isEqualTo(b("v")),
                    v -> assertThat(v).isNull());
        }
    }

    @Test
    void callersArraysNeverAliasTheStoresState() {
        try (KvStore s = CLUSTER.connect().open("arrays", TestStores.config().build())) {
            byte[] key = b("k");
            byte[] value = b("value");
            s.put(key, value);
            Arrays.fill(value, (byte) 'x');
            Arrays.fill(key, (byte) 'y');
            assertThat(s.get(b("k"))).as("the store copied the value it was given").isEqualTo(b("value"));
            byte[] read = s.get(b("k"));
            Arrays.fill(read, (byte) 'z');
            assertThat(s.get(b("k"))).as("a read returns a copy").isEqualTo(b("value"));
            try (KvIterator it = s.range(null, null)) {
                KvEntry e = it.next();
                Arrays.fill(e.key(), (byte) 'q');
                Arrays.fill(e.value(), (byte) 'q');
            }
            assertThat(s.get(b("k"))).as("an iterator's entries are copies").isEqualTo(b("value"));
        }
    }
}
