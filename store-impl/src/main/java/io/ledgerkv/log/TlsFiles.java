package io.ledgerkv.log;

import io.ledgerkv.api.ClientConfig;
import java.nio.charset.StandardCharsets;

/** Checks of the TLS files a client names, before anything connects. */
public final class TlsFiles {
    private TlsFiles() {
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

}
