package io.ledgerkv.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.wal.WalEntry;
import io.ledgerkv.wal.WalFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class CodecTest {
    public static final Dictionary DICT = trainedDictionary();

    /** JSON-like records of about 200 bytes, as a risk-scoring task would store. */
    static byte[] jsonRecord(Random r, int i) {
        return String.format("{\"account\":\"acct-%05d\",\"score\":%.4f,\"amount\":%d.%02d,\"currency\":\"%s\",\"country\":\"%s\","
                + "\"status\":\"%s\",\"ts\":%d,\"rule\":\"velocity-%d\"}", i, r.nextDouble(), r.nextInt(10_000), r.nextInt(100),
                r.nextBoolean() ? "EUR" : "USD", List.of("DE", "FR", "US", "GB").get(r.nextInt(4)),
                r.nextInt(10) == 0 ? "review" : "ok", 1_700_000_000_000L + r.nextInt(1_000_000), r.nextInt(20))
                .getBytes(StandardCharsets.UTF_8);
    }

    static Dictionary trainedDictionary() {
        Random r = new Random(7);
        DictionaryTrainer t = new DictionaryTrainer(16 * 1024, 2 * 1024 * 1024);
        for (int i = 0; !t.isFull(); i++) {
            if (!t.add(jsonRecord(r, i))) {
                break;
            }
        }
        return new Dictionary(1, t.train());
    }

    static byte[] jsonBatch(int size, long seed) {
        Random r = new Random(seed);
        byte[] out = new byte[size];
        int p = 0;
        for (int i = 0; p < size; i++) {
            byte[] rec = jsonRecord(r, i);
            int n = Math.min(rec.length, size - p);
            System.arraycopy(rec, 0, out, p, n);
            p += n;
        }
        return out;
    }

    static Codec codec(CodecType t) {
        return t.newCodec(0, t.usesDictionary() ? DICT : null);
    }

    static Stream<Arguments> payloads() {
        Random r = new Random(1);
        byte[] random = new byte[64 * 1024];
        r.nextBytes(random);
        List<Arguments> out = new ArrayList<>();
        for (CodecType t : CodecType.values()) {
            out.add(Arguments.of(t, "empty", new byte[0]));
            out.add(Arguments.of(t, "one byte", new byte[] {42}));
            out.add(Arguments.of(t, "one JSON record", jsonBatch(200, 2)));
            out.add(Arguments.of(t, "incompressible 64 KiB", random));
            out.add(Arguments.of(t, "zeros 1 MiB", new byte[1 << 20]));
            out.add(Arguments.of(t, "JSON at the entry size limit", jsonBatch(StoreConfig.MAX_ENTRY_BYTES, 3)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("payloads")
    void codecRoundTrips(CodecType type, String shape, byte[] data) {
        try (Codec c = codec(type)) {
            byte[] compressed = new byte[c.maxCompressedLength(data.length) + 7];
            int n = c.compress(data, 0, data.length, compressed, 7);
            byte[] back = new byte[data.length + 3];
            c.decompress(compressed, 7, n, back, 3, data.length);
            assertThat(Arrays.copyOfRange(back, 3, back.length)).isEqualTo(data);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("payloads")
    void walEntriesRoundTripAndFallBackToRawWhenCompressionDoesNotPay(CodecType type, String shape, byte[] data) throws Exception {
        WalEntry.Encoder enc = new WalEntry.Encoder(codec(type), 64, 0.05);
        byte[] entry = enc.encode(WalEntry.Type.TXN_PART, 1, 1, 0, 0, data, 0, data.length);
        try (CodecCache cache = new CodecCache(id -> DICT)) {
            WalEntry e = WalEntry.decode(entry, WalEntry.CodecSource.of(cache));
            assertThat(e.payload()).isEqualTo(data);
            assertThat(e.codec()).as("the codec id stays the store's, raw or not").isEqualTo(type);
            boolean compressible = !shape.contains("incompressible") && data.length >= 64;
            if (type == CodecType.NONE) {
                assertThat(e.isRaw()).isFalse();
                assertThat(e.storedLength()).isEqualTo(data.length);
            } else if (compressible) {
                assertThat(e.isRaw()).isFalse();
                assertThat(e.storedLength()).isLessThan(data.length);
            } else {
                assertThat(e.isRaw()).as("stored raw, with a flag").isTrue();
                assertThat(e.storedLength()).isEqualTo(data.length);
                assertThat(e.dictId()).isZero();
            }
        }
    }

    @Test
    void idsAreStableAndLevelsAreChecked() {
        assertThat(CodecType.values()).extracting(CodecType::id).containsExactly(0, 1, 2, 3, 4);
        assertThat(CodecType.byId(3)).isEqualTo(CodecType.ZSTD);
        assertThat(CodecType.byId(99)).isNull();
        assertThat(CodecType.parse("zstd_dict")).isEqualTo(CodecType.ZSTD_DICT);
        assertThatThrownBy(() -> CodecType.parse("snappy")).hasMessageContaining("unknown codec 'snappy'");
        assertThat(CodecType.ZSTD.checkLevel(19)).isNull();
        assertThat(CodecType.ZSTD.checkLevel(23)).contains("-7..22");
        assertThat(CodecType.LZ4.checkLevel(5)).contains("takes no level");
        assertThatThrownBy(() -> CodecType.ZSTD_DICT.newCodec(0, null)).hasMessageContaining("needs a dictionary");
        assertThatThrownBy(() -> StoreConfig.builder().ledgerPassword("x").codec(CodecType.LZ4_HC, 40).build())
                .hasMessageStartingWith("invalid codecLevel: LZ4_HC levels are 1..17");
        assertThatThrownBy(() -> StoreConfig.builder().ledgerPassword("x").dictTrainAfterBytes(1000).build())
                .hasMessageStartingWith("invalid dictTrainAfterBytes: automatic dictionary training needs codec ZSTD_DICT");
    }

    @Test
    void aDictionaryPaysOffOnSmallRecords() {
        byte[] rec = jsonBatch(200, 99);
        int plain;
        int withDict;
        try (Codec z = CodecType.ZSTD.newCodec(); Codec d = codec(CodecType.ZSTD_DICT)) {
            byte[] buf = new byte[1024];
            plain = z.compress(rec, 0, rec.length, buf, 0);
            withDict = d.compress(rec, 0, rec.length, buf, 0);
        }
        assertThat(withDict).as("dictionary vs plain zstd on a 200-byte record").isLessThan(plain * 2 / 3);
    }

    @Test
    void damagedEntriesAreRejectedNamingTheCheck() {
        byte[] data = jsonBatch(16 * 1024, 5);
        for (CodecType t : List.of(CodecType.LZ4, CodecType.LZ4_HC, CodecType.ZSTD, CodecType.ZSTD_DICT)) {
            byte[] entry = new WalEntry.Encoder(codec(t), 0, 0).encode(WalEntry.Type.BATCH, 1, 1, 1, 0, data, 0, data.length);
            WalEntry.CodecSource src = WalEntry.CodecSource.of(new CodecCache(id -> DICT));
            byte[] corrupt = entry.clone();
            corrupt[WalEntry.HEADER_BYTES + 20] ^= 0x55;
            assertThatThrownBy(() -> WalEntry.decode(corrupt, src)).as("%s corrupt payload", t)
                    .isInstanceOf(WalFormatException.class)
                    .hasMessageMatching("(?s).*(does not decompress|CRC32C mismatch).*");
            byte[] truncated = Arrays.copyOf(entry, entry.length - 10);
            assertThatThrownBy(() -> WalEntry.decode(truncated, src)).hasMessageContaining("truncated");
        }
    }

    @Test
    void wrongAndMissingDictionariesAreErrorsNeverGarbage() {
        byte[] data = jsonBatch(8 * 1024, 6);
        byte[] entry = new WalEntry.Encoder(codec(CodecType.ZSTD_DICT), 0, 0).encode(WalEntry.Type.BATCH, 1, 1, 1, 0, data, 0, data.length);
        Random r = new Random(11);
        DictionaryTrainer other = new DictionaryTrainer(4096, 256 * 1024);
        for (int i = 0; other.add(("{\"other\":" + r.nextInt() + ",\"shape\":\"entirely\",\"k\":" + i + "}")
                .getBytes(StandardCharsets.UTF_8)); i++) {
            // fill
        }
        Dictionary wrong = new Dictionary(1, other.train());
        assertThatThrownBy(() -> WalEntry.decode(entry, WalEntry.CodecSource.of(new CodecCache(id -> wrong))))
                .isInstanceOf(WalFormatException.class).hasMessageContaining("does not decompress");
        assertThatThrownBy(() -> WalEntry.decode(entry, WalEntry.CodecSource.of(new CodecCache(CodecCache.NO_DICTIONARIES))))
                .isInstanceOf(WalFormatException.class).hasMessageContaining("needs dictionary 1");
    }
}
