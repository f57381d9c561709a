package io.ledgerkv.props;

import io.ledgerkv.testing.Describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.codec.CodecType;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import io.ledgerkv.wal.WalEntry;
import io.ledgerkv.wal.WalFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The WAL entry format: round trips for any batch and codec; every single-bit flip and every truncation is detected. */
class WalFormatProperties {
    static final int TRIES = Integer.getInteger("ledgerkv.props.stateless.tries", 500);

    record Batch(CodecType codec, List<List<Mutation>> txns) {
        @Override
        public String toString() {
            return codec + " " + txns;
        }
    }

    static final Gen<Mutation> MUTATION = r -> {
        byte[] key = Gen.bytes(Gen.ints(0, 40)).next(r);
        if (r.nextInt(5) == 0) {
            return new Mutation(key, null);
        }
        byte[] value = Gen.bytes(Gen.frequency(Gen.weight(5, Gen.ints(0, 50)), Gen.weight(1, Gen.ints(0, 3000)))).next(r);
        // One put in four expires, at times whose every byte matters (1 ms .. far future).
        long expireAt = r.nextInt(4) == 0 ? 1 + (r.nextLong() >>> (1 + r.nextInt(62))) % (Mutation.NEVER - 1) : Mutation.NEVER;
        return new Mutation(key, value, expireAt);
    };
    static final Gen<Batch> BATCH = r -> new Batch(Gen.oneOf(CodecType.NONE, CodecType.LZ4, CodecType.LZ4_HC, CodecType.ZSTD).next(r),
            Gen.listOf(Gen.listOf(MUTATION, 0, 6), 1, 8).next(r));

    static byte[] encode(Batch b) {
        List<byte[]> records = new ArrayList<>();
        int len = 0;
        for (List<Mutation> t : b.txns()) {
            byte[] rec = TxnRecord.encode(t);
            records.add(rec);
            len += rec.length;
        }
        byte[] payload = new byte[len];
        int p = 0;
        for (byte[] rec : records) {
            System.arraycopy(rec, 0, payload, p, rec.length);
            p += rec.length;
        }
        return WalEntry.encode(WalEntry.Type.BATCH, b.codec().newCodec(), 3, 17, b.txns().size(), 99, payload, 0, len);
    }

    @Test
    void anyBatchRoundTripsUnderAnyCodec() {
        int n = Property.forAll("WAL batch round trip", TRIES, BATCH, b -> {
            try {
                WalEntry e = WalEntry.decode(encode(b), WalEntry.CodecSource.plain());
                List<List<Mutation>> back = TxnRecord.decodeAll(e.payload(), 0, e.payload().length, e.count());
                assertThat(back).hasSameSizeAs(b.txns());
                for (int i = 0; i < back.size(); i++) {
                    assertThat(back.get(i)).hasSameSizeAs(b.txns().get(i));
                    for (int j = 0; j < back.get(i).size(); j++) {
                        assertThat(back.get(i).get(j).key()).isEqualTo(b.txns().get(i).get(j).key());
                        assertThat(back.get(i).get(j).value()).isEqualTo(b.txns().get(i).get(j).value());
                        assertThat(back.get(i).get(j).expireAt()).isEqualTo(b.txns().get(i).get(j).expireAt());
                    }
                }
            } catch (WalFormatException ex) {
                throw new AssertionError(ex);
            }
        });
        assertThat(n).isEqualTo(TRIES);
    }

    record Damage(Batch batch, int position, int bit) {
    }

    @Test
    void anySingleBitFlipIsDetected() {
        Gen<Damage> gen = r -> {
            Batch b = BATCH.next(r);
            int len = encode(b).length;
            return new Damage(b, r.nextInt(len), r.nextInt(8));
        };
        Property.forAll("bit flips are detected", TRIES, gen, d -> {
            byte[] entry = encode(d.batch());
            entry[d.position()] ^= (byte) (1 << d.bit());
            assertThatThrownBy(() -> WalEntry.decode(entry, WalEntry.CodecSource.plain()))
                    .as("flip of bit %d at byte %d", d.bit(), d.position())
                    .isInstanceOf(WalFormatException.class);
        });
    }

    @Test
    void anyTruncationIsDetected() {
        Gen<Damage> gen = r -> {
            Batch b = BATCH.next(r);
            return new Damage(b, r.nextInt(encode(b).length), 0);
        };
        Property.forAll("truncations are detected", TRIES, gen, d -> {
            byte[] cut = Arrays.copyOf(encode(d.batch()), d.position());
            assertThatThrownBy(() -> WalEntry.decode(cut, WalEntry.CodecSource.plain())).isInstanceOf(WalFormatException.class);
        });
    }

    record Payload(CodecType codec, byte[] data) {
        @Override
        public String toString() {
            return codec + " " + Describe.bytes(data);
        }
    }

    @Test
    void everyCodecRoundTripsArbitraryPayloads() {
        Gen<byte[]> data = Gen.frequency(
                Gen.weight(3, Gen.bytes(Gen.ints(0, 5000))),
                Gen.weight(2, r -> {
                    byte[] b = new byte[r.nextInt(0, 70_000)];
                    Arrays.fill(b, (byte) r.nextInt(4));
                    return b;
                }),
                Gen.weight(2, r -> {
                    StringBuilder sb = new StringBuilder();
                    int n = r.nextInt(0, 300);
                    for (int i = 0; i < n; i++) {
                        sb.append("{\"k\":").append(r.nextInt(50)).append(",\"v\":\"x").append(r.nextInt(7)).append("\"}");
                    }
                    return sb.toString().getBytes(StandardCharsets.UTF_8);
                }));
        Property.forAll("codec round trip", TRIES, r -> new Payload(Gen.oneOf(CodecType.LZ4, CodecType.LZ4_HC, CodecType.ZSTD).next(r),
                data.next(r)), p -> {
            try (var c = p.codec().newCodec()) {
                byte[] out = new byte[c.maxCompressedLength(p.data().length)];
                int n = c.compress(p.data(), 0, p.data().length, out, 0);
                byte[] back = new byte[p.data().length];
                c.decompress(out, 0, n, back, 0, back.length);
                assertThat(back).isEqualTo(p.data());
            }
        });
    }
}
