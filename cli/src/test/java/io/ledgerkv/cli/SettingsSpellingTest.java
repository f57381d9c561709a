package io.ledgerkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.Settings;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.cluster.TlsMaterial;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * One spelling per setting (issue 23, item 6): every setting in {@link Settings} is read from a
 * settings file under its key, and the CLI's flag for it is the key in kebab case; no CLI option
 * that sets a setting has a name outside the table. The Samza side of the rule is
 * {@code LedgerKvSamzaConfigTest} (it reads {@code stores.<store>.ledgerkv.<key>} by the same code).
 */
class SettingsSpellingTest {
    @TempDir
    Path dir;

    @Test
    void flagsAreTheKeysInKebabCase() {
        assertThat(Settings.flag("ensembleSize")).isEqualTo("--ensemble-size");
        assertThat(Settings.flag("tlsTrustStorePasswordFile")).isEqualTo("--tls-trust-store-password-file");
        assertThat(Settings.flag("zk")).isEqualTo("--zk");
    }

    /** Every connection setting, with a value of its kind, read from a settings file into the ClientConfig/StoreConfig it sets. */
    @Test
    void everyConnectionSettingIsReadUnderItsKey() throws Exception {
        TlsMaterial tls = TlsMaterial.generate(dir, "spelling", 30, false);
        Path digest = Files.writeString(dir.resolve("digest"), "svc:pw\n");
        Path password = Files.writeString(dir.resolve("pw"), "secret\n");
        Path keys = dir.resolve("keys");
        EncryptionKeys.generate(16).write(keys);
        Map<String, String> s = new HashMap<>();
        s.put("zk", "127.0.0.1:2181/x");
        s.put("namespace", "ns");
        s.put("sessionTimeout", "4s");
        s.put("connectTimeout", "3s");
        s.put("operationTimeout", "2m");
        s.put("ledgersRootPath", "/bk");
        s.put("passwordFile", password.toString());
        s.put("zkDigestFile", digest.toString());
        s.put("zkSaslLoginContext", "section");
        s.put("zkTls", "true");
        s.put("tlsTrustStore", tls.trustStore().toString());
        s.put("tlsTrustStorePasswordFile", tls.passwordFile().toString());
        s.put("tlsKeyStore", tls.keyStore().toString());
        s.put("tlsKeyStorePasswordFile", tls.passwordFile().toString());
        s.put("encryptionKeyFile", keys.toString());
        assertThat(s.keySet()).as("this test covers every connection setting").isEqualTo(Settings.CONNECTION.keySet());
        Settings.checkKeys(s.keySet(), Set.of(), "test");

        ClientConfig cc = Settings.client(s, "default", k -> "test " + k).build();
        assertThat(cc.connectString()).isEqualTo("127.0.0.1:2181/x");
        assertThat(cc.namespace()).isEqualTo("ns");
        assertThat(cc.sessionTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(cc.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(cc.operationTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(cc.ledgersRootPath()).isEqualTo("/bk");
        assertThat(cc.zkDigest()).isEqualTo("svc:pw");
        assertThat(cc.zkSaslLoginContext()).isEqualTo("section");
        assertThat(cc.zkTls()).isTrue();
        assertThat(cc.tlsTrustStore()).isEqualTo(tls.trustStore());
        assertThat(cc.tlsKeyStorePasswordFile()).isEqualTo(tls.passwordFile());
        assertThat(new String(Settings.password(s, k -> k), StandardCharsets.UTF_8)).isEqualTo("secret");
        assertThat(Settings.store(s, k -> k).ledgerPassword("x").build().encryption()).isEqualTo(EncryptionKeys.read(keys));
    }

    @Test
    void everyStoreSettingIsReadUnderItsKey() {
        StoreConfig want = StoreConfig.builder().ledgerPassword("x").quorum(5, 4, 3).maxBatchBytes(65536)
                .checkpointInterval(Duration.ofMinutes(5)).build();
        StoreConfig got = Settings.store(want.toSettings(), k -> k).ledgerPassword("x").build();
        assertThat(want.toSettings().keySet()).isEqualTo(StoreConfig.keys());
        assertThat(got.toSettings()).isEqualTo(want.toSettings());
    }

    @Test
    void errorsNameTheKeyAndWhereItCameFrom() {
        Map<String, String> s = Map.of("zk", "127.0.0.1:2181", "zkDigestFile", dir.resolve("none").toString());
        assertThatThrownBy(() -> Settings.client(s, "default", k -> "job.properties (" + k + ")"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContainingAll("invalid zkDigestFile", "job.properties (zkDigestFile)");
        assertThat(Settings.keyOf("connectString")).isEqualTo("zk");
        assertThat(Settings.keyOf("zkDigest")).isEqualTo("zkDigestFile");
        assertThat(Settings.keyOf("encryption")).isEqualTo("encryptionKeyFile");
        assertThatThrownBy(() -> Settings.checkKeys(List.of("ensembleSise"), Set.of(), "f.yaml")).hasMessageContaining("did you mean ensembleSize?");
    }

    /** Every command that connects has every connection setting's flag; put and restore have the replication and codec ones. */
    @Test
    void theCliHasAFlagForEverySettingItSets() {
        CommandLine cli = new CommandLine(new LedgerKvCli());
        List<CommandSpec> connecting = commands(cli)
                .filter(c -> c.mixins().values().stream().anyMatch(m -> m.userObject() instanceof ConnectionOptions)).toList();
        assertThat(connecting).extracting(CommandSpec::qualifiedName).contains("ledgerkv put", "ledgerkv status", "ledgerkv get");
        for (CommandSpec c : connecting) {
            for (String key : Settings.CONNECTION.keySet()) {
                assertThat(c.findOption(Settings.flag(key))).as(c.qualifiedName() + " " + Settings.flag(key)).isNotNull();
            }
        }
        for (String cmd : List.of("put", "restore")) {
            CommandSpec c = cli.getSubcommands().get(cmd).getCommandSpec();
            for (String key : List.of("ensembleSize", "writeQuorum", "ackQuorum", "codec", "codecLevel")) {
                assertThat(c.findOption(Settings.flag(key))).as(cmd + " " + Settings.flag(key)).isNotNull();
            }
            assertThat(c.findOption("--ensemble")).as("the old name is still read").isNotNull();
            assertThat(c.findOption("--ensemble").hidden()).as("but not shown").isTrue();
            assertThat(ConnectionOptions.OLD_FLAGS).containsEntry("--ensemble", "ensembleSize");
            assertThat(cli.getSubcommands().get(cmd).getUsageMessage()).contains("--ensemble-size").doesNotContain("--ensemble=",
                    "--ensemble,");
        }
    }

    /** No option that sets a setting is spelled other than its key's flag (the first name; later ones are old aliases). */
    @Test
    void noSettingFlagOutsideTheTable() {
        Set<String> flags = new TreeSet<>();
        Settings.keys().forEach(k -> flags.add(Settings.flag(k)));
        Set<String> notSettings = Set.of("--config", "--verbose");
        for (Class<?> type : List.of(ConnectionOptions.class, ConnectionOptions.WriteOptions.class)) {
            for (Field f : type.getDeclaredFields()) {
                Option o = f.getAnnotation(Option.class);
                if (o == null) {
                    continue;
                }
                String name = Stream.of(o.names()).filter(n -> n.startsWith("--")).findFirst().orElseThrow();
                if (!notSettings.contains(name) && !ConnectionOptions.OLD_FLAGS.containsKey(name)) {
                    assertThat(flags).as(type.getSimpleName() + "." + f.getName()).contains(name);
                }
            }
        }
    }

    private static Stream<CommandSpec> commands(CommandLine cl) {
        return Stream.concat(Stream.of(cl.getCommandSpec()), cl.getSubcommands().values().stream().flatMap(SettingsSpellingTest::commands));
    }
}
