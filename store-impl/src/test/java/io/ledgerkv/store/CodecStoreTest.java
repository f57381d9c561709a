package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.freshName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.DictionaryStatus;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.codec.CodecTest;
import io.ledgerkv.codec.CodecTestAccess;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.codec.Dictionary;
import io.ledgerkv.codec.DictionaryTrainer;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.testing.LedgerInjector;
import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import io.ledgerkv.wal.WalEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Codecs on a real store: a store changes codec over its life and every old entry stays readable. */
class CodecStoreTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private static void writeRecords(BookKeeperStore s, String prefix, int n, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < n; i += 10) {
            List<KvEntry> batch = new ArrayList<>();
            for (int j = i; j < i + 10; j++) {
                batch.add(new KvEntry(b(prefix + "/" + j), CodecTest_record(r, j)));
            }
            s.putAll(batch);
        }
    }

    private static byte[] CodecTest_record(Random r, int i) {
        return CodecTestAccess.jsonRecord(r, i);
    }

    private static void assertRecords(BookKeeperStore s, String prefix, int n, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            assertThat(s.get(b(prefix + "/" + i))).as("%s/%d", prefix, i).isEqualTo(CodecTest_record(r, i));
        }
    }

    @Test
    void aStoreLivesThroughNoneLz4ZstdAndZstdDictAndReplaysAfterCrashes() {
        String name = freshName("codecs");
        StoreConfig base = config().build();
        DefaultLedgerKv c1 = CLUSTER.connect();
        BookKeeperStore s = c1.open(name, base.toBuilder().codec(CodecType.NONE).build(), WriterHooks.NONE);
        writeRecords(s, "none", 200, 1);
        s.close();

        s = c1.open(name, base.toBuilder().codec(CodecType.LZ4).build(), WriterHooks.NONE);
        assertRecords(s, "none", 200, 1);
        writeRecords(s, "lz4", 200, 2);
        c1.crash();

        DefaultLedgerKv c2 = CLUSTER.connect();
        s = c2.open(name, base.toBuilder().codec(CodecType.ZSTD, 5).build(), WriterHooks.NONE);
        writeRecords(s, "zstd", 200, 3);
        s.close();

        DictionaryStatus dict = c2.trainDictionary(name, base.toBuilder().dictSizeBytes(8192).dictSampleBytes(128 * 1024).build());
        assertThat(dict.id()).isEqualTo(1);
        s = c2.open(name, base.toBuilder().codec(CodecType.ZSTD_DICT).build(), WriterHooks.NONE);
        assertThat(s.currentCodec().type()).isEqualTo(CodecType.ZSTD_DICT);
        assertThat(s.currentCodec().dictionaryId()).isEqualTo(1);
        writeRecords(s, "dict", 200, 4);
        c2.crash();

        try (DefaultLedgerKv c3 = CLUSTER.connect()) {
            BookKeeperStore r = c3.open(name, base, WriterHooks.NONE);
            assertThat(r.replayStats().entriesByCodec()).containsKeys("NONE", "LZ4", "ZSTD", "ZSTD_DICT");
            assertRecords(r, "none", 200, 1);
            assertRecords(r, "lz4", 200, 2);
            assertRecords(r, "zstd", 200, 3);
            assertRecords(r, "dict", 200, 4);
            r.flush();
            StoreStatus st = c3.status(name);
            assertThat(st.dictionaries()).hasSize(1);
            assertThat(st.stats().compressionRatio()).isGreaterThan(1.0);
            assertThat(st.stats().logicalBytes()).isEqualTo(r.replayStats().logicalBytes());
        }
    }

    @Test
    void aZstdDictStoreTrainsItsDictionaryAfterEnoughWrites() {
        String name = freshName("autodict");
        StoreConfig cfg = config().codec(CodecType.ZSTD_DICT).dictTrainAfterBytes(200 * 1024).dictSizeBytes(4096)
                .dictSampleBytes(64 * 1024).build();
        DefaultLedgerKv c = CLUSTER.connect();
        BookKeeperStore s = c.open(name, cfg, WriterHooks.NONE);
        assertThat(s.currentCodec().type()).as("no dictionary yet: plain zstd").isEqualTo(CodecType.ZSTD);
        writeRecords(s, "before", 1500, 5);
        await().atMost(Duration.ofSeconds(60)).until(() -> s.currentCodec().type() == CodecType.ZSTD_DICT);
        writeRecords(s, "after", 300, 6);
        c.close();
        try (DefaultLedgerKv c2 = CLUSTER.connect()) {
            BookKeeperStore r = c2.open(name, cfg, WriterHooks.NONE);
            assertThat(r.currentCodec().dictionaryId()).as("reopened writers use the newest dictionary").isEqualTo(1);
            assertThat(r.replayStats().entriesByCodec()).containsKeys("ZSTD", "ZSTD_DICT");
            assertRecords(r, "before", 1500, 5);
            assertRecords(r, "after", 300, 6);
            assertThat(c2.status(name).dictionaries()).hasSize(1);
        }
    }

    @Test
    void trainingNeedsData() {
        String name = freshName("tiny");
        DefaultLedgerKv c = CLUSTER.connect();
        c.open(name, config().build()).close();
        assertThatThrownBy(() -> c.trainDictionary(name, config().build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot train a dictionary from 0 samples");
    }

    // ---- damaged entries -------------------------------------------------------------------------

    private static byte[] payload() {
        Random r = new Random(9);
        List<byte[]> records = new ArrayList<>();
        int size = 0;
        for (int i = 0; size < 8192; i++) {
            byte[] rec = TxnRecord.encode(List.of(new Mutation(b("k" + i), CodecTest_record(r, i))));
            records.add(rec);
            size += rec.length;
        }
        byte[] out = new byte[size];
        int p = 0;
        for (byte[] rec : records) {
            System.arraycopy(rec, 0, out, p, rec.length);
            p += rec.length;
        }
        return out;
    }

    private static byte[] entry(CodecType t, Dictionary d, int count) {
        byte[] p = payload();
        return new WalEntry.Encoder(t.newCodec(0, d), 0, 0).encode(WalEntry.Type.BATCH, 1, 2, count, 0, p, 0, p.length);
    }

    /** Number of transactions in {@link #payload()}. */
    private static int txns() {
        Random r = new Random(9);
        int size = 0;
        int n = 0;
        while (size < 8192) {
            size += TxnRecord.encode(List.of(new Mutation(b("k" + n), CodecTest_record(r, n)))).length;
            n++;
        }
        return n;
    }

    /** A store with one good transaction (seq 1), then a planted ledger holding {@code bad} as entry 0. */
    private static void assertRefused(byte[] bad, String reason) throws Exception {
        String name = freshName("damaged");
        DefaultLedgerKv c = CLUSTER.connect();
        c.open(name, config().build()).put(b("good"), b("1"));
        c.close();
        long ledger = LedgerInjector.appendLedger(CLUSTER, "default", name, "test-secret", bad);
        try (DefaultLedgerKv r = CLUSTER.connect()) {
            assertThatThrownBy(() -> r.openReadOnly(name, config().build()))
                    .isInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining("store '" + name + "', ledger " + ledger + ", entry 0")
                    .hasMessageMatching("(?s).*(" + reason + ").*");
            assertThatThrownBy(() -> r.open(name, config().build())).isInstanceOf(CorruptEntryException.class);
        }
    }

    @Test
    void aCorruptCompressedPayloadIsRefused() throws Exception {
        byte[] e = entry(CodecType.LZ4, null, txns());
        e[WalEntry.HEADER_BYTES + 40] ^= 0x7f;
        // LZ4 has no checksum of its own: damaged input may decompress to the wrong bytes, which
        // the entry's CRC32C (over the uncompressed payload) catches.
        assertRefused(e, "LZ4 payload does not decompress|CRC32C mismatch");
    }

    @Test
    void aTruncatedEntryIsRefused() throws Exception {
        byte[] e = entry(CodecType.ZSTD, null, txns());
        assertRefused(Arrays.copyOf(e, e.length - 100), "truncated");
    }

    @Test
    void anEntryFromANewerCodecIsRefused() throws Exception {
        byte[] e = entry(CodecType.ZSTD, null, txns());
        e[3] = 99;
        assertRefused(e, "unknown codec id 99 \\(written by a newer ledgerkv\\?\\)");
    }

    @Test
    void anEntryNeedingAMissingDictionaryIsRefused() throws Exception {
        assertRefused(entry(CodecType.ZSTD_DICT, new Dictionary(5, CodecTest.DICT.bytes()), txns()),
                "needs dictionary 5");
    }

    @Test
    void anEntryCompressedWithAnotherDictionaryIsRefused() throws Exception {
        String name = freshName("wrongdict");
        DefaultLedgerKv c = CLUSTER.connect();
        BookKeeperStore s = c.open(name, config().build(), WriterHooks.NONE);
        writeRecords(s, "x", 1000, 12);
        s.close();
        c.trainDictionary(name, config().dictSizeBytes(4096).dictSampleBytes(64 * 1024).build()); // becomes dictionary 1
        DictionaryTrainer other = new DictionaryTrainer(4096, 64 * 1024);
        Random r = new Random(3);
        for (int i = 0; other.add(("{\"unrelated\":" + r.nextLong() + ",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)); i++) {
            // fill
        }
        byte[] p = payload();
        byte[] bad = new WalEntry.Encoder(CodecType.ZSTD_DICT.newCodec(0, new Dictionary(1, other.train())), 0, 0)
                .encode(WalEntry.Type.BATCH, 1, 101, txns(), 0, p, 0, p.length);
        long ledger = LedgerInjector.appendLedger(CLUSTER, "default", name, "test-secret", bad);
        assertThatThrownBy(() -> c.openReadOnly(name, config().build()))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining("ledger " + ledger + ", entry 0")
                .hasMessageContaining("decompressing with dictionary 1");
    }
}
