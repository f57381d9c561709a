package io.ledgerkv.txn;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.Condition;
import io.ledgerkv.api.ConditionFailedException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.index.MvccIndex;
import io.ledgerkv.wal.Mutation;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Conditions and counters resolved at commit against the state the transaction follows. */
class DeferredTest {
    private final MvccIndex index = new MvccIndex();
    private long seq;

    private Lsn apply(Mutation... ops) {
        seq++;
        Lsn lsn = new Lsn(1, seq - 1, 0);
        index.apply(seq, lsn, 1_000 * seq, List.of(ops));
        return lsn;
    }

    private static Deferred checking(String key, Condition c) {
        return new Deferred(List.of(Map.entry(b(key), c)), new TreeMap<>(Arrays::compareUnsigned));
    }

    private static Deferred incrementing(Object... keyDelta) {
        TreeMap<byte[], Long> inc = new TreeMap<>(Arrays::compareUnsigned);
        for (int i = 0; i < keyDelta.length; i += 2) {
            inc.put(b((String) keyDelta[i]), (Long) keyDelta[i + 1]);
        }
        return new Deferred(List.of(), inc);
    }

    private static final List<Mutation> WRITE = List.of(new Mutation(b("w"), b("x")));

    @Test
    void onlyATransactionWithoutConditionsCountersOrReapsIsEmpty() {
        assertThat(new Deferred(List.of(), new TreeMap<>(Arrays::compareUnsigned)).isEmpty()).isTrue();
        assertThat(checking("k", Condition.absent()).isEmpty()).isFalse();
        assertThat(incrementing("c", 1L).isEmpty()).isFalse();
        TreeMap<byte[], Lsn> due = new TreeMap<>(Arrays::compareUnsigned);
        assertThat(Deferred.reaping(due).isEmpty()).isTrue();
        due.put(b("k"), new Lsn(1, 0, 0));
        assertThat(Deferred.reaping(due).isEmpty()).isFalse();
    }

    @Test
    void aVersionConditionHoldsOnlyForThatVersionOfAPresentKey() {
        Lsn v1 = apply(new Mutation(b("k"), b("one")));
        assertThat(checking("k", Condition.version(v1)).resolve(index, "s", WRITE)).isEqualTo(WRITE);
        assertThatThrownBy(() -> checking("absent", Condition.version(v1)).resolve(index, "s", WRITE))
                .isInstanceOf(ConditionFailedException.class).hasMessageContaining("expected version " + v1)
                .hasMessageContaining("seen no value");
        Lsn v2 = apply(new Mutation(b("k"), b("two")));
        assertThatThrownBy(() -> checking("k", Condition.version(v1)).resolve(index, "s", WRITE))
                .isInstanceOf(ConditionFailedException.class).hasMessageContaining("seen version " + v2 + " (3-byte value)");
    }

    @Test
    void aValueConditionHoldsOnlyForAnEqualValue() {
        apply(new Mutation(b("k"), b("one")));
        assertThat(checking("k", Condition.valueEquals(b("one"))).resolve(index, "s", WRITE)).isEqualTo(WRITE);
        assertThatThrownBy(() -> checking("k", Condition.valueEquals(b("two"))).resolve(index, "s", WRITE))
                .isInstanceOf(ConditionFailedException.class).hasMessageContaining("a value equal to the given 3 bytes");
        assertThatThrownBy(() -> checking("absent", Condition.valueEquals(new byte[0])).resolve(index, "s", WRITE))
                .isInstanceOf(ConditionFailedException.class).hasMessageContaining("seen no value");
    }

    @Test
    void anAbsenceConditionHoldsForAMissingDeletedOrExpiredKey() {
        apply(new Mutation(b("k"), b("one")), new Mutation(b("gone"), b("x")), new Mutation(b("ttl"), b("x"), 1_500));
        apply(new Mutation(b("gone"), null)); // the log's time is now 2,000: "ttl" has expired
        for (String key : List.of("missing", "gone", "ttl")) {
            assertThat(checking(key, Condition.absent()).resolve(index, "s", WRITE)).as(key).isEqualTo(WRITE);
        }
        assertThatThrownBy(() -> checking("k", Condition.absent()).resolve(index, "s", WRITE))
                .isInstanceOf(ConditionFailedException.class).hasMessageContaining("expected no value");
    }

    @Test
    void countersAddTheirDeltaToTheStoredValueAndReplaceThePlaceholders() {
        apply(new Mutation(b("c"), Deferred.encodeCounter(40)));
        Deferred d = incrementing("c", 2L, "fresh", -5L);
        List<Mutation> ops = List.of(new Mutation(b("c"), new byte[Deferred.COUNTER_BYTES]), new Mutation(b("other"), b("v")),
                new Mutation(b("fresh"), new byte[Deferred.COUNTER_BYTES]));
        assertThat(d.result(b("c"))).as("not before commit").isNull();
        List<Mutation> out = d.resolve(index, "s", ops);
        assertThat(out).extracting(m -> s(m.key())).containsExactly("c", "other", "fresh");
        assertThat(Deferred.decodeCounter(out.get(0).value())).isEqualTo(42);
        assertThat(out.get(1)).isSameAs(ops.get(1));
        assertThat(Deferred.decodeCounter(out.get(2).value())).isEqualTo(-5);
        assertThat(d.result(b("c"))).isEqualTo(42);
        assertThat(d.result(b("fresh"))).isEqualTo(-5);
        assertThat(d.result(b("other"))).isNull();
        assertThat(d.increments()).containsKeys(b("c"), b("fresh"));
    }

    @Test
    void aValueThatIsNotACounterOrAnOverflowFailsTheTransaction() {
        apply(new Mutation(b("text"), b("hello")), new Mutation(b("max"), Deferred.encodeCounter(Long.MAX_VALUE)));
        List<Mutation> ops = List.of(new Mutation(b("text"), new byte[8]));
        Deferred notCounter = incrementing("text", 1L);
        assertThatThrownBy(() -> notCounter.resolve(index, "s", ops)).isInstanceOf(ConditionFailedException.class)
                .hasMessageContaining("the value is 5 bytes, not a counter");
        assertThat(notCounter.result(b("text"))).isNull();
        Deferred overflow = incrementing("max", 1L);
        assertThatThrownBy(() -> overflow.resolve(index, "s", List.of(new Mutation(b("max"), new byte[8]))))
                .isInstanceOf(ConditionFailedException.class).hasMessageContaining("overflows a long");
    }

    @Test
    void countersRoundTripAsEightByteBigEndianLongs() {
        assertThat(Deferred.encodeCounter(1)).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(Deferred.decodeCounter(Deferred.encodeCounter(-7))).isEqualTo(-7);
    }

    @Test
    void aReapKeepsEveryDeleteThatIsNotAnExpiredVersionsOwn() {
        Lsn v = apply(new Mutation(b("a"), b("x"), 1_500));
        apply(new Mutation(b("other"), b("y"))); // the log's time passes 1,500
        TreeMap<byte[], Lsn> due = new TreeMap<>(Arrays::compareUnsigned);
        due.put(b("a"), v);
        Deferred reap = Deferred.reaping(due);
        List<Mutation> out = reap.resolve(index, "s", List.of(new Mutation(b("a"), null), new Mutation(b("unlisted"), null)));
        assertThat(out).extracting(m -> s(m.key())).containsExactly("a", "unlisted");
        assertThat(reap.reaped()).isEqualTo(2);
    }
}
