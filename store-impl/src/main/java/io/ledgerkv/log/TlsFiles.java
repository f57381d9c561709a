package io.ledgerkv.log;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;

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
            checkTrustStore(cc.tlsTrustStore(), cc.tlsTrustStorePasswordFile(), Instant.now());
        }
        if (cc.tlsKeyStore() != null) {
            checkKeyStore(cc.tlsKeyStore(), cc.tlsKeyStorePasswordFile(), Instant.now());
        }
    }

    /**
     * Opens a PKCS12 truststore and checks that it holds certificates and that none has expired or
     * is not yet valid at {@code now}: the JDK accepts a trusted self-signed certificate past its
     * expiry, so ledgerkv refuses it here. {@link InvalidConfigException} names the
     * file, the alias, the subject and the date.
     */
    public static void checkTrustStore(Path trustStore, Path passwordFile, Instant now) {
        checkPkcs12("tlsTrustStore", "truststore", trustStore, passwordFile, now);
    }

    /** As {@link #checkTrustStore} for the client's own certificate (mutual TLS). */
    public static void checkKeyStore(Path keyStore, Path passwordFile, Instant now) {
        checkPkcs12("tlsKeyStore", "keystore", keyStore, passwordFile, now);
    }

    private static void checkPkcs12(String field, String kind, Path file, Path passwordFile,
            Instant now) {
        char[] pw;
        try {
            pw = Files.readString(passwordFile, StandardCharsets.UTF_8).trim().toCharArray();
        } catch (IOException e) {
            throw new InvalidConfigException(field + "PasswordFile", "cannot read " + passwordFile + ": " + e);
        }
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pw);
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidConfigException(field, "cannot open the PKCS12 " + kind + " " + file
                    + " with the password in " + passwordFile + ": " + e.getMessage());
        }
        int certs = 0;
        try {
            for (String alias : Collections.list(ks.aliases())) {
                Certificate c = ks.getCertificate(alias);
                if (c instanceof X509Certificate x) {
                    certs++;
                    try {
                        x.checkValidity(Date.from(now));
                    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                        throw new InvalidConfigException(field, "certificate '" + alias + "' ("
                                + x.getSubjectX500Principal().getName() + ") in " + file + " is valid from " + x.getNotBefore().toInstant()
                                + " to " + x.getNotAfter().toInstant() + ", not now (" + now + "); renew it");
                    }
                }
            }
        } catch (KeyStoreException e) {
            throw new InvalidConfigException(field, "cannot list " + file + ": " + e.getMessage());
        }
        if (certs == 0) {
            throw new InvalidConfigException(field, file + " holds no certificate");
        }
    }

}
