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
import io.ledgerkv.testing.CliRun;
import io.ledgerkv.testing.ClusterExtension;
import io.ledgerkv.testing.IdentityChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ZooKeeper ACLs: a namespace created by a service with a ZooKeeper identity belongs to that
 * identity. Another identity, or none, cannot read its stores' metadata, open (and so fence) a
 * writer, list, create or delete stores there; the owner's writer is unaffected throughout.
 */
class ZkAclTest {
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    private DefaultLedgerKv connect(String namespace, String digest) {
        return CLUSTER.connect(CLUSTER.clientConfig().namespace(namespace).zkDigest(digest).build());
    }

    @Test
    void anotherIdentityCannotReadFenceListCreateOrDelete() {
        DefaultLedgerKv owner = connect("risk", "svc-risk:s3cret-risk");
        KvStore store = owner.open("scores", config().build());
        store.put(b("acct-1"), b("0.93"));

        for (String intruder : new String[] {"svc-other:0ther", null}) {
            DefaultLedgerKv other = connect("risk", intruder);
            IdentityChecks.assertLockedOut(other, "scores", intruder == null ? "no identity" : "identity svc-other");
            assertThatThrownBy(() -> other.status("scores")).hasMessageNotContaining("s3cret");
            // The owner's writer was not fenced and keeps writing.
            store.put(b("acct-2"), b("0.12"));
        }

        assertThat(s(store.get(b("acct-1")))).isEqualTo("0.93");
        assertThat(owner.status("scores").epoch()).as("nobody bumped the writer epoch").isEqualTo(1);
        assertThat(owner.listStores()).containsExactly("scores");
        store.close();
        // The same identity from another process (client) is the owner.
        try (KvStore again = connect("risk", "svc-risk:s3cret-risk").open("scores", config().build())) {
            assertThat(s(again.get(b("acct-2")))).isEqualTo("0.12");
        }
        // Another service keeps its own namespace beside it.
        try (KvStore mine = connect("fraud", "svc-other:0ther").open("model", config().build())) {
            mine.put(b("k"), b("v"));
        }
    }

    @Test
    void theCliUsesTheIdentityFromAFileAndIsRefusedWithoutIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        try (KvStore s = connect("cli-acl", "svc-cli:cli-s3cret").open("st", config().build())) {
            s.put(b("k"), b("v"));
        }
        Path digest = Files.writeString(dir.resolve("zk-digest"), "svc-cli:cli-s3cret\n");
        CliRun.Result ok = CliRun.run("status", "--zk=" + CLUSTER.connectString(), "-n", "cli-acl", "--store", "st",
                "--zk-digest-file", digest.toString());
        assertThat(ok.out()).as(ok.err()).contains("store cli-acl/st").doesNotContain("cli-s3cret");
        assertThat(ok.code()).as("no writer holds it, but it was read").isEqualTo(4);
        CliRun.Result refused = CliRun.run("status", "--zk=" + CLUSTER.connectString(), "-n", "cli-acl", "--store", "st");
        assertThat(refused.code()).as("access denied").isEqualTo(6);
        assertThat(refused.err()).contains("ZooKeeper refused access");
    }

    @Test
    void theDigestIsCheckedAndNeverPrinted() {
        assertThatThrownBy(() -> ClientConfig.builder("127.0.0.1:2181").zkDigest("no-colon").build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("zkDigest").hasMessageNotContaining("no-colon");
        assertThatThrownBy(() -> ClientConfig.builder("127.0.0.1:2181").zkDigest("user:").build())
                .isInstanceOf(InvalidConfigException.class);
        ClientConfig cc = ClientConfig.builder("127.0.0.1:2181").zkDigest("svc:topsecret").build();
        assertThat(cc.toString()).contains("user svc").doesNotContain("topsecret");
    }
}
