package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static io.ledgerkv.testing.TestStores.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.cluster.JaasSections;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.meta.zookeeper.CuratorNodes;
import io.ledgerkv.testing.CliRun;
import io.ledgerkv.testing.IdentityChecks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SASL identities on a ZooKeeper that accepts SASL logins (DIGEST-MD5, the mechanism ZooKeeper's
 * own tests use; Kerberos goes through the same JAAS section setting): a namespace created by a
 * service logged in over SASL belongs to that SASL user ({@code sasl:} ACL); another SASL user, a
 * digest identity or no identity cannot read, fence, list, create or delete there; a wrong
 * password and a login section the JVM does not have are refused with what was wrong.
 */
class ZkSaslTest {
    static LocalCluster cluster;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.builder().bookies(3).zkSasl(Map.of("svc-risk", "risk-pw", "svc-other", "other-pw")).start();
        JaasSections.registerClient("ledgerkv-risk", "svc-risk", "risk-pw");
        JaasSections.registerClient("ledgerkv-other", "svc-other", "other-pw");
        JaasSections.registerClient("ledgerkv-wrong", "svc-risk", "not-the-password");
    }

    @AfterAll
    static void stop() {
        for (String s : List.of("ledgerkv-risk", "ledgerkv-other", "ledgerkv-wrong")) {
            JaasSections.remove(s);
        }
        cluster.close();
    }

    private static ClientConfig.Builder sasl(String namespace, String section) {
        return cluster.clientConfig().namespace(namespace).zkSaslLoginContext(section).connectTimeout(Duration.ofSeconds(5));
    }

    @Test
    void aNamespaceBelongsToTheSaslUserThatCreatedIt() throws Exception {
        try (DefaultLedgerKv owner = DefaultLedgerKv.connect(sasl("risk", "ledgerkv-risk").build())) {
            KvStore store = owner.open("scores", config().build());
            store.put(b("acct-1"), b("0.93"));
            List<ACL> acl = CuratorNodes.zooKeeperOf(owner.nodes()).getACL("/ledgerkv/risk/stores/scores", new Stat());
            assertThat(acl).extracting(a -> a.getId().getScheme() + ":" + a.getId().getId()).containsExactly("sasl:svc-risk");
            String[][] intruders = {{"SASL user svc-other", "other"}, {"digest identity", "digest"}, {"no identity", "none"}};
            for (String[] intruder : intruders) {
                ClientConfig.Builder cc = switch (intruder[1]) {
                    case "other" -> sasl("risk", "ledgerkv-other");
                    case "digest" -> cluster.clientConfig().namespace("risk").zkDigest("svc-risk:risk-pw");
                    default -> cluster.clientConfig().namespace("risk");
                };
                try (DefaultLedgerKv other = DefaultLedgerKv.connect(cc.build())) {
                    IdentityChecks.assertLockedOut(other, "scores", intruder[0]);
                }
                store.put(b("acct-2"), b("0.12"));
            }
            assertThat(owner.status("scores").epoch()).as("nobody bumped the writer epoch").isEqualTo(1);
            store.close();
        }
        try (DefaultLedgerKv again = DefaultLedgerKv.connect(sasl("risk", "ledgerkv-risk").build());
             KvStore store = again.open("scores", config().build())) {
            assertThat(s(store.get(b("acct-1")))).isEqualTo("0.93");
            assertThat(s(store.get(b("acct-2")))).isEqualTo("0.12");
        }
        // The command line logs in with the same section; without it, it is refused.
        CliRun.Result status = CliRun.run("status", "--zk=" + cluster.connectString(), "-n", "risk", "--store", "scores",
                "--zk-sasl-login-context", "ledgerkv-risk");
        assertThat(status.out()).as(status.err()).contains("store risk/scores").contains("2 keys");
        assertThat(status.code()).as("read; no writer holds it").isEqualTo(4);
        CliRun.Result refused = CliRun.run("status", "--zk=" + cluster.connectString(), "-n", "risk", "--store", "scores");
        assertThat(refused.code()).as("access denied").isEqualTo(6);
        assertThat(refused.err()).contains("ZooKeeper refused access");
    }

    @Test
    void aWrongPasswordOrAMissingLoginSectionIsRefused() {
        assertThatThrownBy(() -> DefaultLedgerKv.connect(sasl("risk", "ledgerkv-wrong").build()))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("refused the SASL login of JAAS section 'ledgerkv-wrong'")
                .hasMessageNotContaining("not-the-password");
        assertThatThrownBy(() -> DefaultLedgerKv.connect(sasl("risk", "no-such-section").build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("zkSaslLoginContext").hasMessageContaining("no login section 'no-such-section'");
        assertThatThrownBy(() -> ClientConfig.builder("127.0.0.1:2181").zkSaslLoginContext("bad name").build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("JAAS login section");
        assertThat(sasl("risk", "ledgerkv-risk").build().toString()).contains("zkSasl=login section ledgerkv-risk");
    }
}
