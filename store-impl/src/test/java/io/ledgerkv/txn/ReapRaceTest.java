package io.ledgerkv.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.index.MvccIndex;
import io.ledgerkv.wal.Mutation;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The reaper picks expired keys, then its transaction waits in the committer queue behind user
 * writes: a key rewritten in between must keep its new value. Deterministic here (the race on a
 * cluster depends on timing): the resolve step is run against an index the rewrite already reached.
 */
class ReapRaceTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aDeleteIsDroppedIfTheKeyWasRewrittenOrIsNoLongerDue() {
        MvccIndex index = new MvccIndex();
        index.apply(1, new Lsn(1, 0, 0), 1_000, List.of(new Mutation(b("a"), b("old"), 2_000),
                new Mutation(b("b"), b("b"), 2_000), new Mutation(b("c"), b("c"), 9_000)));
        index.apply(2, new Lsn(1, 1, 0), 2_500, List.of()); // the log's time passes 2,000
        List<LocalIndex.Entry> due = index.expired(index.now(), 100);
        assertThat(due).extracting(e -> new String(e.key(), StandardCharsets.UTF_8)).containsExactly("a", "b");

        TreeMap<byte[], Lsn> versions = new TreeMap<>(Arrays::compareUnsigned);
        due.forEach(e -> versions.put(e.key(), e.version()));
        versions.put(b("c"), new Lsn(1, 0, 0)); // not due: must not be deleted either
        Deferred reap = Deferred.reaping(versions);
        // Before the reaper's turn, a user rewrites "a".
        index.apply(3, new Lsn(1, 2, 0), 2_600, List.of(new Mutation(b("a"), b("new"))));

        List<Mutation> ops = reap.resolve(index, "s", List.of(new Mutation(b("a"), null), new Mutation(b("b"), null),
                new Mutation(b("c"), null)));
        assertThat(ops).extracting(m -> new String(m.key(), StandardCharsets.UTF_8)).containsExactly("b");
        assertThat(reap.reaped()).isEqualTo(1);
        assertThat(new String(index.get(b("a")), StandardCharsets.UTF_8)).isEqualTo("new");
        assertThat(index.keyCount()).as("b expired, a and c live").isEqualTo(2);
    }
}
