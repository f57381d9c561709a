package io.ledgerkv.log;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.wal.EntryCipher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.LoggerFactory;

/**
 * One store's ledgers on the {@link LedgerLog}: creates them (tagged with the store, the kind and
 * the writer epoch in their custom metadata) with the store's derived password, opens them with or
 * without recovery (falling back to the legacy password), and turns log failures into the API's
 * exceptions.
 */
public final class WalLedgers {
    private final LedgerLog log;
    private final String storeId;
    /** The store's BookKeeper password, derived from its secret (see {@link #bookKeeperPassword}). */
    private final byte[] password;
    /** The secret as configured: the password of ledgers created before ledgerkv derived one (read-compatible). */
    private final byte[] legacyPassword;
    private final EntryCipher cipher;

    /** With {@code keys} (null: none), every entry this store writes is encrypted and encrypted entries can be read. */
    public WalLedgers(LedgerLog log, String namespace, String store, byte[] password, EncryptionKeys keys) {
        this.log = log;
        this.storeId = namespace + "/" + store;
        this.password = bookKeeperPassword(password, namespace, store);
        this.legacyPassword = password.clone();
        this.cipher = EntryCipher.forStore(keys, namespace, store);
    }

    /**
     * The password a store's ledgers are created with: HMAC-SHA256 of its identity
     * {@code namespace/store} under the configured secret. BookKeeper writes a ledger's password
     * into the ledger's metadata in ZooKeeper (for its auto-recovery), so the configured secret
     * itself never goes there, and one store's ledger password opens no other store's ledgers even
     * when stores share a secret.
     */
    public static byte[] bookKeeperPassword(byte[] secret, String namespace, String store) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(("ledgerkv ledger password v1 " + namespace + "/" + store).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** The store's entry cipher, bound to its identity; null without encryption. */
    public EntryCipher cipher() {
        return cipher;
    }

    /**
     * The cipher for entries bound to {@code identity} (a checkpoint restored from another store's
     * backup), or this store's own when {@code identity} is null; null without encryption.
     */
    public EntryCipher cipher(String identity) {
        return cipher == null || identity == null ? cipher : cipher.forIdentity(identity);
    }

    public LedgerLog log() {
        return log;
    }

    /** What a ledger of this store holds. */
    public enum Kind {
        WAL, CHECKPOINT, DICTIONARY
    }

    /** Creates a ledger of {@code kind} with {@code cfg}'s replication; {@code epoch} tags WAL ledgers (ignored for others). */
    public WriteLedger create(Kind kind, StoreConfig cfg, long epoch) throws LogException {
        Map<String, byte[]> custom = new HashMap<>();
        custom.put("application", "ledgerkv".getBytes(StandardCharsets.UTF_8));
        custom.put("ledgerkv.store", storeId.getBytes(StandardCharsets.UTF_8));
        if (kind == Kind.WAL) {
            custom.put("ledgerkv.epoch", Long.toString(epoch).getBytes(StandardCharsets.UTF_8));
        } else {
            custom.put("ledgerkv.kind", kind.name().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        }
        return log.create(new LedgerLog.Spec(cfg.ensembleSize(), cfg.writeQuorum(), cfg.ackQuorum(), cfg.digestType()),
                password, custom);
    }

    /** Opens with recovery: fences the ledger (its writer's later adds fail) and closes it at its last recoverable entry. */
    public ReadLedger openRecover(long ledgerId) throws LogException {
        return open(ledgerId, true);
    }

    /** Opens without recovery: no fencing; reads up to what is confirmed. */
    public ReadLedger openNoRecovery(long ledgerId) throws LogException {
        return open(ledgerId, false);
    }

    /**
     * Opens with the store's derived password, and a ledger BookKeeper refuses it for with the secret
     * itself (a ledger from before derived passwords). BookKeeper compares the password with the one
     * in the ledger's metadata before it reads or fences anything, so the first attempt changed nothing.
     */
    private ReadLedger open(long ledgerId, boolean recover) throws LogException {
        try {
            return log.open(ledgerId, password, recover);
        } catch (LogException e) {
            if (e.error() != LogError.UNAUTHORIZED) {
                throw e;
            }
            return log.open(ledgerId, legacyPassword, recover);
        }
    }

    /** Deletes a ledger; one that is gone already counts as deleted. */
    public void delete(long ledgerId) throws LogException {
        try {
            log.delete(ledgerId);
        } catch (LogException e) {
            if (e.error() != LogError.NO_SUCH_LEDGER) {
                throw e;
            }
        }
    }

    /** {@link #delete}, logging instead of throwing: for ledgers nothing references any more. */
    public void deleteQuietly(long ledgerId) {
        try {
            delete(ledgerId);
        } catch (LogException e) {
            LoggerFactory.getLogger(WalLedgers.class)
                    .warn("store '{}': could not delete ledger {}: {}", storeId, ledgerId, e.toString());
        }
    }

    /**
     * For messages about bookies that cannot be reached: with TLS, the likely cause named (an
     * untrusted or expired certificate); empty without TLS.
     */
    public String tlsHint() {
        return log.unreachableHint();
    }

    /** Wraps a log failure with what we were doing. */
    public LedgerKvException failure(String what, LogException cause) {
        String hint = tlsHint();
        switch (cause.error()) {
            case NOT_ENOUGH_BOOKIES, BOOKIE_UNAVAILABLE, METADATA_UNAVAILABLE -> {
                return new ClusterUnavailableException("store '" + storeId + "': " + what + ": " + cause.getMessage() + hint, cause);
            }
            case READ_FAILED -> {
                // Over TLS, a bookie that fails the handshake answers no read either.
                if (!hint.isEmpty()) {
                    return new ClusterUnavailableException("store '" + storeId + "': " + what + ": " + cause.getMessage() + hint, cause);
                }
            }
            case UNAUTHORIZED -> {
                return new AccessDeniedException("store '" + storeId + "': " + what
                        + ": BookKeeper refused the ledger password (wrong ledgerPassword for this store?)", cause);
            }
            default -> {
            }
        }
        return new LedgerKvException("store '" + storeId + "': " + what + ": " + cause.getMessage() + " (" + cause.error() + ")", cause);
    }
}
