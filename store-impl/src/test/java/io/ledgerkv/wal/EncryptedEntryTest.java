package io.ledgerkv.wal;

import static io.ledgerkv.testing.Bytes.contains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.EncryptionKeyException;
import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.testing.TestStores;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AES-GCM entries without a cluster: every codec round-trips, no plaintext is left in the stored
 * bytes, any flipped bit is refused (by the CRC, or by GCM when the attacker also fixes the CRC),
 * and an entry read with another store's identity, a wrong key, a missing key id or no keys at all
 * is a clear error, never garbage.
 */
class EncryptedEntryTest {
    private static final WalEntry.CodecSource CODECS = WalEntry.CodecSource.plain();
    private static final byte[] SECRET = "acct-7731 risk=0.97 SECRET-MARKER".getBytes(StandardCharsets.UTF_8);

    private static byte[] key(int seed) {
        return TestStores.key(seed);
    }

    static final EncryptionKeys K1 = EncryptionKeys.of(1, Map.of(1, key(1)));
    static final EncryptionKeys K12 = EncryptionKeys.of(2, Map.of(1, key(1), 2, key(2)));

    private static byte[] payload() {
        byte[] rec = TxnRecord.encode(List.of(new Mutation(SECRET, SECRET), new Mutation(SECRET, SECRET, 99)));
        byte[] twice = new byte[rec.length * 2];
        System.arraycopy(rec, 0, twice, 0, rec.length);
        System.arraycopy(rec, 0, twice, rec.length, rec.length);
        return twice;
    }

    private static byte[] entry(CodecType codec, EntryCipher cipher) {
        byte[] p = payload();
        return new WalEntry.Encoder(codec.newCodec(), 0, 0.0, cipher).encode(WalEntry.Type.BATCH, 3, 10, 2, 77, p, 0, p.length);
    }


    @Test
    void everyCodecRoundTripsAndNoPlaintextIsStored() throws Exception {
        EntryCipher c = new EntryCipher(K1, "ns/a");
        for (CodecType codec : List.of(CodecType.NONE, CodecType.LZ4, CodecType.LZ4_HC, CodecType.ZSTD)) {
            byte[] e = entry(codec, c);
            assertThat(contains(entry(CodecType.NONE, null), SECRET)).as("the check can see plaintext").isTrue();
            assertThat(contains(e, SECRET)).as("%s: plaintext in the stored entry", codec).isFalse();
            WalEntry d = WalEntry.decode(e, CODECS, c);
            assertThat(d.isEncrypted()).isTrue();
            assertThat(d.payload()).as(codec.name()).isEqualTo(payload());
            assertThat(d.writerTimeMillis()).isEqualTo(77);
            assertThat(ByteBuffer.wrap(e).getShort(6)).as("key id in the header").isEqualTo((short) 1);
        }
        byte[] a = entry(CodecType.NONE, c);
        byte[] b = entry(CodecType.NONE, c);
        assertThat(Arrays.equals(a, b)).as("a fresh nonce per entry").isFalse();
    }

    @Test
    void everySingleBitFlipIsRefusedAlsoWithTheCrcFixedUp() {
        EntryCipher c = new EntryCipher(K1, "ns/a");
        byte[] good = entry(CodecType.LZ4, c);
        for (int i = 0; i < good.length * 8; i++) {
            byte[] bad = good.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            final int bit = i;
            assertThatThrownBy(() -> WalEntry.decode(bad, CODECS, c)).as("bit %d", bit).isInstanceOf(Exception.class);
            if (i / 8 >= WalEntry.HEADER_BYTES || i / 8 < WalEntry.CRC_OFFSET) {
                byte[] forged = fixCrc(bad);
                Throwable t = Assertions.catchThrowable(() -> WalEntry.decode(forged, CODECS, c));
                assertThat(t).as("bit %d with the CRC fixed", bit).isNotNull();
                if (i / 8 >= WalEntry.HEADER_BYTES) {
                    assertThat(t).as("bit %d", bit).isInstanceOf(WalFormatException.class)
                            .hasMessageContaining("AES-GCM authentication failed");
                }
            }
        }
    }

    /** What an attacker who can rewrite entries does: recompute the CRC over the altered bytes. */
    private static byte[] fixCrc(byte[] e) {
        CRC32C crc = new CRC32C();
        crc.update(e, 0, WalEntry.CRC_OFFSET);
        crc.update(e, WalEntry.HEADER_BYTES, e.length - WalEntry.HEADER_BYTES);
        byte[] out = e.clone();
        ByteBuffer.wrap(out).putInt(WalEntry.CRC_OFFSET, (int) crc.getValue());
        return out;
    }

    @Test
    void anotherStoresEntryAWrongKeyAMissingKeyOrNoKeysAreClearErrors() throws Exception {
        byte[] e = entry(CodecType.ZSTD, new EntryCipher(K1, "ns/a"));
        assertThatThrownBy(() -> WalEntry.decode(e, CODECS, new EntryCipher(K1, "ns/b")))
                .isInstanceOf(WalFormatException.class).hasMessageContaining("authentication failed (key id 1, store ns/b)")
                .hasMessageContaining("belongs to another store");
        EncryptionKeys wrong = EncryptionKeys.of(1, Map.of(1, key(9)));
        assertThatThrownBy(() -> WalEntry.decode(e, CODECS, new EntryCipher(wrong, "ns/a")))
                .isInstanceOf(WalFormatException.class).hasMessageContaining("key 1 is not the key it was written with");
        EncryptionKeys only2 = EncryptionKeys.of(2, Map.of(2, key(2)));
        assertThatThrownBy(() -> WalEntry.decode(e, CODECS, new EntryCipher(only2, "ns/a")))
                .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("key id 1, which is not configured (configured ids: [2])");
        assertThatThrownBy(() -> WalEntry.decode(e, CODECS, null))
                .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("no encryption keys are configured");
        assertThatThrownBy(() -> WalEntry.checkReadable(e, null)).isInstanceOf(EncryptionKeyException.class);
        WalEntry.checkReadable(e, new EntryCipher(K12, "ns/a")); // passes
    }

    @Test
    void afterRotationOldEntriesStayReadableAndNewOnesUseTheNewKey() throws Exception {
        byte[] old = entry(CodecType.NONE, new EntryCipher(K1, "ns/a"));
        EntryCipher rotated = new EntryCipher(K12, "ns/a");
        byte[] fresh = entry(CodecType.NONE, rotated);
        assertThat(ByteBuffer.wrap(fresh).getShort(6)).isEqualTo((short) 2);
        assertThat(WalEntry.decode(old, CODECS, rotated).payload()).isEqualTo(payload());
        assertThat(WalEntry.decode(fresh, CODECS, rotated).payload()).isEqualTo(payload());
        assertThatThrownBy(() -> WalEntry.decode(fresh, CODECS, new EntryCipher(K1, "ns/a")))
                .isInstanceOf(EncryptionKeyException.class).hasMessageContaining("key id 2");
    }

    @Test
    void keysAreValidatedAndNeverPrinted(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> EncryptionKeys.of(1, Map.of(1, new byte[15]))).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("key 1 is 15 bytes; AES needs 16, 24 or 32 bytes");
        assertThatThrownBy(() -> EncryptionKeys.of(3, Map.of(1, key(1)))).hasMessageContaining("active key id 3 is not among the keys [1]");
        assertThatThrownBy(() -> EncryptionKeys.of(0, Map.of(0, key(1)))).hasMessageContaining("outside 1-65535");
        String b64 = Base64.getEncoder().encodeToString(key(5));
        Path f = dir.resolve("keys.properties");
        Files.writeString(f, "active=2\nkey.1=" + Base64.getEncoder().encodeToString(key(1)) + "\nkey.2=" + b64 + "\n");
        EncryptionKeys k = EncryptionKeys.read(f);
        assertThat(k.activeId()).isEqualTo(2);
        assertThat(k.ids()).containsExactly(1, 2);
        assertThat(k.toString()).doesNotContain(b64).contains("keys hidden");
        Files.writeString(f, "active=1\nkey.1=not base64!!\n");
        assertThatThrownBy(() -> EncryptionKeys.read(f)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("entry 'key.1' is not key.<id>=<base64> (the value is not shown)")
                .hasMessageNotContaining("not base64!!");
        Files.writeString(f, "key.1=" + b64 + "\n");
        assertThatThrownBy(() -> EncryptionKeys.read(f)).hasMessageContaining("has no 'active=<id>' entry");
        Files.writeString(f, "active=1\nkey.1=" + b64 + "\nkye.2=x\n");
        assertThatThrownBy(() -> EncryptionKeys.read(f)).hasMessageContaining("unknown entry 'kye.2'");
    }

    @Test
    void anEmptyPayloadIsSealedAsNonceAndTagOnly() throws Exception {
        EntryCipher c = new EntryCipher(K1, "ns/a");
        byte[] e = new WalEntry.Encoder(CodecType.NONE.newCodec(), 0, 0.0, c).encode(WalEntry.Type.BATCH, 1, 1, 0, 0, new byte[0], 0, 0);
        assertThat(e).hasSize(WalEntry.HEADER_BYTES + EntryCipher.OVERHEAD);
        WalEntry.checkReadable(e, c);
        WalEntry d = WalEntry.decode(e, CODECS, c);
        assertThat(d.payload()).isEmpty();
        assertThat(d.isEncrypted()).isTrue();
    }

    @Test
    void aSealedPayloadShorterThanNonceAndTagIsRefused() {
        EntryCipher c = new EntryCipher(K1, "ns/a");
        byte[] good = entry(CodecType.NONE, c);
        byte[] cut = Arrays.copyOf(good, WalEntry.HEADER_BYTES + EntryCipher.OVERHEAD - 1);
        ByteBuffer.wrap(cut).putInt(44, EntryCipher.OVERHEAD - 1); // stored length consistent with the bytes present
        byte[] forged = fixCrc(cut);
        assertThatThrownBy(() -> WalEntry.decode(forged, CODECS, c)).isInstanceOf(WalFormatException.class)
                .hasMessage("encrypted payload of 27 bytes is shorter than nonce and tag (28)");
    }

    @Test
    void aCipherIsBoundToOneStoreIdentity() throws Exception {
        assertThat(EntryCipher.forStore(null, "ns", "a")).as("no keys, no cipher").isNull();
        assertThat(EntryCipher.identity("ns", "a")).isEqualTo("ns/a");
        EntryCipher a = EntryCipher.forStore(K1, "ns", "a");
        assertThat(a.identity()).isEqualTo("ns/a");
        assertThat(a.activeKeyId()).isEqualTo(1);
        assertThat(a.forIdentity("ns/a")).isSameAs(a);
        EntryCipher b = a.forIdentity("ns/b");
        assertThat(b.identity()).isEqualTo("ns/b");
        // a checkpoint restored from store b's backup is read with b's identity and a's keys
        byte[] sealedForB = entry(CodecType.LZ4, new EntryCipher(K1, "ns/b"));
        assertThat(WalEntry.decode(sealedForB, CODECS, b).payload()).isEqualTo(payload());
        assertThatThrownBy(() -> WalEntry.decode(sealedForB, CODECS, a)).hasMessageContaining("authentication failed");
        WalEntry.Encoder enc = new WalEntry.Encoder(CodecType.NONE.newCodec(), 0, 0.0, a);
        assertThat(enc.cipher()).isSameAs(a);
    }
}
