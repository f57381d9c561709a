package io.ledgerkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keystores {@link TlsMaterial} writes open with the password in its password file, whatever
 * that password looks like. CI once drew a random password starting with {@code -J}, which the
 * keytool launcher took as a JVM option when it was passed on the command line.
 */
class TlsMaterialTest {
    @TempDir
    Path dir;

    private static KeyStore load(Path file, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    @Test
    void passwordsThatLookLikeLauncherOptionsStillMakeUsableKeystores() throws Exception {
        for (String password : new String[] {"-JGCAZ5i-4iVEjn_lN1158fD", "-help-me", "-storepass x"}) {
            String name = "m" + Integer.toHexString(password.hashCode());
            TlsMaterial m = TlsMaterial.generate(dir, name, 30, false, password);
            char[] pw = Files.readString(m.passwordFile()).toCharArray();
            assertThat(new String(pw)).isEqualTo(password);
            KeyStore keys = load(m.keyStore(), pw);
            assertThat(keys.isKeyEntry(name)).isTrue();
            X509Certificate cert = (X509Certificate) keys.getCertificate(name);
            cert.checkValidity();
            assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
            KeyStore trust = load(m.trustStore(), pw);
            assertThat(trust.getCertificate(name)).isEqualTo(cert);
        }
    }

    @Test
    void randomPasswordsAndExpiredCertificates() throws Exception {
        TlsMaterial m = TlsMaterial.generate(dir, "old", 30, true);
        String password = Files.readString(m.passwordFile());
        assertThat(password).matches("[0-9a-f]{36}");
        X509Certificate cert = (X509Certificate) load(m.keyStore(), password.toCharArray()).getCertificate("old");
        assertThatThrownBy(cert::checkValidity).isInstanceOf(CertificateExpiredException.class);
    }
}
