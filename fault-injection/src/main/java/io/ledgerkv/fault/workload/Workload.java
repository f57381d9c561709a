package io.ledgerkv.fault.workload;

import io.ledgerkv.api.ConditionFailedException;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvSnapshot;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.Txn;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A workload: how to seed the store, how to build the next write (reading what it builds on inside
 * the transaction and guarding it with conditions, never from the client's memory, so the store's
 * mistakes cannot be covered by the client's), how to read, and how to re-learn its id counter
 * from the store after a failover. Calls are serialized by the {@link WriterSupervisor}'s lock.
 */
public interface Workload {
    String name();

    /** Writes the initial state; returns the operation's value for the history. */
    Submitted seed(KvStore store);

    /** Re-learns what the workload needs from the store after a writer change (its id counter). */
    void reload(KvStore store);

    /**
     * Ids come from {@code [floor, ceiling)} only: writer processes that may run at once (a
     * successor opening while the old one commits) each take ids from a range of their own, and
     * {@link #reload} learns only from ids in that range, so an id names one transaction even when
     * two processes build transactions at the same time.
     */
    void idRange(long floor, long ceiling);

    /**
     * Builds the next write transaction (reading inside it what it builds on) without submitting
     * it; {@link Prepared#submit} hands it to the committer. A commit whose conditions no longer
     * hold fails with {@link ConditionFailedException}.
     */
    Prepared nextWrite(SplittableRandom random, KvStore store);

    /** A read of the workload's keys from one consistent state. */
    Map<String, Object> read(KvStore store);

    /** A write that was handed to the committer: what it is, and its commit. */
    record Submitted(String f, Map<String, Object> value, CompletableFuture<Lsn> commit) {
    }

    /**
     * A write built (its reads done inside the transaction) but not yet handed to the committer:
     * the caller records the invocation first and then {@link #submit}s, so that no transaction can
     * take effect before the history holds its invocation. (A writer process SIGKILLed between the
     * two would otherwise leave a durable transaction the history never invoked, which the checker
     * rightly calls invented.)
     */
    record Prepared(String f, Map<String, Object> value, Txn txn) {
        public Submitted submit() {
            return new Submitted(f, value, txn.commitAsync());
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Every entry with keys starting with {@code prefix}, read from one pinned state, and that state's LSN. */
    static Map<String, Object> snapshotRead(KvStore store, String prefix) {
        byte[] from = b(prefix);
        byte[] to = b(prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1));
        Map<String, String> out = new TreeMap<>();
        try (KvSnapshot snap = store.snapshot(from, to); KvIterator it = snap.iterator()) {
            while (it.hasNext()) {
                KvEntry e = it.next();
                out.put(s(e.key()), s(e.value()));
            }
            return Map.of("entries", out, "lsn", snap.lsn().toString());
        }
    }
}
