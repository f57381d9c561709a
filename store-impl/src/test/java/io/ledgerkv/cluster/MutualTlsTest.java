package io.ledgerkv.cluster;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.TestStores.config;
import static io.ledgerkv.testing.TestStores.contents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.store.DefaultLedgerKv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS: ZooKeeper's secure port admits only clients presenting a certificate it trusts; the
 * bookies admit only clients presenting a certificate they trust whose role ({@code OU=0:<role>})
 * is allowed. A client with no certificate or an untrusted one is refused by ZooKeeper; through
 * ZooKeeper's plain port, or with a trusted certificate of another role, it reaches ZooKeeper but
 * no bookie, so it cannot open (or fence) the store. The owner keeps writing throughout.
 */
class MutualTlsTest {
    @TempDir
    Path dir;

    @Test
    void bookiesAdmitOnlyClientsWithATrustedCertificateOfAnAllowedRole() throws Exception {
        TlsMaterial risk = TlsMaterial.generateClient(dir, "svc-risk", "ledgerkv");
        TlsMaterial reporting = TlsMaterial.generateClient(dir, "svc-reporting", "reporting");
        TlsMaterial stranger = TlsMaterial.generateClient(dir, "svc-stranger", "ledgerkv");
        try (LocalCluster c = LocalCluster.builder().bookies(3).tls().tlsClients(List.of(risk, reporting), "ledgerkv").start()) {
            ClientConfig owner = c.clientConfig().build();
            assertThat(owner.tlsKeyStore()).isEqualTo(risk.keyStore());
            assertThat(owner.toString()).contains("client certificate " + risk.keyStore());
            try (DefaultLedgerKv kv = TlsTest.connect(owner)) {
                KvStore s = kv.open("scores", config().build());
                s.put(b("acct-1"), b("0.93"));
                long epoch = kv.status("scores").epoch();
                ClientConfig.Builder noCert = ClientConfig.builder(c.secureConnectString()).connectTimeout(Duration.ofSeconds(3))
                        .tlsTrustStore(c.tls().trustStore(), c.tls().passwordFile()).zkTls(true);
                // ZooKeeper's secure port wants a trusted client certificate: without one, no connection.
                Map<String, ClientConfig> refusedByZooKeeper = ordered(
                        "no client certificate", noCert.build(),
                        "an untrusted certificate of role 'ledgerkv'", noCert.tlsKeyStore(stranger.keyStore(), stranger.passwordFile()).build());
                refusedByZooKeeper.forEach((who, cc) -> {
                    assertThatThrownBy(() -> TlsTest.connect(cc)).as(who).isInstanceOf(ClusterUnavailableException.class)
                            .hasMessageContaining("cannot reach ZooKeeper at " + c.secureConnectString())
                            .hasMessageContaining(cc.tlsKeyStore() == null ? "with no client certificate"
                                    : "presenting the client certificate in " + cc.tlsKeyStore())
                            .hasMessageContaining("a server that requires a client certificate and does not trust this client's");
                    s.put(b("after " + who), b("ok"));
                });
                // Through ZooKeeper's plain port (bookies' TLS only), or with a trusted certificate of a role the
                // bookies do not allow: ZooKeeper is reached, no bookie is, and the store cannot be opened (or fenced).
                ClientConfig.Builder plainZk = ClientConfig.builder(c.connectString()).tlsTrustStore(c.tls().trustStore(), c.tls().passwordFile());
                Map<String, ClientConfig> refusedByBookies = ordered(
                        "no client certificate", plainZk.build(),
                        "an untrusted certificate of role 'ledgerkv'", plainZk.tlsKeyStore(stranger.keyStore(), stranger.passwordFile()).build(),
                        "a trusted certificate of role 'reporting'", noCert.tlsKeyStore(reporting.keyStore(), reporting.passwordFile()).build());
                refusedByBookies.forEach((who, cc) -> {
                    try (DefaultLedgerKv other = TlsTest.connect(cc)) {
                        assertThatThrownBy(() -> other.open("scores", config().build())).as(who)
                                .isInstanceOf(ClusterUnavailableException.class)
                                .hasMessageContaining("connections to bookies use TLS")
                                .hasMessageContaining(cc.tlsKeyStore() == null ? "with no client certificate"
                                        : "presenting the client certificate in " + cc.tlsKeyStore())
                                .hasMessageContaining("bookies that require client certificates and do not admit this client's");
                    }
                    s.put(b("after bookies refused " + who), b("ok"));
                });
                assertThat(kv.status("scores").epoch()).as("nobody fenced the owner").isEqualTo(epoch);
                s.close();
            }
            try (DefaultLedgerKv again = TlsTest.connect(owner); KvStore s = again.open("scores", config().build())) {
                assertThat(contents(s)).containsEntry("acct-1", "0.93").hasSize(6);
            }
            // The command line presents the same certificate.
            Path pw = Files.writeString(dir.resolve("ledger.password"), "test-secret");
            assertThat(TlsTest.cli("get", "--zk=" + c.secureConnectString(), "--zk-tls", "--password-file=" + pw,
                    "--tls-trust-store=" + c.tls().trustStore(), "--tls-trust-store-password-file=" + c.tls().passwordFile(),
                    "--tls-key-store=" + risk.keyStore(), "--tls-key-store-password-file=" + risk.passwordFile(),
                    "--store", "scores", "acct-1")).isEqualTo("0.93\n");
        }
    }

    private static Map<String, ClientConfig> ordered(Object... whoThenConfig) {
        Map<String, ClientConfig> m = new LinkedHashMap<>();
        for (int i = 0; i < whoThenConfig.length; i += 2) {
            m.put((String) whoThenConfig[i], (ClientConfig) whoThenConfig[i + 1]);
        }
        return m;
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
