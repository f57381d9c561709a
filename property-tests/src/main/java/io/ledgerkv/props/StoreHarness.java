package io.ledgerkv.props;

import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.ManualClock;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.store.BookKeeperStore;
import io.ledgerkv.store.DefaultLedgerKv;
import io.ledgerkv.testing.Describe;
import io.ledgerkv.testing.Model;
import io.ledgerkv.txn.WriterHooks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The state of one try of the stateful property: a fresh store on the shared {@link LocalCluster},
 * its writer handle, and the {@link Model} it must equal. Small limits make every feature easy to
 * reach: a 4 KiB entry limit turns values of a few KiB into multi-entry transactions, and 32 KiB
 * ledgers roll often.
 */
public final class StoreHarness {
    private static final AtomicInteger NAMES = new AtomicInteger();
    public static final int MAX_VALUE_BYTES = 12_000;

    final LocalCluster cluster;
    final String name;
    final WriterHooks hooks;
    StoreConfig cfg;
    DefaultLedgerKv client;
    BookKeeperStore store;
    Model model = new Model();
    /** Model as of each checkpoint id taken in this try. */
    final Map<Integer, Model> atCheckpoint = new HashMap<>();
    final List<Integer> killed = new ArrayList<>();
    /** The writers' clock; only {@code AdvanceClock} moves it, together with the model's. */
    final ManualClock clock = new ManualClock(Instant.ofEpochMilli(Model.T0));
    /** Encryption: 0 = off (even seeds), else keys 1..keyGen with keyGen active ({@code RotateKey} adds one). */
    int keyGen;

    /** A try's state; its seed decides whether the store is encrypted (every other seed, the same seed the same way). */
    StoreHarness(LocalCluster cluster, WriterHooks hooks, long seed) {
        this.cluster = cluster;
        this.hooks = hooks;
        this.name = "props-" + NAMES.incrementAndGet();
        this.keyGen = (int) (seed & 1);
        this.cfg = baseConfig().encryption(keys(keyGen)).build();
        this.client = DefaultLedgerKv.connect(cluster.clientConfig().clock(clock).build());
        this.store = client.open(name, cfg, hooks);
    }

    public static StoreConfig.Builder baseConfig() {
        return StoreConfig.builder().ledgerPassword("property-tests").quorum(3, 3, 2).maxBatchBytes(4096)
                .maxKeyBytes(64).maxValueBytes(MAX_VALUE_BYTES).ledgerRollBytes(32 * 1024).checkpointChunkBytes(4096)
                .checkpointRetention(2).codec(CodecType.NONE);
    }

    /** Keys 1..n, n active (null for n = 0): what a store that rotated its key n - 1 times is configured with. */
    static EncryptionKeys keys(int n) {
        if (n == 0) {
            return null;
        }
        Map<Integer, byte[]> m = new HashMap<>();
        for (int i = 1; i <= n; i++) {
            byte[] k = new byte[32];
            Arrays.fill(k, (byte) (17 * i));
            m.put(i, k);
        }
        return EncryptionKeys.of(n, m);
    }

    /** Closes the writer and opens it with one more key, the new one active. */
    void rotateKey() {
        client.close();
        keyGen++;
        cfg = cfg.toBuilder().encryption(keys(keyGen)).build();
        reopen(cfg.codec());
    }

    /** Opens the writer again with a fresh client (after a crash or a fence), with {@code codec}. */
    void reopen(CodecType codec) {
        cfg = cfg.toBuilder().codec(codec).build();
        client = DefaultLedgerKv.connect(cluster.clientConfig().clock(clock).build());
        store = client.open(name, cfg, hooks);
    }

    /** Every entry of the store, in order. */
    List<KvEntry> contents() {
        List<KvEntry> out = new ArrayList<>();
        try (KvIterator it = store.all()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Whether the store holds exactly the entries of {@code m}, in order. */
    boolean equalsModel(Model m) {
        List<KvEntry> actual = contents();
        if (actual.size() != m.size()) {
            return false;
        }
        int i = 0;
        for (Map.Entry<byte[], byte[]> e : m.asMap().entrySet()) {
            KvEntry a = actual.get(i++);
            if (!Arrays.equals(a.key(), e.getKey()) || !Arrays.equals(a.value(), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Describes how the store differs from the model (for failure messages). */
    String diff(Model m) {
        List<KvEntry> actual = contents();
        StringBuilder sb = new StringBuilder("store has " + actual.size() + " keys, model " + m.size() + ";");
        Map<String, String> a = new TreeMap<>();
        for (KvEntry e : actual) {
            a.put(Describe.bytes(e.key()), Describe.bytes(e.value()));
        }
        Map<String, String> b = new TreeMap<>();
        m.asMap().forEach((k, v) -> b.put(Describe.bytes(k), Describe.bytes(v)));
        for (String k : a.keySet()) {
            if (!b.containsKey(k)) {
                sb.append(" extra ").append(k).append(';');
            } else if (!a.get(k).equals(b.get(k))) {
                sb.append(' ').append(k).append(" is ").append(a.get(k)).append(" not ").append(b.get(k)).append(';');
            }
        }
        for (String k : b.keySet()) {
            if (!a.containsKey(k)) {
                sb.append(" missing ").append(k).append(';');
            }
        }
        return sb.toString();
    }

    /** Ends the try: closes clients, brings killed bookies back, drops the store's data. */
    void close() {
        try {
            client.close();
        } catch (RuntimeException e) {
            // a crashed client is closed already
        }
        for (int b : killed) {
            try {
                cluster.restartBookie(b);
            } catch (Exception e) {
                throw new IllegalStateException("could not restart bookie " + b, e);
            }
        }
        killed.clear();
    }
}
