package io.ledgerkv.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.conf.ServerConfiguration;
import org.apache.bookkeeper.tls.TLSContextFactory;

/**
 * Self-signed TLS material for an embedded cluster, made with the JDK's {@code keytool} (nothing to
 * install): a PKCS12 keystore holding the bookies' key and certificate (CN=localhost, SAN
 * 127.0.0.1), a PKCS12 truststore holding that certificate, and a file with their password.
 * With {@code expired}, the certificate's one day of validity ended before today (for tests).
 */
public record TlsMaterial(Path keyStore, Path trustStore, Path passwordFile) {

    /** A fresh key pair and certificate valid from a day ago for {@code validDays} more days (at least 1), or already expired. */
    public static TlsMaterial generate(Path dir, String name, int validDays, boolean expired) {
        return generate(dir, name, "CN=localhost", validDays, expired, randomPassword());
    }

    /**
     * A client's key pair and certificate (30 days) for mutual TLS: subject {@code CN=<name>}, with
     * {@code role} in the organisational unit the way BookKeeper's {@code BookieAuthZFactory} reads
     * roles ({@code OU=0:<role>}).
     */
    public static TlsMaterial generateClient(Path dir, String name, String role) {
        return generate(dir, name, "CN=" + name + ", OU=0:" + role, 30, false, randomPassword());
    }

    private static String randomPassword() {
        byte[] pw = new byte[18];
        new SecureRandom().nextBytes(pw);
        return HexFormat.of().formatHex(pw);
    }

    /**
     * Writes a PKCS12 truststore at {@code file} (password: the one in {@code passwordFile}) holding
     * the certificates of all {@code members}: e.g. what bookies trust when both they and their
     * clients present self-signed certificates.
     */
    public static Path trustStoreOf(Path file, Path passwordFile, List<TlsMaterial> members) {
        try {
            char[] pw = Files.readString(passwordFile, StandardCharsets.UTF_8).trim().toCharArray();
            KeyStore out = KeyStore.getInstance("PKCS12");
            out.load(null, pw);
            for (TlsMaterial m : members) {
                KeyStore in = KeyStore.getInstance("PKCS12");
                try (InputStream s = Files.newInputStream(m.trustStore())) {
                    in.load(s, Files.readString(m.passwordFile(), StandardCharsets.UTF_8).trim().toCharArray());
                }
                for (String alias : Collections.list(in.aliases())) {
                    out.setCertificateEntry(alias, in.getCertificate(alias));
                }
            }
            try (OutputStream s = Files.newOutputStream(file)) {
                out.store(s, pw);
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the truststore " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #generate(Path, String, int, boolean)} with a given password. The password reaches
     * keytool only through a file ({@code -storepass:file}): on the command line a password starting
     * with {@code -J} is taken by the keytool launcher as a JVM option (and would show in {@code ps}).
     */
    static TlsMaterial generate(Path dir, String name, int validDays, boolean expired, String password) {
        return generate(dir, name, "CN=localhost", validDays, expired, password);
    }

    private static TlsMaterial generate(Path dir, String name, String subject, int validDays, boolean expired, String password) {
        try {
            Files.createDirectories(dir);
            Path pwFile = dir.resolve(name + ".password");
            Files.writeString(pwFile, password, StandardCharsets.UTF_8);
            Path ks = dir.resolve(name + ".keystore.p12");
            Path cert = dir.resolve(name + ".crt");
            Path ts = dir.resolve(name + ".truststore.p12");
            for (Path p : List.of(ks, cert, ts)) {
                Files.deleteIfExists(p);
            }
            List<String> gen = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", subject, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                    "-keystore", ks.toString(), "-storepass:file", pwFile.toString(), "-keypass:file", pwFile.toString()));
            // An expired certificate: valid for one day, starting (validDays + 1) days ago.
            gen.addAll(expired ? List.of("-startdate", "-" + (validDays + 1) + "d", "-validity", "1")
                    : List.of("-startdate", "-1d", "-validity", Integer.toString(Math.max(1, validDays) + 1)));
            keytool(gen);
            keytool(List.of("-exportcert", "-alias", name, "-keystore", ks.toString(), "-storepass:file", pwFile.toString(),
                    "-file", cert.toString()));
            keytool(List.of("-importcert", "-noprompt", "-alias", name, "-file", cert.toString(), "-storetype", "PKCS12",
                    "-keystore", ts.toString(), "-storepass:file", pwFile.toString()));
            return new TlsMaterial(ks, ts, pwFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write TLS material under " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void keytool(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args.get(0) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }

    /** Server side: a bookie serves TLS with this keystore, trusting {@code bookieTrust} (a truststore with the same password). */
    public void applyToBookie(ServerConfiguration conf, Path bookieTrust) {
        conf.setTLSProviderFactoryClass(TLSContextFactory.class.getName());
        conf.setTLSProvider("JDK");
        conf.setTLSKeyStoreType("PKCS12");
        conf.setTLSKeyStore(keyStore.toString());
        conf.setTLSKeyStorePasswordPath(passwordFile.toString());
        conf.setTLSTrustStoreType("PKCS12");
        conf.setTLSTrustStore(bookieTrust.toString());
        conf.setTLSTrustStorePasswordPath(passwordFile.toString());
    }
}
