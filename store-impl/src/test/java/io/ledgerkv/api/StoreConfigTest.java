package io.ledgerkv.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StoreConfigTest {
    private static StoreConfig.Builder valid() {
        return StoreConfig.builder().ledgerPassword("secret");
    }

    @Test
    void defaultsAreValidAndProductionLike() {
        StoreConfig c = valid().build();
        assertThat(c.ensembleSize()).isEqualTo(3);
        assertThat(c.writeQuorum()).isEqualTo(3);
        assertThat(c.ackQuorum()).isEqualTo(2);
        assertThat(c.digestType()).isEqualTo(DigestType.CRC32C);
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @ParameterizedTest(name = "E={0} Qw={1} Qa={2} valid={3}")
    @CsvSource({
        "3,3,2,true", "3,2,2,true", "5,3,2,true", "1,1,1,true", "3,3,3,true",
        "3,4,2,false", "3,3,4,false", "2,3,2,false", "0,0,0,false", "3,0,0,false", "3,2,0,false", "65,3,2,false"})
    void quorumsMustNest(int e, int w, int a, boolean ok) {
        StoreConfig.Builder b = valid().quorum(e, w, a);
        if (ok) {
            assertThat(b.build().ackQuorum()).isEqualTo(a);
        } else {
            assertThatThrownBy(b::build).isInstanceOf(InvalidConfigException.class)
                    .hasMessageMatching("invalid (ensembleSize|writeQuorum|ackQuorum): .*");
        }
    }

    @Test
    void ackQuorumAboveWriteQuorumNamesBothValues() {
        assertThatThrownBy(() -> valid().quorum(3, 2, 3).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid ackQuorum: must be in [1, writeQuorum=2], got 3")
                .extracting(e -> ((InvalidConfigException) e).field()).isEqualTo("ackQuorum");
    }

    @Test
    void passwordIsRequiredAndNeverPrinted() {
        assertThatThrownBy(() -> StoreConfig.builder().build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("ledgerPassword");
        assertThatThrownBy(() -> StoreConfig.builder().ledgerPassword("").build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("ledgerPassword");
        assertThat(valid().ledgerPassword("hunter2").build().toString()).doesNotContain("hunter2").contains("<redacted>");
    }

    @Test
    void passwordIsCopiedInAndOut() {
        byte[] pw = {1, 2, 3};
        StoreConfig c = StoreConfig.builder().ledgerPassword(pw).build();
        pw[0] = 9;
        assertThat(c.ledgerPassword()).containsExactly(1, 2, 3);
        c.ledgerPassword()[1] = 9;
        assertThat(c.ledgerPassword()).containsExactly(1, 2, 3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "maxBatchBytes", "maxBatchTxns", "lingerMicros", "maxKeyBytes", "maxValueBytes", "maxTxnBytes",
        "maxPendingBytes", "maxInflightBytes", "maxBlock", "ledgerRollBytes", "statsInterval", "codec", "digestType",
        "checkpointEveryBytes", "checkpointStateFraction", "checkpointInterval"})
    void everyFieldIsValidatedByName(String field) {
        UnaryOperator<StoreConfig.Builder> breakIt = switch (field) {
            case "maxBatchBytes" -> b -> b.maxBatchBytes(StoreConfig.MAX_ENTRY_BYTES + 1);
            case "maxBatchTxns" -> b -> b.maxBatchTxns(0);
            case "lingerMicros" -> b -> b.lingerMicros(-1);
            case "maxKeyBytes" -> b -> b.maxKeyBytes(0);
            case "maxValueBytes" -> b -> b.maxValueBytes(-1);
            case "maxTxnBytes" -> b -> b.maxKeyBytes(1000).maxTxnBytes(999);
            case "maxPendingBytes" -> b -> b.maxTxnBytes(1 << 20).maxPendingBytes(1 << 19);
            case "maxInflightBytes" -> b -> b.maxBatchBytes(1 << 20).maxInflightBytes(1 << 19);
            case "maxBlock" -> b -> b.maxBlock(Duration.ofSeconds(-1));
            case "ledgerRollBytes" -> b -> b.ledgerRollBytes(1);
            case "statsInterval" -> b -> b.statsInterval(Duration.ZERO);
            case "codec" -> b -> b.codec(null);
            case "digestType" -> b -> b.digestType(null);
            case "checkpointEveryBytes" -> b -> b.checkpointEveryBytes(-1);
            case "checkpointStateFraction" -> b -> b.checkpointStateFraction(-0.1);
            case "checkpointInterval" -> b -> b.checkpointInterval(Duration.ofSeconds(-1));
            default -> throw new AssertionError(field);
        };
        assertThatThrownBy(() -> breakIt.apply(valid()).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid " + field + ": ");
    }

    /** Automatic checkpoints are on by default; the threshold is max(checkpointEveryBytes, fraction x state); 0 is off. */
    @Test
    void checkpointThresholdFollowsTheLargerOfBytesAndStateFraction() {
        StoreConfig d = valid().build();
        assertThat(d.checkpointEveryBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(d.checkpointStateFraction()).isEqualTo(0.5);
        assertThat(d.checkpointInterval()).isEqualTo(Duration.ZERO);
        assertThat(d.checkpointThresholdBytes(0)).isEqualTo(16L * 1024 * 1024);
        assertThat(d.checkpointThresholdBytes(32L * 1024 * 1024)).as("fraction x state = 16 MiB").isEqualTo(16L * 1024 * 1024);
        assertThat(d.checkpointThresholdBytes(4L << 30)).as("a 4 GiB state").isEqualTo(2L << 30);
        assertThat(valid().checkpointStateFraction(0).build().checkpointThresholdBytes(4L << 30)).isEqualTo(16L * 1024 * 1024);
        assertThat(valid().checkpointEveryBytes(0).build().checkpointThresholdBytes(4L << 30)).as("off").isEqualTo(Long.MAX_VALUE);
        assertThat(valid().checkpointEveryBytes(0).build().checkpointThresholdBytes(0)).isEqualTo(Long.MAX_VALUE);
    }
}
