package io.ledgerkv.samza;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.DigestType;
import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.Settings;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.cluster.TlsMaterial;
import io.ledgerkv.codec.CodecType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.samza.SamzaException;
import org.apache.samza.config.MapConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading {@code stores.<store>.ledgerkv.*} without a cluster: every setting under its one name,
 * the deprecated keys, and each group of the connection settings the CLI also has (TLS, SASL,
 * ZooKeeper digest, encryption at rest), each bad value named by the key the job wrote.
 */
class LedgerKvSamzaConfigTest {
    private static final String P = "stores.s.ledgerkv.";
    @TempDir
    Path dir;
    private Path password;

    @BeforeEach
    void passwordFile() throws IOException {
        password = Files.writeString(dir.resolve("pw"), "secret\n");
    }

    private Map<String, String> base(String... overrides) {
        Map<String, String> c = new HashMap<>();
        c.put("job.name", "j");
        c.put(P + "zk", "127.0.0.1:2181/x");
        c.put(P + "passwordFile", password.toString());
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                c.remove(P + overrides[i]);
            } else {
                c.put(P + overrides[i], overrides[i + 1]);
            }
        }
        return c;
    }

    private static LedgerKvSamzaConfig read(Map<String, String> c) {
        return LedgerKvSamzaConfig.from(new MapConfig(c), "s", "Partition_0");
    }

    private void assertRefused(Map<String, String> c, String... messageParts) {
        assertThatThrownBy(() -> read(c)).isInstanceOf(SamzaException.class).hasMessageContainingAll(messageParts);
    }

    /** Every store setting is read under its settings-file key, with the file's value syntax, to the same StoreConfig. */
    @Test
    void everyStoreSettingIsReadUnderItsOneName() {
        // Every setting away from its default, as ConfigFileTest does for files.
        StoreConfig want = StoreConfig.builder().ledgerPassword("secret").quorum(5, 4, 3).codec(CodecType.ZSTD, 7)
                .minCompressBytes(77).minCompressionSavings(0.25).dictSizeBytes(4096).dictSampleBytes(1 << 16).maxBatchBytes(65536)
                .maxBatchTxns(99).lingerMicros(250).maxKeyBytes(512).maxValueBytes(1 << 20).maxTxnBytes(2 << 20)
                .maxInflightBytes(12 << 20).maxPendingBytes(16 << 20).maxBlock(Duration.ofSeconds(7)).ledgerRollBytes(1 << 26)
                .statsInterval(Duration.ofMillis(1500)).checkpointEveryBytes(1 << 24).checkpointInterval(Duration.ofMinutes(5))
                .checkpointRetention(4).checkpointChunkBytes(1 << 16).standbyPollInterval(Duration.ofMillis(20))
                .digestType(DigestType.CRC32).build();
        Map<String, String> c = base();
        want.toSettings().forEach((k, v) -> c.put(P + k, v));
        assertThat(want.toSettings().keySet()).isEqualTo(StoreConfig.keys());
        LedgerKvSamzaConfig cfg = read(c);
        assertThat(cfg.store().toSettings()).isEqualTo(want.toSettings());
        assertThat(cfg.deprecations()).isEmpty();
        assertThat(LedgerKvSamzaConfig.KEYS.keySet()).containsAll(Settings.keys());
    }

    /** Unset keys take StoreConfig's defaults, automatic checkpoints included: a failed task's successor replays a bounded WAL. */
    @Test
    void unsetKeysTakeTheStoresDefaultsWithAutomaticCheckpointsOn() {
        StoreConfig store = read(base()).store();
        assertThat(store.toSettings()).isEqualTo(StoreConfig.builder().ledgerPassword("secret").build().toSettings());
        assertThat(store.checkpointEveryBytes()).isEqualTo(16L << 20);
        assertThat(read(base("checkpointStateFraction", "0.25")).store().toSettings()).containsEntry("checkpointStateFraction", "0.25");
    }

    @Test
    void connectionSettingsUseTheFilesSyntax() {
        ClientConfig cc = read(base("namespace", "risk", "sessionTimeout", "4s", "connectTimeout", "1500ms", "operationTimeout", "1m",
                "ledgersRootPath", "/bk")).client();
        assertThat(cc.namespace()).isEqualTo("risk");
        assertThat(cc.sessionTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(cc.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(cc.operationTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(cc.ledgersRootPath()).isEqualTo("/bk");
        assertThat(read(base()).client().namespace()).as("the adapter's namespace stays samza").isEqualTo("samza");
        assertRefused(base("sessionTimeout", "10000"), P + "sessionTimeout", "500ms, 10s");
    }

    /** A job written for an earlier version runs unchanged, told once per old key what it is called now. */
    @Test
    void deprecatedKeysStillWorkAndNameTheirNewKey() {
        Map<String, String> c = base("ensemble.size", "5", "write.quorum", "4", "ack.quorum", "3", "session.timeout.ms", "4000",
                "checkpoint.interval.ms", "60000", "max.value.bytes", "1024", "ledgers.root", "/bk", "name.prefix", "old",
                "checkpoint.on.commit", "true", "codec", "ZSTD", "codec.level", "3");
        LedgerKvSamzaConfig cfg = read(c);
        assertThat(cfg.store().ensembleSize()).isEqualTo(5);
        assertThat(cfg.store().writeQuorum()).isEqualTo(4);
        assertThat(cfg.store().ackQuorum()).isEqualTo(3);
        assertThat(cfg.store().codecLevel()).isEqualTo(3);
        assertThat(cfg.store().maxValueBytes()).isEqualTo(1024);
        assertThat(cfg.store().checkpointInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(cfg.client().sessionTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(cfg.client().ledgersRootPath()).isEqualTo("/bk");
        assertThat(cfg.ledgerKvName()).isEqualTo("old-s-Partition_0");
        assertThat(cfg.checkpointOnCommit()).isTrue();
        assertThat(cfg.deprecations()).hasSize(10).contains(P + "ensemble.size is deprecated: use " + P + "ensembleSize",
                P + "session.timeout.ms is deprecated: use " + P + "sessionTimeout (a duration: 4000ms)");
        // The literal password and password.env keep working too.
        LedgerKvSamzaConfig literal = read(base("passwordFile", null, "password", "inline"));
        assertThat(new String(literal.store().ledgerPassword(), StandardCharsets.UTF_8)).isEqualTo("inline");
        assertThat(literal.deprecations()).singleElement().asString().contains(P + "password is deprecated", "passwordFile");
        assertRefused(base("passwordFile", null, "password.env", "LEDGERKV_TEST_NO_SUCH_VARIABLE"),
                P + "password.env names environment variable LEDGERKV_TEST_NO_SUCH_VARIABLE, which is not set");
    }

    @Test
    void oneSettingUnderBothItsNamesIsRefused() {
        assertRefused(base("ensemble.size", "3", "ensembleSize", "3"), P + "ensemble.size and " + P + "ensembleSize are the same setting",
                "remove " + P + "ensemble.size");
        assertRefused(base("session.timeout.ms", "ten"), P + "session.timeout.ms must be a whole number of milliseconds");
        assertRefused(base("write.quorum", "2", "ack.quorum", "3"), P + "ack.quorum", "got 3");
    }

    @Test
    void passwordComesFromOneOfTheFileOrTheEnvironment() throws IOException {
        assertRefused(base("passwordFile", null), P + "passwordFile or " + P + "passwordEnv is required");
        assertRefused(base("passwordEnv", "HOME"), P + "passwordFile and " + P + "passwordEnv both give the ledger password");
        assertRefused(base("passwordFile", dir.resolve("nope").toString()), P + "passwordFile", "no such file");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertRefused(base("passwordFile", empty.toString()), P + "passwordFile", "is empty");
        String home = System.getenv("HOME");
        LedgerKvSamzaConfig env = read(base("passwordFile", null, "passwordEnv", "HOME"));
        assertThat(new String(env.store().ledgerPassword(), StandardCharsets.UTF_8)).isEqualTo(home);
    }

    @Test
    void tlsSettings() {
        TlsMaterial tls = TlsMaterial.generate(dir, "samza-test", 30, false);
        ClientConfig cc = read(base("tlsTrustStore", tls.trustStore().toString(), "tlsTrustStorePasswordFile", tls.passwordFile().toString(),
                "zkTls", "true")).client();
        assertThat(cc.tlsTrustStore()).isEqualTo(tls.trustStore());
        assertThat(cc.zkTls()).isTrue();
        assertRefused(base("tlsTrustStore", dir.resolve("missing.p12").toString(), "tlsTrustStorePasswordFile", tls.passwordFile().toString()),
                P + "tlsTrustStore", "missing.p12", "no such file");
        assertRefused(base("tlsTrustStore", tls.trustStore().toString()), P + "tlsTrustStore",
                "tlsTrustStore and tlsTrustStorePasswordFile go together");
        assertRefused(base("zkTls", "true"), P + "zkTls", "needs tlsTrustStore");
        assertRefused(base("zkTls", "yes"), P + "zkTls", "expected true or false");
        assertRefused(base("tlsKeyStore", tls.trustStore().toString(), "tlsKeyStorePasswordFile", tls.passwordFile().toString()),
                P + "tlsKeyStore", "needs tlsTrustStore");
    }

    @Test
    void saslSetting() {
        assertThat(read(base("zkSaslLoginContext", "ledgerkv-risk")).client().zkSaslLoginContext()).isEqualTo("ledgerkv-risk");
        assertRefused(base("zkSaslLoginContext", "no spaces"), P + "zkSaslLoginContext", "JAAS login section");
    }

    @Test
    void zooKeeperDigestSetting() throws IOException {
        Path digest = Files.writeString(dir.resolve("digest"), "svc-risk:risk-pw\n");
        assertThat(read(base("zkDigestFile", digest.toString())).client().zkDigest()).isEqualTo("svc-risk:risk-pw");
        assertRefused(base("zkDigestFile", dir.resolve("nope").toString()), P + "zkDigestFile", "no such file");
        Path noColon = Files.writeString(dir.resolve("bad-digest"), "justapassword\n");
        assertThatThrownBy(() -> read(base("zkDigestFile", noColon.toString()))).isInstanceOf(SamzaException.class)
                .hasMessageContainingAll(P + "zkDigestFile", "user:password").hasMessageNotContaining("justapassword");
    }

    @Test
    void encryptionKeySetting() throws IOException {
        Path keys = dir.resolve("keys");
        EncryptionKeys.generate(32).write(keys);
        assertThat(read(base("encryptionKeyFile", keys.toString())).store().encryption()).isEqualTo(EncryptionKeys.read(keys));
        assertRefused(base("encryptionKeyFile", dir.resolve("nope").toString()), P + "encryptionKeyFile", "no such file");
        Path bad = Files.writeString(dir.resolve("bad-keys"), "active=1\n");
        assertRefused(base("encryptionKeyFile", bad.toString()), P + "encryptionKeyFile");
        assertRefused(base("encryptionKeyFile", keys.toString(), "codec", "ZSTD_DICT"), P + "encryptionKeyFile", "ZSTD_DICT");
    }

    @Test
    void unknownKeysAreNamedWithTheNearestOne() {
        assertRefused(base("codek", "LZ4"), "unknown ledgerkv key " + P + "codek", "did you mean codec?");
        assertRefused(base("ensembleSise", "3"), "unknown ledgerkv key " + P + "ensembleSise", "did you mean ensembleSize?");
    }

    /** What the README documents is what the adapter reads: no key in its tables outside the table of settings. */
    @Test
    void theReadmeDocumentsOnlyKeysTheAdapterReads() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("## Metrics"));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| ([^|]+)\\|").matcher(section);
        while (m.find()) {
            Matcher key = Pattern.compile("`([A-Za-z.]+)`").matcher(m.group(1));
            while (key.find()) {
                documented.add(key.group(1));
            }
        }
        Matcher props = Pattern.compile("stores\\.scores\\.ledgerkv\\.([A-Za-z.]+)=").matcher(readme);
        while (props.find()) {
            documented.add(props.group(1));
        }
        assertThat(documented).as("keys in samza-adapter/README.md").isNotEmpty().contains("ensembleSize", "tlsTrustStore");
        Set<String> read = new TreeSet<>(LedgerKvSamzaConfig.KEYS.keySet());
        read.addAll(LedgerKvSamzaConfig.DEPRECATED.keySet());
        read.add(LedgerKvSamzaConfig.LITERAL_PASSWORD);
        assertThat(read).containsAll(documented);
    }
}
