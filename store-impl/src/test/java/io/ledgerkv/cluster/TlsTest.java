package io.ledgerkv.cluster;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS between the store and the bookies on a {@link LocalCluster} that generates its own
 * self-signed certificate: the store works over TLS; a client whose truststore does not hold the
 * bookies' certificate is refused with an error that says TLS, and fences nobody; an expired
 * certificate or an unreadable truststore is refused when connecting.
 */
class TlsTest {
    @TempDir
    Path dir;

    private static DefaultLedgerKv connect(ClientConfig cc) {
        return DefaultLedgerKv.connect(cc.toBuilder().operationTimeout(Duration.ofSeconds(5)).build());
    }

    @Test
    void storesWorkOverTlsAndAClientThatDoesNotTrustTheBookiesIsRefused() throws Exception {
        try (LocalCluster c = LocalCluster.builder().bookies(3).tls().start()) {
            assertThat(c.clientConfig().build().toString()).contains("tls=trust " + c.tls().trustStore())
                    .doesNotContain(Files.readString(c.tls().passwordFile()));
            try (DefaultLedgerKv owner = connect(c.clientConfig().build())) {
                KvStore s = owner.open("scores", config().build());
                s.put(b("acct-1"), b("0.93"));
                long epoch = owner.status("scores").epoch();

                TlsMaterial other = TlsMaterial.generate(dir, "other", 30, false);
                ClientConfig untrusting = c.clientConfig().tlsTrustStore(other.trustStore(), other.passwordFile()).build();
                try (DefaultLedgerKv intruder = connect(untrusting)) {
                    assertThatThrownBy(() -> intruder.open("scores", config().build()))
                            .isInstanceOf(ClusterUnavailableException.class)
                            .hasMessageContaining("connections to bookies use TLS, trusting " + other.trustStore());
                    // A new store opens (creating a ledger touches ZooKeeper only); its first write cannot reach a bookie.
                    try (KvStore fresh = intruder.open("other-store", config().build())) {
                        // ... and the writer gives up after operationTimeout instead of rolling ledger after ledger.
                        assertThatThrownBy(() -> fresh.put(b("k"), b("v"))).isInstanceOf(io.ledgerkv.api.StoreFailedException.class)
                                .hasMessageContaining("no entry was acknowledged")
                                .hasMessageContaining("connections to bookies use TLS, trusting " + other.trustStore());
                    }
                }
                assertThat(owner.status("scores").epoch()).as("the refused client fenced nobody").isEqualTo(epoch);
                s.put(b("acct-2"), b("0.12"));
                s.close();
            }
            try (DefaultLedgerKv again = connect(c.clientConfig().build()); KvStore s = again.open("scores", config().build())) {
                assertThat(contents(s)).isEqualTo(Map.of("acct-1", "0.93", "acct-2", "0.12"));
                assertThat(s(s.get(b("acct-1")))).isEqualTo("0.93");
            }
            // The command line takes the same truststore.
            Path pw = Files.writeString(dir.resolve("ledger.password"), "test-secret");
            String[] tlsArgs = {"--zk=" + c.connectString(), "--password-file=" + pw, "--tls-trust-store=" + c.tls().trustStore(),
                "--tls-trust-store-password-file=" + c.tls().passwordFile()};
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            String[] get = java.util.stream.Stream.concat(java.util.stream.Stream.of("get"),
                    java.util.stream.Stream.concat(java.util.Arrays.stream(tlsArgs), java.util.stream.Stream.of("--store", "scores", "acct-2")))
                    .toArray(String[]::new);
            assertThat(io.ledgerkv.cli.LedgerKvCli.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), get))
                    .as("stderr: %s", err).isZero();
            assertThat(out.toString()).isEqualTo("0.12\n");
        }
    }

    @Test
    void anExpiredCertificateIsRefusedWhenConnecting() {
        TlsMaterial expired = TlsMaterial.generate(dir, "expired", 30, true);
        try (LocalCluster c = LocalCluster.builder().bookies(3).tls(expired).start()) {
            assertThatThrownBy(() -> connect(c.clientConfig().build()))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("certificate 'expired' (CN=localhost) in " + expired.trustStore())
                    .hasMessageContaining("not now").hasMessageContaining("renew it");
        }
    }

    @Test
    void aTrustStoreThatCannotBeOpenedOrHalfAConfigurationIsRefused() throws Exception {
        TlsMaterial good = TlsMaterial.generate(dir, "good", 30, false);
        Path wrongPassword = Files.writeString(dir.resolve("wrong.password"), "not-the-password");
        try (LocalCluster c = LocalCluster.builder().bookies(1).tls(good).start()) {
            assertThatThrownBy(() -> connect(c.clientConfig().tlsTrustStore(good.trustStore(), wrongPassword).build()))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("cannot open the PKCS12 truststore " + good.trustStore() + " with the password in " + wrongPassword);
            assertThatThrownBy(() -> c.clientConfig().tlsTrustStore(good.trustStore(), null).build())
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining("go together");
            assertThatThrownBy(() -> connect(c.clientConfig().tlsTrustStore(dir.resolve("missing.p12"), good.passwordFile()).build()))
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining("missing.p12");
        }
    }
}
