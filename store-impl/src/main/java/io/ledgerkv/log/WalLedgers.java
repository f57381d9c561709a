package io.ledgerkv.log;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.DigestType;
import io.ledgerkv.api.LedgerKvException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import org.apache.bookkeeper.client.BKException;
import org.apache.bookkeeper.client.BookKeeper;
import org.apache.bookkeeper.client.LedgerEntry;
import org.apache.bookkeeper.client.LedgerHandle;
import org.apache.bookkeeper.conf.ClientConfiguration;

/**
 * The BookKeeper side of one store's WAL: creates its ledgers (tagged with the store and writer
 * epoch in their custom metadata), opens them with or without recovery, and reads them back.
 */
public final class WalLedgers {
    /** Entries fetched per read request during replay. */
    static final int READ_BATCH = 64;
    /** How soon after its last add an idle writer tells the bookies its last-add-confirmed. */
    public static final int EXPLICIT_LAC_INTERVAL_MS = 100;

    private final BookKeeper bk;
    private final String storeId;
    /** The store's BookKeeper password, derived from its secret (see {@link #bookKeeperPassword}). */
    private final byte[] password;
    /** The secret as configured: the password of ledgers created before ledgerkv derived one (read-compatible). */
    private final byte[] legacyPassword;
    private final io.ledgerkv.wal.EntryCipher cipher;

    public WalLedgers(BookKeeper bk, String namespace, String store, byte[] password) {
        this(bk, namespace, store, password, null);
    }

    /** With {@code keys} (null: none), every entry this store writes is encrypted and encrypted entries can be read. */
    public WalLedgers(BookKeeper bk, String namespace, String store, byte[] password, io.ledgerkv.api.EncryptionKeys keys) {
        this.bk = bk;
        this.storeId = namespace + "/" + store;
        this.password = bookKeeperPassword(password, namespace, store);
        this.legacyPassword = password.clone();
        this.cipher = io.ledgerkv.wal.EntryCipher.forStore(keys, namespace, store);
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
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(("ledgerkv ledger password v1 " + namespace + "/" + store).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** The store's entry cipher, bound to its identity; null without encryption. */
    public io.ledgerkv.wal.EntryCipher cipher() {
        return cipher;
    }

    /**
     * The cipher for entries bound to {@code identity} (a checkpoint restored from another store's
     * backup), or this store's own when {@code identity} is null; null without encryption.
     */
    public io.ledgerkv.wal.EntryCipher cipher(String identity) {
        return cipher == null || identity == null ? cipher : cipher.forIdentity(identity);
    }

    /** A BookKeeper client for {@code cc}: throttle off (backpressure is ours), CRC32C, bounded timeouts. */
    public static BookKeeper newClient(ClientConfig cc) {
        if (cc.zkTls()) {
            throw new io.ledgerkv.api.InvalidConfigException("zkTls", "a bare BookKeeper client cannot reach ZooKeeper over TLS"
                    + " by itself; pass it a handle from ZkClients.connect (DefaultLedgerKv.connect does)");
        }
        checkTls(cc);
        return newClient(cc, null);
    }

    /**
     * Opens the truststore and the client keystore {@code cc} names, if any, and refuses ones that
     * cannot be opened or hold a certificate outside its validity (see {@link #checkTrustStore}).
     */
    public static void checkTls(ClientConfig cc) {
        if (cc.tlsTrustStore() != null) {
            checkTrustStore(cc.tlsTrustStore(), cc.tlsTrustStorePasswordFile(), java.time.Instant.now());
        }
        if (cc.tlsKeyStore() != null) {
            checkKeyStore(cc.tlsKeyStore(), cc.tlsKeyStorePasswordFile(), java.time.Instant.now());
        }
    }

    /**
     * As {@link #newClient(ClientConfig)}, with BookKeeper's metadata kept through {@code metadataZk}
     * when not null (a handle connected with this client's own ZooKeeper settings, e.g. TLS); the
     * caller closes it after the client. The caller has checked the TLS files ({@link #checkTls}).
     */
    public static BookKeeper newClient(ClientConfig cc, org.apache.zookeeper.ZooKeeper metadataZk) {
        ClientConfiguration conf = new ClientConfiguration();
        conf.setMetadataServiceUri(cc.metadataServiceUri());
        // With a handle of ours, BookKeeper takes the ledgers root from here, not from the URI.
        conf.setZkLedgersRootPath(cc.ledgersRootPath());
        conf.setThrottleValue(0);
        conf.setAddEntryTimeout((int) Math.max(1, cc.addEntryTimeout().toSeconds()));
        conf.setReadEntryTimeout((int) Math.max(1, cc.readEntryTimeout().toSeconds()));
        conf.setZkTimeout((int) cc.sessionTimeout().toMillis());
        conf.setEnableDigestTypeAutodetection(true);
        // Readers (read-only handles, standbys, backups) learn the last confirmed entry from the
        // next entry's piggyback, or from this explicit push when the writer has gone quiet.
        conf.setExplictLacInterval(EXPLICIT_LAC_INTERVAL_MS);
        if (cc.tlsTrustStore() != null) {
            if (cc.tlsKeyStore() != null) {
                // BookKeeper's client loads its key only with "client authentication" on.
                conf.setTLSClientAuthentication(true);
                conf.setTLSKeyStoreType("PKCS12");
                conf.setTLSKeyStore(cc.tlsKeyStore().toString());
                conf.setTLSKeyStorePasswordPath(cc.tlsKeyStorePasswordFile().toString());
            }
            conf.setTLSProviderFactoryClass(org.apache.bookkeeper.tls.TLSContextFactory.class.getName());
            conf.setTLSProvider("JDK");
            conf.setTLSTrustStoreType("PKCS12");
            conf.setTLSTrustStore(cc.tlsTrustStore().toString());
            conf.setTLSTrustStorePasswordPath(cc.tlsTrustStorePasswordFile().toString());
        }
        try {
            BookKeeper bk = BookKeeper.forConfig(conf).zk(metadataZk).build();
            if (cc.tlsTrustStore() != null) {
                synchronized (TLS_CLIENTS) {
                    TLS_CLIENTS.put(bk, " (connections to bookies use TLS, trusting " + cc.tlsTrustStore()
                            + (cc.tlsKeyStore() == null ? ", with no client certificate" : ", presenting the client certificate in "
                            + cc.tlsKeyStore()) + ": a bookie whose certificate that truststore does not trust, or whose certificate"
                            + " has expired, cannot be reached; nor can bookies that require client certificates and do not"
                            + " admit this client's (not trusted, or its role not allowed))");
                }
            }
            return bk;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("interrupted while connecting to BookKeeper", e);
        } catch (Exception e) {
            throw new ClusterUnavailableException("cannot connect to BookKeeper at " + cc.metadataServiceUri() + ": " + e.getMessage(), e);
        }
    }

    /** BookKeeper clients that talk TLS, and the TLS context named in their "bookies unreachable" errors. */
    private static final Map<BookKeeper, String> TLS_CLIENTS = new java.util.WeakHashMap<>();

    /**
     * Opens a PKCS12 truststore and checks that it holds certificates and that none has expired or
     * is not yet valid at {@code now}: the JDK accepts a trusted self-signed certificate past its
     * expiry, so ledgerkv refuses it here. {@link io.ledgerkv.api.InvalidConfigException} names the
     * file, the alias, the subject and the date.
     */
    public static void checkTrustStore(java.nio.file.Path trustStore, java.nio.file.Path passwordFile, java.time.Instant now) {
        checkPkcs12("tlsTrustStore", "truststore", trustStore, passwordFile, now);
    }

    /** As {@link #checkTrustStore} for the client's own certificate (mutual TLS). */
    public static void checkKeyStore(java.nio.file.Path keyStore, java.nio.file.Path passwordFile, java.time.Instant now) {
        checkPkcs12("tlsKeyStore", "keystore", keyStore, passwordFile, now);
    }

    private static void checkPkcs12(String field, String kind, java.nio.file.Path file, java.nio.file.Path passwordFile,
            java.time.Instant now) {
        char[] pw;
        try {
            pw = java.nio.file.Files.readString(passwordFile, StandardCharsets.UTF_8).trim().toCharArray();
        } catch (java.io.IOException e) {
            throw new io.ledgerkv.api.InvalidConfigException(field + "PasswordFile", "cannot read " + passwordFile + ": " + e);
        }
        java.security.KeyStore ks;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(in, pw);
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new io.ledgerkv.api.InvalidConfigException(field, "cannot open the PKCS12 " + kind + " " + file
                    + " with the password in " + passwordFile + ": " + e.getMessage());
        }
        int certs = 0;
        try {
            for (String alias : java.util.Collections.list(ks.aliases())) {
                java.security.cert.Certificate c = ks.getCertificate(alias);
                if (c instanceof java.security.cert.X509Certificate x) {
                    certs++;
                    try {
                        x.checkValidity(java.util.Date.from(now));
                    } catch (java.security.cert.CertificateExpiredException | java.security.cert.CertificateNotYetValidException e) {
                        throw new io.ledgerkv.api.InvalidConfigException(field, "certificate '" + alias + "' ("
                                + x.getSubjectX500Principal().getName() + ") in " + file + " is valid from " + x.getNotBefore().toInstant()
                                + " to " + x.getNotAfter().toInstant() + ", not now (" + now + "); renew it");
                    }
                }
            }
        } catch (java.security.KeyStoreException e) {
            throw new io.ledgerkv.api.InvalidConfigException(field, "cannot list " + file + ": " + e.getMessage());
        }
        if (certs == 0) {
            throw new io.ledgerkv.api.InvalidConfigException(field, file + " holds no certificate");
        }
    }

    public static BookKeeper.DigestType digest(DigestType d) {
        return switch (d) {
            case CRC32C -> BookKeeper.DigestType.CRC32C;
            case CRC32 -> BookKeeper.DigestType.CRC32;
            case MAC -> BookKeeper.DigestType.MAC;
        };
    }

    public BookKeeper client() {
        return bk;
    }

    /** Creates a ledger for writer {@code epoch}. */
    public LedgerHandle create(int ensemble, int writeQuorum, int ackQuorum, DigestType digest, long epoch)
            throws BKException, InterruptedException {
        Map<String, byte[]> custom = new HashMap<>();
        custom.put("application", "ledgerkv".getBytes(StandardCharsets.UTF_8));
        custom.put("ledgerkv.store", storeId.getBytes(StandardCharsets.UTF_8));
        custom.put("ledgerkv.epoch", Long.toString(epoch).getBytes(StandardCharsets.UTF_8));
        return bk.createLedger(ensemble, writeQuorum, ackQuorum, digest(digest), password, custom);
    }

    /** Creates a ledger to hold a compression dictionary (immutable once closed). */
    public LedgerHandle createDictionaryLedger(int ensemble, int writeQuorum, int ackQuorum, DigestType digest)
            throws BKException, InterruptedException {
        Map<String, byte[]> custom = new HashMap<>();
        custom.put("application", "ledgerkv".getBytes(StandardCharsets.UTF_8));
        custom.put("ledgerkv.store", storeId.getBytes(StandardCharsets.UTF_8));
        custom.put("ledgerkv.kind", "dictionary".getBytes(StandardCharsets.UTF_8));
        return bk.createLedger(ensemble, writeQuorum, ackQuorum, digest(digest), password, custom);
    }

    /** Creates a ledger to hold a checkpoint (immutable once closed). */
    public LedgerHandle createCheckpointLedger(int ensemble, int writeQuorum, int ackQuorum, DigestType digest)
            throws BKException, InterruptedException {
        Map<String, byte[]> custom = new HashMap<>();
        custom.put("application", "ledgerkv".getBytes(StandardCharsets.UTF_8));
        custom.put("ledgerkv.store", storeId.getBytes(StandardCharsets.UTF_8));
        custom.put("ledgerkv.kind", "checkpoint".getBytes(StandardCharsets.UTF_8));
        return bk.createLedger(ensemble, writeQuorum, ackQuorum, digest(digest), password, custom);
    }

    /** Opens with recovery: fences the ledger (its writer's later adds fail) and closes it at its last confirmed entry. */
    public LedgerHandle openRecover(long ledgerId) throws BKException, InterruptedException {
        return open(pw -> bk.openLedger(ledgerId, BookKeeper.DigestType.CRC32C, pw));
    }

    /** Opens without recovery: no fencing; reads up to what is confirmed. */
    public LedgerHandle openNoRecovery(long ledgerId) throws BKException, InterruptedException {
        return open(pw -> bk.openLedgerNoRecovery(ledgerId, BookKeeper.DigestType.CRC32C, pw));
    }

    @FunctionalInterface
    private interface Opener {
        LedgerHandle open(byte[] password) throws BKException, InterruptedException;
    }

    /**
     * Opens with the store's derived password, and a ledger BookKeeper refuses it for with the secret
     * itself (a ledger from before derived passwords). BookKeeper compares the password with the one
     * in the ledger's metadata before it reads or fences anything, so the first attempt changed nothing.
     */
    private LedgerHandle open(Opener opener) throws BKException, InterruptedException {
        try {
            return opener.open(password);
        } catch (BKException.BKUnauthorizedAccessException e) {
            return opener.open(legacyPassword);
        }
    }

    /** Receives entries in order. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(long entryId, byte[] data);
    }

    /** Reads entries {@code [first, last]} of {@code lh} in order. */
    public static void read(LedgerHandle lh, long first, long last, EntryConsumer consumer) throws BKException, InterruptedException {
        for (long from = first; from <= last; from += READ_BATCH) {
            long to = Math.min(last, from + READ_BATCH - 1);
            Enumeration<LedgerEntry> en = lh.readEntries(from, to);
            while (en.hasMoreElements()) {
                LedgerEntry e = en.nextElement();
                consumer.accept(e.getEntryId(), e.getEntry());
            }
        }
    }

    public static void closeQuietly(LedgerHandle lh) {
        if (lh == null) {
            return;
        }
        try {
            lh.close();
        } catch (Exception e) {
            // read handles: nothing to lose
        }
    }

    /**
     * For messages about bookies that cannot be reached: with TLS, the likely cause named (an
     * untrusted or expired certificate); empty without TLS.
     */
    public String tlsHint() {
        synchronized (TLS_CLIENTS) {
            return TLS_CLIENTS.getOrDefault(bk, "");
        }
    }

    /** Wraps a BookKeeper failure with what we were doing. */
    public LedgerKvException failure(String what, Throwable cause) {
        String hint = tlsHint();
        if (cause instanceof BKException.BKNotEnoughBookiesException
                || cause instanceof BKException.BKBookieHandleNotAvailableException
                || cause instanceof BKException.ZKException
                || cause instanceof BKException.MetaStoreException
                // Over TLS, a bookie that fails the handshake answers no read either.
                || (!hint.isEmpty() && cause instanceof BKException.BKReadException)) {
            return new ClusterUnavailableException("store '" + storeId + "': " + what + ": " + cause.getMessage() + hint, cause);
        }
        if (cause instanceof BKException.BKUnauthorizedAccessException) {
            return new LedgerKvException("store '" + storeId + "': " + what
                    + ": BookKeeper refused the ledger password (wrong ledgerPassword for this store?)", cause);
        }
        return new LedgerKvException("store '" + storeId + "': " + what + ": " + cause, cause);
    }
}
