package io.ledgerkv.txn;

import io.ledgerkv.api.Condition;
import io.ledgerkv.api.Keys;
import io.ledgerkv.api.LimitExceededException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.Txn;
import io.ledgerkv.wal.Mutation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A transaction buffering its writes in key order. Its size is accounted as it grows, so a write
 * that would take it over {@code maxTxnBytes} is refused on the spot and leaves it unchanged.
 */
public final class TxnImpl implements Txn {
    private final TxnHost host;
    /** The transaction's operations by key (a later write to a key replaces the earlier one). */
    private final TreeMap<byte[], Mutation> writes = new TreeMap<>(Arrays::compareUnsigned);
    private volatile State state = State.OPEN;
    /** Sum of encoded operation sizes; the record adds a varint count. */
    private long opBytes;
    private final List<Map.Entry<byte[], Condition>> checks = new ArrayList<>();
    private final TreeMap<byte[], Long> increments = new TreeMap<>(Arrays::compareUnsigned);
    private Deferred deferred;

    public TxnImpl(TxnHost host) {
        this.host = host;
    }

    @Override
    public State state() {
        return state;
    }

    private void requireOpen(String op) {
        State s = state;
        if (s != State.OPEN) {
            throw new IllegalStateException("cannot " + op + ": transaction is " + s + ", expected OPEN");
        }
    }

    @Override
    public byte[] get(byte[] key) {
        requireOpen("get");
        if (key == null) {
            throw new NullPointerException("get: key must not be null");
        }
        if (increments.containsKey(key)) {
            throw new IllegalStateException("get: counter " + Keys.describe(key) + " is incremented in this transaction; its value is "
                    + "decided at commit (read counter(key) after the commit)");
        }
        Mutation m = writes.get(key);
        if (m != null) {
            return m.isDelete() ? null : m.value().clone();
        }
        return host.get(key);
    }

    @Override
    public Txn check(byte[] key, Condition condition) {
        requireOpen("check");
        byte[] k = host.checkKey(key, "check");
        if (condition == null) {
            throw new NullPointerException("check: condition must not be null");
        }
        if (condition instanceof Condition.VersionIs v && v.version().compareTo(host.lastAppliedLsn()) > 0) {
            throw new IllegalArgumentException("check: expected version " + v.version() + " is newer than anything this store has"
                    + " applied (last " + host.lastAppliedLsn() + "); versions come from getWithVersion or a commit's LSN");
        }
        checks.add(Map.entry(k, condition));
        return this;
    }

    @Override
    public Txn increment(byte[] key, long delta) {
        requireOpen("increment");
        byte[] k = host.checkKey(key, "increment");
        if (writes.containsKey(k) && !increments.containsKey(k)) {
            throw new IllegalStateException("increment: key " + Keys.describe(k) + " is already put or deleted in this transaction");
        }
        if (!increments.containsKey(k)) {
            record(new Mutation(k, new byte[Deferred.COUNTER_BYTES])); // placeholder of the counter's size, replaced at commit
        }
        increments.merge(k, delta, (a, b) -> {
            try {
                return Math.addExact(a, b);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("increment: the deltas for key " + Keys.describe(k) + " overflow a long");
            }
        });
        return this;
    }

    @Override
    public long counter(byte[] key) {
        if (state != State.COMMITTED) {
            throw new IllegalStateException("cannot read counter: transaction is " + state + ", expected COMMITTED");
        }
        Long v = deferred == null ? null : deferred.result(key);
        if (v == null) {
            throw new IllegalArgumentException("counter: this transaction did not increment key " + Keys.describe(key));
        }
        return v;
    }

    @Override
    public Txn put(byte[] key, byte[] value) {
        requireOpen("put");
        byte[] k = host.checkKey(key, "put");
        refuseCounter(k, "put");
        byte[] v = host.checkValue(value, "put");
        record(new Mutation(k, v));
        return this;
    }

    @Override
    public Txn put(byte[] key, byte[] value, Duration ttl) {
        requireOpen("put");
        byte[] k = host.checkKey(key, "put");
        refuseCounter(k, "put");
        byte[] v = host.checkValue(value, "put");
        record(new Mutation(k, v, host.expireAt(ttl, "put")));
        return this;
    }

    @Override
    public Txn delete(byte[] key) {
        requireOpen("delete");
        byte[] k = host.checkKey(key, "delete");
        refuseCounter(k, "delete");
        record(new Mutation(k, null));
        return this;
    }

    private void refuseCounter(byte[] k, String op) {
        if (increments.containsKey(k)) {
            throw new IllegalStateException(op + ": key " + Keys.describe(k) + " is incremented in this transaction");
        }
    }

    private void record(Mutation m) {
        Mutation prev = writes.get(m.key());
        long next = opBytes + m.encodedSize() - (prev == null ? 0 : prev.encodedSize());
        long total = next + 5; // varint operation count
        if (total > host.maxTxnBytes()) {
            throw new LimitExceededException("transaction (" + (writes.size() + (prev == null ? 1 : 0)) + " operations)",
                    "maxTxnBytes", total, host.maxTxnBytes());
        }
        writes.put(m.key(), m);
        opBytes = next;
    }

    @Override
    public int size() {
        return writes.size();
    }

    @Override
    public CompletableFuture<Lsn> commitAsync() {
        requireOpen("commit");
        host.checkWritable();
        state = State.COMMITTING;
        List<Mutation> ops = new ArrayList<>(writes.values());
        CompletableFuture<Lsn> f;
        try {
            if (checks.isEmpty() && increments.isEmpty()) {
                f = host.commit(ops);
            } else {
                deferred = new Deferred(checks, increments);
                f = host.commit(ops, deferred);
            }
        } catch (RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
        return f.whenComplete((lsn, err) -> state = err == null ? State.COMMITTED : State.FAILED);
    }

    @Override
    public void abort() {
        State s = state;
        if (s == State.ABORTED) {
            return;
        }
        requireOpen("abort");
        writes.clear();
        checks.clear();
        increments.clear();
        state = State.ABORTED;
    }

    @Override
    public void close() {
        if (state == State.OPEN) {
            abort();
        }
    }
}
