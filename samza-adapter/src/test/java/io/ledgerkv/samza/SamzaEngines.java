package io.ledgerkv.samza;

import io.ledgerkv.cluster.LocalCluster;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.samza.config.Config;
import org.apache.samza.config.MapConfig;
import org.apache.samza.context.ContainerContextImpl;
import org.apache.samza.context.JobContextImpl;
import org.apache.samza.metrics.MetricsRegistryMap;
import org.apache.samza.serializers.Serde;
import org.apache.samza.serializers.StringSerde;
import org.apache.samza.storage.StorageEngine;
import org.apache.samza.storage.StorageEngineFactory;
import org.apache.samza.storage.kv.KeyValueStore;

/**
 * Builds Samza storage engines for a store the way a Samza container does (serde, cache, null
 * checks and metrics layers over the raw ledgerkv store), without running a job.
 */
final class SamzaEngines {
    static final String STORE = "scores";
    static final String PASSWORD = "samza-adapter-test-secret";

    private SamzaEngines() {
    }

    /** Job config for store {@link #STORE} on {@code cluster}, its ledgerkv store names prefixed by {@code prefix}. */
    static Map<String, String> config(LocalCluster cluster, String prefix) {
        Map<String, String> c = new HashMap<>();
        c.put("job.name", "adapter-test");
        c.put("stores." + STORE + ".factory", LedgerKvStorageEngineFactory.class.getName());
        c.put("stores." + STORE + ".ledgerkv.zk", cluster.connectString());
        c.put("stores." + STORE + ".ledgerkv.passwordFile", passwordFile().toString());
        c.put("stores." + STORE + ".ledgerkv.namePrefix", prefix);
        return c;
    }

    /** A file holding {@link #PASSWORD}, as a container host would have it. */
    static Path passwordFile() {
        try {
            Path f = Files.createTempFile("ledgerkv-samza-test", ".secret");
            f.toFile().deleteOnExit();
            return Files.writeString(f, PASSWORD + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Store {@link #STORE} of task directory {@code taskDir} with String keys and values, as a container builds it. */
    static KeyValueStore<String, String> openStrings(Map<String, String> config, String taskDir) {
        return open(config, taskDir, new StringSerde(), new StringSerde());
    }

    static <K, V> KeyValueStore<K, V> open(Map<String, String> config, String taskDir, Serde<K> keySerde, Serde<V> valueSerde) {
        return open(config, taskDir, keySerde, valueSerde, new MetricsRegistryMap());
    }

    /** As a container builds it, with {@code registry} as the task's Samza metrics registry. */
    @SuppressWarnings("unchecked")
    static <K, V> KeyValueStore<K, V> open(Map<String, String> config, String taskDir, Serde<K> keySerde, Serde<V> valueSerde,
                                           MetricsRegistryMap registry) {
        Config cfg = new MapConfig(config);
        StorageEngine engine = new LedgerKvStorageEngineFactory<K, V>().getStorageEngine(STORE, new File("/tmp", taskDir),
                keySerde, valueSerde, null, registry, null, JobContextImpl.fromConfigWithDefaults(cfg, null),
                new ContainerContextImpl(null, new MetricsRegistryMap()), StorageEngineFactory.StoreMode.ReadWrite);
        return (KeyValueStore<K, V>) engine;
    }

    static void stop(KeyValueStore<?, ?> engine) {
        ((StorageEngine) engine).stop();
    }
}
