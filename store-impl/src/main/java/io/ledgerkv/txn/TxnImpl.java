package io.ledgerkv.txn;

import io.ledgerkv.api.LimitExceededException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.Txn;
import io.ledgerkv.wal.Mutation;
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
    private static final byte[] DELETED = new byte[0];

    private final TxnHost host;
    private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Arrays::compareUnsigned);
    private volatile State state = State.OPEN;
    /** Sum of encoded operation sizes; the record adds a varint count. */
    private long opBytes;

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
        byte[] v = writes.get(key);
        if (v != null) {
            return v == DELETED ? null : v.clone();
        }
        return host.get(key);
    }

    @Override
    public Txn put(byte[] key, byte[] value) {
        requireOpen("put");
        byte[] k = host.checkKey(key, "put");
        byte[] v = host.checkValue(value, "put");
        record(k, v);
        return this;
    }

    @Override
    public Txn delete(byte[] key) {
        requireOpen("delete");
        record(host.checkKey(key, "delete"), DELETED);
        return this;
    }

    private void record(byte[] k, byte[] v) {
        byte[] prev = writes.get(k);
        long next = opBytes + opSize(k, v) - (prev == null ? 0 : opSize(k, prev));
        long total = next + 5; // varint operation count
        if (total > host.maxTxnBytes()) {
            throw new LimitExceededException("transaction (" + (writes.size() + (prev == null ? 1 : 0)) + " operations)",
                    "maxTxnBytes", total, host.maxTxnBytes());
        }
        writes.put(k, v);
        opBytes = next;
    }

    private static long opSize(byte[] k, byte[] v) {
        return new Mutation(k, v == DELETED ? null : v).encodedSize();
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
        List<Mutation> ops = new ArrayList<>(writes.size());
        for (Map.Entry<byte[], byte[]> e : writes.entrySet()) {
            ops.add(new Mutation(e.getKey(), e.getValue() == DELETED ? null : e.getValue()));
        }
        CompletableFuture<Lsn> f;
        try {
            f = host.commit(ops);
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
        state = State.ABORTED;
    }

    @Override
    public void close() {
        if (state == State.OPEN) {
            abort();
        }
    }
}
