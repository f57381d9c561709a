package io.ledgerkv.cluster;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.store.DefaultLedgerKv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS with the bookies: they admit only clients presenting a certificate they trust whose
 * role ({@code OU=0:<role>}) is allowed. A client with no certificate, with a trusted certificate of
 * another role, or with an untrusted certificate of the right role reaches ZooKeeper but no bookie:
 * it cannot open (so cannot fence) the store, and the owner keeps writing.
 */
class MutualTlsTest {
    @TempDir
    Path dir;

    private static DefaultLedgerKv connect(ClientConfig cc) {
        return DefaultLedgerKv.connect(cc.toBuilder().operationTimeout(Duration.ofSeconds(5)).build());
    }

    @Test
    void bookiesAdmitOnlyClientsWithATrustedCertificateOfAnAllowedRole() throws Exception {
        TlsMaterial risk = TlsMaterial.generateClient(dir, "svc-risk", "ledgerkv");
        TlsMaterial reporting = TlsMaterial.generateClient(dir, "svc-reporting", "reporting");
        TlsMaterial stranger = TlsMaterial.generateClient(dir, "svc-stranger", "ledgerkv");
        try (LocalCluster c = LocalCluster.builder().bookies(3).tls().tlsClients(List.of(risk, reporting), "ledgerkv").start()) {
            ClientConfig owner = c.clientConfig().build();
            assertThat(owner.tlsKeyStore()).isEqualTo(risk.keyStore());
            assertThat(owner.toString()).contains("client certificate " + risk.keyStore());
            try (DefaultLedgerKv kv = connect(owner)) {
                KvStore s = kv.open("scores", config().build());
                s.put(b("acct-1"), b("0.93"));
                long epoch = kv.status("scores").epoch();
                ClientConfig.Builder noCert = ClientConfig.builder(c.secureConnectString())
                        .tlsTrustStore(c.tls().trustStore(), c.tls().passwordFile()).zkTls(true);
                Map<String, ClientConfig> intruders = Map.of(
                        "no client certificate", noCert.build(),
                        "a trusted certificate of role 'reporting'", noCert.tlsKeyStore(reporting.keyStore(), reporting.passwordFile()).build(),
                        "an untrusted certificate of role 'ledgerkv'", noCert.tlsKeyStore(stranger.keyStore(), stranger.passwordFile()).build());
                intruders.forEach((who, cc) -> {
                    try (DefaultLedgerKv other = connect(cc)) {
                        assertThatThrownBy(() -> other.open("scores", config().build())).as(who)
                                .isInstanceOf(ClusterUnavailableException.class)
                                .hasMessageContaining("connections to bookies use TLS")
                                .hasMessageContaining(cc.tlsKeyStore() == null ? "with no client certificate"
                                        : "presenting the client certificate in " + cc.tlsKeyStore())
                                .hasMessageContaining("bookies that require client certificates and do not admit this client's");
                    }
                    s.put(b("after " + who), b("ok"));
                });
                assertThat(kv.status("scores").epoch()).as("nobody fenced the owner").isEqualTo(epoch);
                s.close();
            }
            try (DefaultLedgerKv again = connect(owner); KvStore s = again.open("scores", config().build())) {
                assertThat(contents(s)).containsEntry("acct-1", "0.93").hasSize(4);
            }
            // The command line presents the same certificate.
            Path pw = java.nio.file.Files.writeString(dir.resolve("ledger.password"), "test-secret");
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            assertThat(io.ledgerkv.cli.LedgerKvCli.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), "get",
                    "--zk=" + c.secureConnectString(), "--zk-tls", "--password-file=" + pw,
                    "--tls-trust-store=" + c.tls().trustStore(), "--tls-trust-store-password-file=" + c.tls().passwordFile(),
                    "--tls-key-store=" + risk.keyStore(), "--tls-key-store-password-file=" + risk.passwordFile(),
                    "--store", "scores", "acct-1")).as("stderr: %s", err).isZero();
            assertThat(out.toString()).isEqualTo("0.93\n");
        }
    }

    @Test
    void halfAClientCertificateOrOneWithoutTlsIsRefused() {
        Path p = dir.resolve("x");
        assertThatThrownBy(() -> ClientConfig.builder("127.0.0.1:2181").tlsKeyStore(p, null).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("tlsKeyStore and tlsKeyStorePasswordFile go together");
        assertThatThrownBy(() -> ClientConfig.builder("127.0.0.1:2181").tlsKeyStore(p, p).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("needs tlsTrustStore");
    }
}
