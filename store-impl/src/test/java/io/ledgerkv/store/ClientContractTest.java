package io.ledgerkv.store;

import static io.ledgerkv.testing.TestStores.config;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.Progress;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.testing.ClusterExtension;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every entry point of a client checks, before it touches anything, that the client is open and
 * that the store name is valid; each is called here, so that dropping one check fails a test.
 */
class ClientContractTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    @TempDir
    Path dir;

    /** Each store-naming entry point of {@code c}, called with {@code name}. */
    private Map<String, ThrowingCallable> entryPoints(DefaultLedgerKv c, String name) {
        StoreConfig cfg = config().build();
        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("open", () -> c.open(name, cfg));
        calls.put("openReadOnly", () -> c.openReadOnly(name, cfg));
        calls.put("openReadOnly(asOf)", () -> c.openReadOnly(name, cfg, AsOf.latest()));
        calls.put("openStandby", () -> c.openStandby(name, cfg));
        calls.put("deleteStore", () -> c.deleteStore(name, cfg));
        calls.put("backup", () -> c.backup(name, cfg, AsOf.latest(), dir.resolve("b"), Progress.NONE));
        calls.put("restore", () -> c.restore(dir.resolve("missing"), name, cfg, false, Progress.NONE));
        calls.put("copyStore(source)", () -> c.copyStore(name, AsOf.latest(), "target", cfg));
        calls.put("copyStore(target)", () -> c.copyStore("source", AsOf.latest(), name, cfg));
        calls.put("exists", () -> c.exists(name));
        calls.put("status", () -> c.status(name));
        calls.put("trainDictionary", () -> c.trainDictionary(name, cfg));
        return calls;
    }

    private void each(Map<String, ThrowingCallable> calls, Consumer<ThrowingCallable> check) {
        calls.forEach((what, call) -> {
            try {
                check.accept(call);
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        });
    }

    @Test
    void everyEntryPointOfAClosedClientSaysSo() {
        DefaultLedgerKv c = CLUSTER.connect();
        c.close();
        Map<String, ThrowingCallable> calls = entryPoints(c, "s");
        calls.put("listStores", c::listStores);
        calls.put("storesByNamespace", c::storesByNamespace);
        each(calls, call -> assertThatThrownBy(call).isInstanceOf(StoreClosedException.class)
                .hasMessageContaining("client is closed"));
    }

    @Test
    void everyEntryPointRefusesAnInvalidStoreName() {
        DefaultLedgerKv c = CLUSTER.connect();
        for (String bad : new String[] {"", "a/b", "-leading-dash", "x".repeat(129)}) {
            each(entryPoints(c, bad), call -> assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("store name must be"));
        }
    }
}
