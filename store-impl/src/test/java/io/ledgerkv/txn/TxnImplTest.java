package io.ledgerkv.txn;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.Condition;
import io.ledgerkv.api.ConditionFailedException;
import io.ledgerkv.api.LimitExceededException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.ReadOnlyStoreException;
import io.ledgerkv.api.Txn;
import io.ledgerkv.index.MvccIndex;
import io.ledgerkv.wal.Mutation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A transaction's buffering, accounting and life cycle, over a host that commits into an in-memory index. */
class TxnImplTest {

    /**
     * The store side of a transaction, reduced to an index: commits apply at once, each in the next
     * entry of ledger 1, and deferred parts resolve against the index as the committer does.
     */
    static class IndexHost implements TxnHost {
        final MvccIndex index = new MvccIndex();
        final List<List<Mutation>> committed = new ArrayList<>();
        long maxTxnBytes = 1 << 20;
        boolean writable = true;
        long clock = 1_000;
        private long seq;

        @Override
        public byte[] checkKey(byte[] key, String op) {
            if (key == null) {
                throw new NullPointerException(op + ": key must not be null");
            }
            return key.clone();
        }

        @Override
        public byte[] checkValue(byte[] value, String op) {
            if (value == null) {
                throw new NullPointerException(op + ": value must not be null");
            }
            return value.clone();
        }

        @Override
        public long expireAt(Duration ttl, String op) {
            return clock + ttl.toMillis();
        }

        @Override
        public long maxTxnBytes() {
            return maxTxnBytes;
        }

        @Override
        public byte[] get(byte[] key) {
            return index.get(key);
        }

        @Override
        public CompletableFuture<Lsn> commit(List<Mutation> ops) {
            seq++;
            Lsn lsn = new Lsn(1, seq - 1, 0);
            index.apply(seq, lsn, clock, ops);
            committed.add(ops);
            return CompletableFuture.completedFuture(lsn);
        }

        @Override
        public CompletableFuture<Lsn> commit(List<Mutation> ops, Deferred deferred) {
            try {
                return commit(deferred.resolve(index, "s", ops));
            } catch (ConditionFailedException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public Lsn lastAppliedLsn() {
            return index.lastLsn();
        }

        @Override
        public void checkWritable() {
            if (!writable) {
                throw new ReadOnlyStoreException("s");
            }
        }
    }

    private final IndexHost host = new IndexHost();

    private TxnImpl begin() {
        return new TxnImpl(host);
    }

    private Lsn put(String key, byte[] value) {
        return begin().put(b(key), value).commit();
    }

    // ---- reads and writes ------------------------------------------------------------------------

    @Test
    void aTransactionReadsItsOwnWritesOverTheCommittedState() {
        put("a", b("committed-a"));
        put("b", b("committed-b"));
        TxnImpl t = begin();
        assertThat(t.state()).isEqualTo(Txn.State.OPEN);
        assertThat(s(t.get(b("a")))).isEqualTo("committed-a");
        assertThat(t.get(b("missing"))).isNull();
        assertThat(t.put(b("a"), b("mine"))).isSameAs(t);
        assertThat(t.delete(b("b"))).isSameAs(t);
        assertThat(s(t.get(b("a")))).isEqualTo("mine");
        assertThat(t.get(b("b"))).as("deleted here").isNull();
        assertThat(t.size()).isEqualTo(2);
        t.get(b("a"))[0] = 'X';
        assertThat(s(t.get(b("a")))).as("reads hand out copies").isEqualTo("mine");
        assertThatThrownBy(() -> t.get(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("get");
    }

    @Test
    void aLaterWriteToAKeyReplacesTheEarlierOne() {
        TxnImpl t = begin();
        t.put(b("k"), b("1")).put(b("k"), b("2")).put(b("j"), b("x")).delete(b("j"));
        assertThat(t.size()).isEqualTo(2);
        t.commit();
        assertThat(host.committed.get(0)).extracting(m -> s(m.key()) + "=" + s(m.value())).containsExactly("j=null", "k=2");
        assertThat(t.state()).isEqualTo(Txn.State.COMMITTED);
    }

    @Test
    void aPutWithATimeToLiveExpiresWhereTheHostSays() {
        TxnImpl t = begin();
        assertThat(t.put(b("k"), b("v"), Duration.ofSeconds(5))).isSameAs(t);
        t.commit();
        assertThat(host.committed.get(0).get(0).expireAt()).isEqualTo(6_000);
    }

    // ---- size accounting -----------------------------------------------------------------------

    @Test
    void aWriteThatWouldTakeTheTransactionOverItsLimitIsRefusedAndLeavesItUnchanged() {
        Mutation first = new Mutation(b("k1"), b("value-1"));
        Mutation second = new Mutation(b("k2"), b("value-2"));
        // The record is the operations plus at most 5 bytes of varint count: exactly two operations fit.
        host.maxTxnBytes = (long) first.encodedSize() + second.encodedSize() + 5;
        TxnImpl t = begin();
        t.put(b("k1"), b("value-1")).put(b("k2"), b("value-2"));
        assertThatThrownBy(() -> t.put(b("k3"), b("v"))).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("transaction (3 operations)").hasMessageContaining("maxTxnBytes=" + host.maxTxnBytes);
        assertThat(t.size()).isEqualTo(2);

        // Replacing a write counts only the difference.
        t.put(b("k1"), b("value-9"));
        assertThatThrownBy(() -> t.put(b("k1"), b("value-10"))).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("transaction (2 operations)")
                .hasMessageContaining("is " + (host.maxTxnBytes + 1) + " bytes");
        t.delete(b("k1"));
        t.put(b("k1"), b("value-1"));
        assertThat(t.size()).isEqualTo(2);
        t.commit();
        assertThat(host.committed.get(0)).extracting(m -> s(m.value())).containsExactly("value-1", "value-2");
    }

    @Test
    void aSingleWriteOverTheLimitIsRefused() {
        Mutation m = new Mutation(b("k"), b("vv"));
        host.maxTxnBytes = m.encodedSize() + 5L - 1;
        TxnImpl t = begin();
        assertThatThrownBy(() -> t.put(b("k"), b("vv"))).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("transaction (1 operations) is " + (m.encodedSize() + 5) + " bytes");
        assertThat(t.size()).isZero();
        host.maxTxnBytes++;
        t.put(b("k"), b("vv"));
        assertThat(t.size()).isEqualTo(1);
    }

    // ---- conditions and counters ---------------------------------------------------------------

    @Test
    void conditionsAreCheckedAtCommit() {
        Lsn v1 = put("k", b("one"));
        TxnImpl ok = begin();
        assertThat(ok.check(b("k"), Condition.version(v1))).isSameAs(ok);
        ok.check(b("k"), Condition.valueEquals(b("one"))).check(b("none"), Condition.absent()).put(b("k"), b("two"));
        ok.commit();
        assertThat(s(host.get(b("k")))).isEqualTo("two");

        TxnImpl stale = begin();
        stale.check(b("k"), Condition.version(v1)).put(b("k"), b("three"));
        assertThatThrownBy(stale::commit).isInstanceOf(ConditionFailedException.class);
        assertThat(stale.state()).isEqualTo(Txn.State.FAILED);
        assertThat(s(host.get(b("k")))).isEqualTo("two");
    }

    @Test
    void aVersionNewerThanAnythingAppliedIsRefusedAtOnce() {
        Lsn last = put("k", b("one"));
        TxnImpl t = begin();
        t.check(b("k"), Condition.version(last));
        Lsn newer = new Lsn(last.ledgerSeq(), last.entryId() + 1, 0);
        assertThatThrownBy(() -> t.check(b("k"), Condition.version(newer))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("newer than anything this store has applied");
        assertThatThrownBy(() -> t.check(b("k"), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void countersAreIncrementedAtCommitAndReadAfterIt() {
        put("c", Deferred.encodeCounter(40));
        TxnImpl t = begin();
        assertThat(t.increment(b("c"), 1)).isSameAs(t);
        t.increment(b("c"), 1).increment(b("fresh"), -3);
        assertThat(t.size()).as("one placeholder per counter").isEqualTo(2);
        assertThatThrownBy(() -> t.counter(b("c"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("OPEN");
        assertThatThrownBy(() -> t.get(b("c"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("decided at commit");
        assertThatThrownBy(() -> t.put(b("c"), b("x"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("incremented");
        assertThatThrownBy(() -> t.delete(b("c"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("incremented");
        assertThatThrownBy(() -> t.put(b("c"), b("x"), Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("incremented");
        t.commit();
        assertThat(t.counter(b("c"))).isEqualTo(42);
        assertThat(t.counter(b("fresh"))).isEqualTo(-3);
        assertThat(Deferred.decodeCounter(host.get(b("c")))).isEqualTo(42);
        assertThatThrownBy(() -> t.counter(b("other"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("did not increment");
    }

    @Test
    void aKeyPutInTheTransactionCannotAlsoBeIncremented() {
        TxnImpl t = begin();
        t.put(b("k"), b("v"));
        assertThatThrownBy(() -> t.increment(b("k"), 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already put or deleted");
        t.delete(b("d"));
        assertThatThrownBy(() -> t.increment(b("d"), 1)).isInstanceOf(IllegalStateException.class);
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void deltasThatOverflowALongAreRefused() {
        TxnImpl t = begin();
        t.increment(b("c"), Long.MAX_VALUE);
        assertThatThrownBy(() -> t.increment(b("c"), 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflow");
    }

    @Test
    void aPlainTransactionReadsNoCounter() {
        TxnImpl t = begin();
        t.put(b("k"), b("v")).commit();
        assertThatThrownBy(() -> t.counter(b("k"))).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- life cycle ------------------------------------------------------------------------------

    @Test
    void aStoreThatCannotWriteRefusesTheCommitAndTheTransactionStaysOpen() {
        host.writable = false;
        TxnImpl t = begin();
        t.put(b("k"), b("v"));
        assertThatThrownBy(t::commitAsync).isInstanceOf(ReadOnlyStoreException.class);
        assertThat(t.state()).isEqualTo(Txn.State.OPEN);
        assertThat(host.committed).isEmpty();
    }

    @Test
    void aCommitTheHostRefusesOnTheSpotFailsTheTransaction() {
        TxnHost refusing = new IndexHost() {
            @Override
            public CompletableFuture<Lsn> commit(List<Mutation> ops) {
                throw new IllegalStateException("closed");
            }
        };
        TxnImpl t = new TxnImpl(refusing);
        t.put(b("k"), b("v"));
        assertThatThrownBy(t::commitAsync).isInstanceOf(IllegalStateException.class).hasMessage("closed");
        assertThat(t.state()).isEqualTo(Txn.State.FAILED);
    }

    @Test
    void theStateFollowsTheCommitsOutcome() {
        CompletableFuture<Lsn> pending = new CompletableFuture<>();
        TxnHost slow = new IndexHost() {
            @Override
            public CompletableFuture<Lsn> commit(List<Mutation> ops) {
                return pending;
            }
        };
        TxnImpl t = new TxnImpl(slow);
        t.put(b("k"), b("v"));
        CompletableFuture<Lsn> f = t.commitAsync();
        assertThat(t.state()).isEqualTo(Txn.State.COMMITTING);
        assertThatThrownBy(() -> t.put(b("k"), b("w"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("COMMITTING");
        pending.completeExceptionally(new IllegalStateException("fenced"));
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class);
        assertThat(t.state()).isEqualTo(Txn.State.FAILED);
        assertThatThrownBy(t::abort).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anAbortedTransactionWritesNothingAndRefusesEverythingButAbortAndClose() {
        TxnImpl t = begin();
        t.put(b("k"), b("v")).check(b("k"), Condition.absent()).increment(b("c"), 1);
        t.abort();
        assertThat(t.state()).isEqualTo(Txn.State.ABORTED);
        assertThat(t.size()).isZero();
        t.abort();
        t.close();
        assertThat(t.state()).isEqualTo(Txn.State.ABORTED);
        assertThatThrownBy(() -> t.get(b("k"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("ABORTED");
        assertThatThrownBy(() -> t.put(b("k"), b("v"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> t.put(b("k"), b("v"), Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> t.delete(b("k"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> t.check(b("k"), Condition.absent())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> t.increment(b("k"), 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(t::commitAsync).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot commit");
        assertThat(host.committed).isEmpty();
    }

    @Test
    void closingAnOpenTransactionAbortsItAndClosingACommittedOneChangesNothing() {
        TxnImpl open = begin();
        open.put(b("k"), b("v"));
        open.close();
        assertThat(open.state()).isEqualTo(Txn.State.ABORTED);

        TxnImpl done = begin();
        done.put(b("k"), b("v")).commit();
        done.close();
        assertThat(done.state()).isEqualTo(Txn.State.COMMITTED);
        assertThatThrownBy(done::abort).isInstanceOf(IllegalStateException.class).hasMessageContaining("COMMITTED");
    }
}
