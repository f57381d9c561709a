package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvIterators;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.txn.WriterHooks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Prefix scans, reverse scans, limits and exact counts against a {@code TreeMap} model in unsigned
 * key order, with keys full of 0x00 and 0xFF bytes (where prefix bounds go wrong), deletes, and a
 * crash + reopen: every variant must equal the model before and after replay.
 */
class ScanTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private static final byte[] ALPHABET = {0x00, 0x01, 'a', 'b', (byte) 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF};

    private static byte[] randomKey(SplittableRandom r, int maxLen) {
        byte[] k = new byte[1 + r.nextInt(maxLen)];
        for (int i = 0; i < k.length; i++) {
            k[i] = ALPHABET[r.nextInt(ALPHABET.length)];
        }
        return k;
    }

    private static List<String> hex(KvIterator it) {
        List<String> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                KvEntry e = it.next();
                out.add(HexFormat.of().formatHex(e.key()) + "=" + HexFormat.of().formatHex(e.value()));
            }
        }
        return out;
    }

    private static List<String> hex(Map<byte[], byte[]> m) {
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(HexFormat.of().formatHex(k) + "=" + HexFormat.of().formatHex(v)));
        return out;
    }

    private static NavigableMap<byte[], byte[]> sub(NavigableMap<byte[], byte[]> m, byte[] from, byte[] to) {
        if (from != null && to != null && Arrays.compareUnsigned(from, to) >= 0) {
            return new TreeMap<>(Arrays::compareUnsigned);
        }
        NavigableMap<byte[], byte[]> s = m;
        if (from != null) {
            s = s.tailMap(from, true);
        }
        if (to != null) {
            s = s.headMap(to, false);
        }
        return s;
    }

    private static void checkAgainstModel(KvStore store, NavigableMap<byte[], byte[]> model, SplittableRandom r) {
        assertThat(store.count()).isEqualTo(model.size()).isEqualTo(store.keyCount());
        assertThat(hex(store.reverseAll())).isEqualTo(hex(model.descendingMap()));
        for (int i = 0; i < 60; i++) {
            byte[] from = r.nextInt(5) == 0 ? null : randomKey(r, 3);
            byte[] to = r.nextInt(5) == 0 ? null : randomKey(r, 3);
            NavigableMap<byte[], byte[]> want = sub(model, from, to);
            String where = "[" + (from == null ? "-" : HexFormat.of().formatHex(from)) + ", "
                    + (to == null ? "-" : HexFormat.of().formatHex(to)) + ")";
            assertThat(hex(store.range(from, to))).as("range " + where).isEqualTo(hex(want));
            assertThat(hex(store.reverseRange(from, to))).as("reverseRange " + where).isEqualTo(hex(want.descendingMap()));
            assertThat(store.count(from, to)).as("count " + where).isEqualTo(want.size());
            int limit = r.nextInt(4);
            assertThat(hex(store.range(from, to, limit))).as("range " + where + " limit " + limit)
                    .isEqualTo(hex(want).subList(0, Math.min(limit, want.size())));
            byte[] prefix = randomKey(r, 2);
            NavigableMap<byte[], byte[]> withPrefix = new TreeMap<>(Arrays::compareUnsigned);
            model.forEach((k, v) -> {
                if (k.length >= prefix.length && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
                    withPrefix.put(k, v);
                }
            });
            assertThat(hex(store.prefixScan(prefix))).as("prefixScan " + HexFormat.of().formatHex(prefix)).isEqualTo(hex(withPrefix));
        }
    }

    @Test
    void everyScanVariantEqualsTheModelBeforeAndAfterReplay() {
        DefaultLedgerKv kv = CLUSTER.connect();
        String name = freshName("scans");
        BookKeeperStore store = kv.open(name, config().build(), WriterHooks.NONE);
        NavigableMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        SplittableRandom r = new SplittableRandom(20_261_128);
        for (int i = 0; i < 400; i++) {
            byte[] k = randomKey(r, 4);
            if (r.nextInt(4) == 0) {
                store.delete(k);
                model.remove(k);
            } else {
                byte[] v = randomKey(r, 3);
                store.put(k, v);
                model.put(k, v);
            }
        }
        assertThat(model.size()).as("the model is big enough to mean something").isGreaterThan(150);
        checkAgainstModel(store, model, new SplittableRandom(1));

        kv.crash(); // no flush, no close: the next open replays the WAL
        DefaultLedgerKv kv2 = CLUSTER.connect();
        try (KvStore reopened = kv2.open(name, config().build())) {
            checkAgainstModel(reopened, model, new SplittableRandom(2));
        }
    }

    @Test
    void reverseIteratorsReadOneStateAndBadArgumentsAreNamed() {
        DefaultLedgerKv kv = CLUSTER.connect();
        try (KvStore store = kv.open(freshName("scans-args"), config().build())) {
            for (String k : List.of("a1", "a2", "a3", "b1")) {
                store.put(b(k), b(k));
            }
            try (KvIterator it = store.reverseAll()) {
                assertThat(s(it.next().key())).isEqualTo("b1");
                store.put(b("c1"), b("c1"));
                store.delete(b("a2"));
                List<String> rest = new ArrayList<>();
                it.forEachRemaining(e -> rest.add(s(e.key())));
                assertThat(rest).as("the iterator's state, not the newer one").containsExactly("a3", "a2", "a1");
            }
            assertThatThrownBy(() -> store.prefixScan(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("prefix must not be empty").hasMessageContaining("all()");
            assertThatThrownBy(() -> store.prefixScan(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("prefix must not be null");
            assertThatThrownBy(() -> store.range(null, null, -1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("limit must be >= 0, got -1");
            assertThat(store.count()).isEqualTo(4);
        }
        assertThat(KvIterators.prefixEnd(new byte[] {'a', (byte) 0xFF})).containsExactly('b');
        assertThat(KvIterators.prefixEnd(new byte[] {(byte) 0xFF, (byte) 0xFF})).isNull();
    }
}
