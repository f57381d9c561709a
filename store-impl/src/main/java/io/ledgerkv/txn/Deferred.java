package io.ledgerkv.txn;

import io.ledgerkv.api.Condition;
import io.ledgerkv.api.ConditionFailedException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.VersionedValue;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.wal.Mutation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of a transaction decided when it commits, not when it is built: its conditions and its
 * counter increments. The committer resolves it on its own thread once every earlier transaction
 * is applied, so the state it reads is exactly the state the transaction follows in the log; the
 * WAL then records plain puts with the counters' new values, and replay needs no re-evaluation.
 */
public final class Deferred {
    /** A counter is an 8-byte big-endian two's-complement long. */
    public static final int COUNTER_BYTES = 8;

    private final List<Map.Entry<byte[], Condition>> checks;
    private final TreeMap<byte[], Long> increments;
    private final TreeMap<byte[], Long> results = new TreeMap<>(Arrays::compareUnsigned);
    /** Reaper deletes: key -> the version that expired; a delete is dropped if the key was rewritten since. */
    private final TreeMap<byte[], Lsn> reap;
    private volatile int reaped;

    public Deferred(List<Map.Entry<byte[], Condition>> checks, TreeMap<byte[], Long> increments) {
        this(checks, increments, new TreeMap<>(Arrays::compareUnsigned));
    }

    private Deferred(List<Map.Entry<byte[], Condition>> checks, TreeMap<byte[], Long> increments,
                     TreeMap<byte[], Lsn> reap) {
        this.checks = List.copyOf(checks);
        this.increments = increments;
        this.reap = reap;
    }

    /**
     * The reaper's transaction: deletes of expired values, each kept at commit only if the key still
     * holds the version that expired (so a value written meanwhile is never deleted).
     */
    public static Deferred reaping(TreeMap<byte[], Lsn> expiredVersions) {
        return new Deferred(List.of(), new TreeMap<>(Arrays::compareUnsigned), expiredVersions);
    }

    /** How many of a reaping transaction's deletes were still due at commit (and written). */
    public int reaped() {
        return reaped;
    }

    public boolean isEmpty() {
        return checks.isEmpty() && increments.isEmpty() && reap.isEmpty();
    }

    /** Keys whose counters this transaction increments (their placeholder puts are in the ops). */
    public TreeMap<byte[], Long> increments() {
        return increments;
    }

    /** New value of a counter after commit; null if this transaction did not increment it. */
    public Long result(byte[] key) {
        synchronized (results) {
            return results.get(key);
        }
    }

    public static byte[] encodeCounter(long v) {
        return ByteBuffer.allocate(COUNTER_BYTES).putLong(v).array();
    }

    public static long decodeCounter(byte[] v) {
        return ByteBuffer.wrap(v).getLong();
    }

    /**
     * Checks the conditions against {@code index} and returns {@code ops} with every counter's
     * placeholder replaced by its new value. Throws {@link ConditionFailedException} (nothing is
     * written) if a condition fails, a counter holds something else than 8 bytes, or it overflows.
     */
    List<Mutation> resolve(LocalIndex index, String store, List<Mutation> ops) {
        for (Map.Entry<byte[], Condition> c : checks) {
            VersionedValue seen = index.getVersioned(c.getKey());
            byte[] seenValue = seen == null ? null : seen.value();
            Condition cond = c.getValue();
            boolean ok;
            String expected;
            if (cond instanceof Condition.VersionIs v) {
                ok = seen != null && seen.version().equals(v.version());
                expected = "version " + v.version();
            } else if (cond instanceof Condition.ValueEquals e) {
                ok = seen != null && Arrays.equals(seenValue, e.value());
                expected = "a value equal to the given " + e.value().length + " bytes";
            } else {
                ok = seen == null;
                expected = "no value";
            }
            if (!ok) {
                throw new ConditionFailedException(store, c.getKey(), expected, seenValue, seen == null ? null : seen.version());
            }
        }
        if (!reap.isEmpty()) {
            long now = index.now();
            List<Mutation> due = new ArrayList<>(ops.size());
            for (Mutation m : ops) {
                Lsn v = reap.get(m.key());
                if (v == null || index.expiredAt(m.key(), v, now)) {
                    due.add(m);
                }
            }
            reaped = due.size();
            ops = due;
        }
        if (increments.isEmpty()) {
            return ops;
        }
        TreeMap<byte[], Long> next = new TreeMap<>(Arrays::compareUnsigned);
        for (Map.Entry<byte[], Long> inc : increments.entrySet()) {
            byte[] cur = index.get(inc.getKey());
            long base;
            if (cur == null) {
                base = 0;
            } else if (cur.length != COUNTER_BYTES) {
                throw new ConditionFailedException(store, inc.getKey(), "cannot increment: the value is " + cur.length
                        + " bytes, not a counter (an 8-byte big-endian long)");
            } else {
                base = decodeCounter(cur);
            }
            try {
                next.put(inc.getKey(), Math.addExact(base, inc.getValue()));
            } catch (ArithmeticException e) {
                throw new ConditionFailedException(store, inc.getKey(), "incrementing " + base + " by " + inc.getValue()
                        + " overflows a long");
            }
        }
        List<Mutation> out = new ArrayList<>(ops.size());
        for (Mutation m : ops) {
            Long v = next.get(m.key());
            out.add(v == null ? m : new Mutation(m.key(), encodeCounter(v)));
        }
        synchronized (results) {
            results.putAll(next);
        }
        return out;
    }
}
