package io.ledgerkv.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.codec.CodecType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings files: a StoreConfig written as settings reads back equal, in both formats; bad files are named errors. */
class ConfigFileTest {
    @TempDir
    Path dir;

    /** A config with every setting away from its default, so a key that is not read back shows up as a difference. */
    private static StoreConfig nonDefault() {
        return StoreConfig.builder().ledgerPassword("pw").quorum(5, 4, 3).digestType(DigestType.CRC32).codec(CodecType.ZSTD_DICT, 7)
                .minCompressBytes(77).minCompressionSavings(0.25).dictTrainAfterBytes(1 << 22).dictSizeBytes(4096)
                .dictSampleBytes(1 << 16).maxBatchBytes(65536).maxBatchTxns(99).lingerMicros(250).maxKeyBytes(512)
                .maxValueBytes(1 << 20).maxTxnBytes(2 << 20).maxInflightBytes(12 << 20).maxPendingBytes(16 << 20)
                .maxBlock(Duration.ofSeconds(7)).ledgerRollBytes(1 << 26).statsInterval(Duration.ofMillis(1500))
                .checkpointEveryBytes(1 << 25).checkpointStateFraction(2.0).checkpointInterval(Duration.ofMinutes(5)).checkpointRetention(4)
                .checkpointChunkBytes(1 << 16).standbyPollInterval(Duration.ofMillis(20)).build();
    }

    /** Durations print as users type them, and what prints parses back to the same duration. */
    @Test
    void durationsPrintAsTheyAreTyped() {
        for (String typed : new String[] {"10s", "500ms", "2m", "1h", "0s", "90s", "1500ms"}) {
            Duration d = ConfigFile.duration(typed);
            Assertions.assertThat(ConfigFile.duration(ConfigFile.format(d))).isEqualTo(d);
        }
        Assertions.assertThat(ConfigFile.format(Duration.ofSeconds(30))).isEqualTo("30s");
        Assertions.assertThat(ConfigFile.format(Duration.ofMinutes(2))).isEqualTo("2m");
        Assertions.assertThat(ConfigFile.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        Assertions.assertThat(ConfigFile.format(Duration.ofNanos(5))).isEqualTo("PT0.000000005S");
        Assertions.assertThat(ClientConfig.builder("zk:2181").build().toString()).contains("sessionTimeout=")
                .doesNotContain("PT");
    }

    @Test
    void everySettingRoundTripsThroughAPropertiesFile() throws IOException {
        StoreConfig cfg = nonDefault();
        assertThat(cfg.toSettings()).containsOnlyKeys(StoreConfig.keys()).doesNotContainKey("ledgerPassword");
        assertThat(cfg.toSettings()).as("every setting differs from the default")
                .allSatisfy((k, v) -> assertThat(v).as(k).isNotEqualTo(StoreConfig.builder().ledgerPassword("pw").build()
                        .toSettings().get(k)));
        Path file = dir.resolve("store.properties");
        Files.writeString(file, cfg.toSettings().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n")));
        StoreConfig back = StoreConfig.apply(StoreConfig.builder(), ConfigFile.read(file), file.toString()).ledgerPassword("pw").build();
        assertThat(back).isEqualTo(cfg);
    }

    @Test
    void everySettingRoundTripsThroughAYamlFileWithHumanDurations() throws IOException {
        StoreConfig cfg = nonDefault();
        Path file = dir.resolve("store.yaml");
        Files.writeString(file, cfg.toSettings().entrySet().stream().map(e -> e.getKey() + ": " + switch (e.getKey()) {
            case "maxBlock" -> "7s";
            case "statsInterval" -> "1500ms";
            case "checkpointInterval" -> "5m";
            default -> e.getValue();
        }).collect(Collectors.joining("\n")));
        StoreConfig back = StoreConfig.apply(StoreConfig.builder(), ConfigFile.read(file), file.toString()).ledgerPassword("pw").build();
        assertThat(back).isEqualTo(cfg);
    }

    @Test
    void nestedYamlFlattensToDottedKeys() throws IOException {
        Path file = dir.resolve("nested.yml");
        Files.writeString(file, "zk: localhost:2181\nstore:\n  codec: LZ4\n");
        assertThat(ConfigFile.read(file)).isEqualTo(Map.of("zk", "localhost:2181", "store.codec", "LZ4"));
    }

    @Test
    void anUnknownKeyIsNamedWithTheNearestValidOne() throws IOException {
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "codek=LZ4\n");
        assertThatThrownBy(() -> StoreConfig.apply(StoreConfig.builder(), ConfigFile.read(file), file.toString()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("codek").hasMessageContaining("unknown setting in " + file).hasMessageContaining("did you mean codec?");
        Files.writeString(file, "ensembelSize=3\n");
        assertThatThrownBy(() -> StoreConfig.apply(StoreConfig.builder(), ConfigFile.read(file), file.toString()))
                .hasMessageContaining("did you mean ensembleSize?");
        Files.writeString(file, "completelyUnrelated=3\n");
        assertThatThrownBy(() -> StoreConfig.apply(StoreConfig.builder(), ConfigFile.read(file), file.toString()))
                .hasMessageContaining("completelyUnrelated").hasMessageNotContaining("did you mean");
    }

    @Test
    void badValuesAndPasswordsAreRefusedWithTheKey() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "ensembleSize: three\n");
        assertThatThrownBy(() -> StoreConfig.apply(StoreConfig.builder(), ConfigFile.read(file), file.toString()))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("invalid ensembleSize")
                .hasMessageContaining("cannot read 'three' as int");
        Files.writeString(file, "codec: BROTLI\n");
        assertThatThrownBy(() -> StoreConfig.apply(StoreConfig.builder(), ConfigFile.read(file), file.toString()))
                .hasMessageContaining("invalid codec").hasMessageContaining("BROTLI");
        Files.writeString(file, "statsInterval: soon\n");
        assertThatThrownBy(() -> StoreConfig.apply(StoreConfig.builder(), ConfigFile.read(file), file.toString()))
                .hasMessageContaining("invalid statsInterval").hasMessageContaining("use e.g. 500ms");
        Files.writeString(file, "ledgerPassword: hunter2\n");
        assertThatThrownBy(() -> StoreConfig.apply(StoreConfig.builder(), ConfigFile.read(file), file.toString()))
                .hasMessageContaining("never goes in a settings file").hasMessageNotContaining("hunter2");
        Files.writeString(file, "- a\n- b\n");
        assertThatThrownBy(() -> ConfigFile.read(file)).hasMessageContaining("expected a map of settings");
        Files.writeString(file, "a: [1, 2]\n");
        assertThatThrownBy(() -> ConfigFile.read(file)).hasMessageContaining("invalid a").hasMessageContaining("single value");
        Files.writeString(file, "a: : :\n");
        assertThatThrownBy(() -> ConfigFile.read(file)).hasMessageContaining("not valid YAML");
        Path txt = Files.writeString(dir.resolve("settings.txt"), "a=b");
        assertThatThrownBy(() -> ConfigFile.read(txt)).hasMessageContaining("use a .properties, .yaml or .yml file");
        assertThatThrownBy(() -> ConfigFile.read(dir.resolve("missing.yaml"))).hasMessageContaining("cannot read");
    }
}
