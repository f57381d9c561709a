package io.ledgerkv.wal;

import io.ledgerkv.api.EncryptionKeyException;
import io.ledgerkv.api.EncryptionKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM over entry payloads (after compression) for one store. The stored payload of an
 * encrypted entry is {@code nonce (12 random bytes) || ciphertext || tag (16 bytes)}; the
 * additional authenticated data is the store's identity ({@code namespace/store}) followed by the
 * entry header up to the CRC, so an entry moved to another store, or to another position, epoch or
 * type in this one, or with any header field changed, fails authentication. The key id sits in the
 * header, so rotated keys stay readable while configured.
 */
public final class EntryCipher {
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    /** Bytes an encrypted payload adds: nonce and tag. */
    public static final int OVERHEAD = NONCE_BYTES + TAG_BYTES;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no AES/GCM/NoPadding", e);
        }
    });

    private final EncryptionKeys keys;
    private final String context;
    private final byte[] contextBytes;

    /** @param context the identity entries are bound to, {@code namespace/store} */
    public EntryCipher(EncryptionKeys keys, String context) {
        this.keys = keys;
        this.context = context;
        this.contextBytes = ("ledgerkv:" + context).getBytes(StandardCharsets.UTF_8);
    }

    /** For a store's handle: null when the store is configured without encryption. */
    public static EntryCipher forStore(EncryptionKeys keys, String namespace, String store) {
        return keys == null ? null : new EntryCipher(keys, identity(namespace, store));
    }

    public static String identity(String namespace, String store) {
        return namespace + "/" + store;
    }

    /** The same keys bound to another identity (a checkpoint restored from another store's backup). */
    public EntryCipher forIdentity(String identity) {
        return identity.equals(context) ? this : new EntryCipher(keys, identity);
    }

    public String identity() {
        return context;
    }

    public int activeKeyId() {
        return keys.activeId();
    }

    /**
     * Encrypts {@code plain[off, off+len)} under the active key into {@code out[outOff, outOff+len+OVERHEAD)},
     * authenticating {@code header[0, aadLen)} (whose key id field must already hold the active id).
     */
    void seal(byte[] header, int aadLen, byte[] plain, int off, int len, byte[] out, int outOff) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        Cipher c = CIPHERS.get();
        try {
            c.init(Cipher.ENCRYPT_MODE, keys.key(keys.activeId()), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            c.updateAAD(contextBytes);
            c.updateAAD(header, 0, aadLen);
            System.arraycopy(nonce, 0, out, outOff, NONCE_BYTES);
            int n = c.doFinal(plain, off, len, out, outOff + NONCE_BYTES);
            if (n != len + TAG_BYTES) {
                throw new IllegalStateException("AES-GCM produced " + n + " bytes for " + len);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e, e);
        }
    }

    /** Decrypts and authenticates {@code data[off, off+len)} sealed by {@link #seal} under key {@code keyId}. */
    byte[] open(int keyId, byte[] header, int aadLen, byte[] data, int off, int len) throws WalFormatException {
        SecretKey k = keys.key(keyId);
        if (k == null) {
            throw new EncryptionKeyException("entry is encrypted with key id " + keyId + ", which is not configured (configured ids: "
                    + keys.ids() + "); add that key to read it");
        }
        if (len < OVERHEAD) {
            throw new WalFormatException("encrypted payload of " + len + " bytes is shorter than nonce and tag (" + OVERHEAD + ")");
        }
        Cipher c = CIPHERS.get();
        try {
            c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BYTES * 8, data, off, NONCE_BYTES));
            c.updateAAD(contextBytes);
            c.updateAAD(header, 0, aadLen);
            return c.doFinal(data, off + NONCE_BYTES, len - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new WalFormatException("AES-GCM authentication failed (key id " + keyId + ", store " + context + "): the entry was "
                    + "altered, belongs to another store or position, or key " + keyId + " is not the key it was written with");
        } catch (GeneralSecurityException e) {
            throw new WalFormatException("AES-GCM decryption failed (key id " + keyId + "): " + e, e);
        }
    }
}
