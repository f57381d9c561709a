package io.ledgerkv.sim;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.CheckpointStatus;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.Condition;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.Progress;
import io.ledgerkv.api.StandbyLag;
import io.ledgerkv.api.StoreNotFoundException;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.api.Txn;
import io.ledgerkv.api.VersionedValue;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.meta.MetadataException;
import io.ledgerkv.store.BookKeeperStore;
import io.ledgerkv.store.DefaultLedgerKv;
import io.ledgerkv.testing.Describe;
import io.ledgerkv.testing.Model.Op;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * The steps of a simulated schedule: the workload (writes, transactions larger than the in-flight
 * window, pipelined bursts, conditional writes, counters, values with a time to live), the store's
 * own operations (flush, checkpoint, standby poll and promotion, reopen with another codec) and the
 * nemesis at the store's level (crash, fencing by a new writer, bookie stops, session expiry). Each
 * action holds concrete values, so a schedule replays and shrinks; the fault schedule underneath
 * is the {@link FaultPlan}'s.
 */
public interface SimAction {
    /** Large enough for a transaction of several entries and more than an 8 KiB in-flight window. */
    int MAX_VALUE = 24 * 1024;

    /** Runs the step; false if it did not apply to the state it met (nothing happened). */
    boolean run(SimRun r) throws Exception;

    static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Keys written with a time to live: readers judge their expiry by the log's clock, so reader checks leave them out. */
    static boolean isTtlKey(byte[] k) {
        return k.length > 0 && k[0] == 't';
    }

    List<String> KEYS = List.of("a", "ab", "b", "k", "z");
    List<String> TTL_KEYS = List.of("t1", "t2");
    List<String> COUNTERS = List.of("c1", "c2");

    // ---- the workload -----------------------------------------------------------------------------

    record Write(List<Op> ops) implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            return r.commit(ops, null) != SimRun.Outcome.SKIPPED;
        }

        @Override
        public String toString() {
            return "write " + ops;
        }
    }

    /** Transactions committed without waiting for each other: pipelined entries, some batched together. */
    record Burst(List<List<Op>> txns) implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (!r.writerHealthy() || !r.uncertain.isEmpty()) {
                return false;
            }
            List<CompletableFuture<Lsn>> futures = r.submitAll(txns);
            // Acknowledgements come in commit order; the first failure fails every later commit.
            for (int i = 0; i < txns.size(); i++) {
                r.record(txns.get(i), futures.get(i));
            }
            return true;
        }

        @Override
        public String toString() {
            return "burst " + txns;
        }
    }

    /** A compare-and-set on a key's version: the right one (it must hold) or a stale one (it must fail, writing nothing). */
    record Replace(String name, byte[] value, boolean rightVersion) implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (!r.writerHealthy() || !r.uncertain.isEmpty()) {
                return false;
            }
            VersionedValue v = r.writer.getWithVersion(key(name));
            Lsn expected = v != null && rightVersion ? v.version() : new Lsn(0, 0, 0);
            boolean holds = v != null && rightVersion;
            SimRun.Outcome o = r.commit(List.of(new Op(key(name), value)), t -> t.check(key(name), Condition.version(expected)));
            if (o == SimRun.Outcome.ACKED && !holds) {
                throw new SimRun.Violation("conditions hold exactly", "replace of " + name + " at a stale version was applied", null);
            }
            if (o == SimRun.Outcome.REFUSED && holds) {
                throw new SimRun.Violation("conditions hold exactly", "replace of " + name + " at its own version was refused", null);
            }
            return true;
        }

        @Override
        public String toString() {
            return "replace " + name + "=" + Describe.bytes(value) + (rightVersion ? " at its version" : " at a stale version");
        }
    }

    record Increment(String name, long delta) implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (!r.writerHealthy() || !r.uncertain.isEmpty()) {
                return false;
            }
            byte[] old = r.model.get(key(name));
            long next = (old == null ? 0 : ByteBuffer.wrap(old).getLong()) + delta;
            List<Op> effect = List.of(new Op(key(name), ByteBuffer.allocate(8).putLong(next).array()));
            CompletableFuture<Lsn> f;
            try {
                Txn t = r.writer.begin();
                t.increment(key(name), delta);
                f = t.commitAsync();
            } catch (RuntimeException e) {
                return true;
            }
            r.record(effect, f);
            return true;
        }

        @Override
        public String toString() {
            return "increment " + name + " by " + delta;
        }
    }

    /** Moves the writers' clock and the model's together (not while commits are in doubt: their expiry is due at commit). */
    record AdvanceClock(long millis) implements SimAction {
        @Override
        public boolean run(SimRun r) {
            if (!r.uncertain.isEmpty()) {
                return false;
            }
            r.clock.advance(Duration.ofMillis(millis));
            r.model.advance(millis);
            return true;
        }

        @Override
        public String toString() {
            return "advance clock " + millis + " ms";
        }
    }

    record Reap() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (!r.writerHealthy() || !r.uncertain.isEmpty()) {
                return false;
            }
            // a failed reap changes nothing visible: expired values are hidden either way
            r.attempt("reap", () -> r.settle("reaping expired values", r.writer.reapExpired()));
            return true;
        }

        @Override
        public String toString() {
            return "reap expired values";
        }
    }

    record Flush() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (!r.writerHealthy()) {
                return false;
            }
            r.attempt("flush", () -> r.bounded("flush", () -> {
                r.writer.flush();
                return null;
            })); // a failed flush: the writer failed, and the check replaces it
            return true;
        }

        @Override
        public String toString() {
            return "flush";
        }
    }

    // ---- the store's own operations -------------------------------------------------------------------

    record Checkpoint() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (!r.writerHealthy()) {
                return false;
            }
            r.attempt("checkpoint", () -> r.lastCheckpoint = r.bounded("a checkpoint", () -> r.writer.checkpoint()).id());
            return true;
        }

        @Override
        public String toString() {
            return "checkpoint";
        }
    }

    /** A read-only handle at the newest checkpoint: it must show a committed state (it may be dropped by retention meanwhile). */
    record ReadCheckpoint() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (r.lastCheckpoint <= 0) {
                return false;
            }
            int id = r.lastCheckpoint;
            r.withClient("readCheckpoint", c -> r.checkPrefix(r.bounded("opening checkpoint " + id,
                    () -> r.openReadOnly(c, AsOf.checkpoint(id))), "checkpoint " + id, 0));
            return true;
        }

        @Override
        public String toString() {
            return "read the newest checkpoint";
        }
    }

    record ReadLatest() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            r.withClient("readOnly", c -> r.checkPrefix(r.bounded("opening read-only", () -> r.openReadOnly(c, AsOf.latest())),
                    "a read-only handle", 0));
            return true;
        }

        @Override
        public String toString() {
            return "open read-only";
        }
    }

    /** A backup of the latest state, restored as a new store: it must show a committed state. */
    record BackupRestore() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            Path file = Files.createTempFile("sim-", ".lkvbak");
            String copy = SimRun.STORE + "-copy-" + r.step;
            try {
                r.withClient("backupRestore", c -> {
                    try {
                        r.bounded("a backup", () -> c.backup(SimRun.STORE, r.cfg, AsOf.latest(), file, Progress.NONE));
                        r.bounded("a restore", () -> c.restore(file, copy, r.cfg, false, Progress.NONE));
                        r.checkPrefix(r.bounded("opening the restored copy", () -> c.openReadOnly(copy, r.cfg, AsOf.latest())),
                                "the restored copy", 0);
                    } catch (SimRun.Violation v) {
                        throw v;
                    } catch (Exception e) {
                        // Restores are invisible until complete: if what the failed attempt left opens at all,
                        // it holds a whole committed state.
                        r.attempt("backupRestore.leftover", () -> r.checkPrefix(c.openReadOnly(copy, r.cfg, AsOf.latest()),
                                "what a failed restore left", 0));
                        throw e;
                    }
                });
            } finally {
                Files.deleteIfExists(file);
            }
            return true;
        }

        @Override
        public String toString() {
            return "back up and restore as a copy";
        }
    }

    /** An operator trains a compression dictionary from the store's own records (used by ZSTD_DICT writers). */
    record TrainDictionary() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (!r.writerHealthy() || !r.uncertain.isEmpty()) {
                return false;
            }
            // Zstandard trains only from enough samples: 64 small records alike enough to share a dictionary.
            List<Op> samples = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                samples.add(new Op(key(String.format("d%02d", i)), value("{\"account\":" + (1000 + i * 7) + ",\"score\":0."
                        + (i * 37 % 100) + ",\"flags\":[\"fraud\",\"review\"],\"region\":\"eu-west\"}")));
            }
            // The second commit carries the first one's position to the bookies: a reader (the trainer
            // opens one) sees the last entry only once another entry or the writer's idle push confirms it.
            if (r.commit(samples, null) != SimRun.Outcome.ACKED
                    || r.commit(List.of(new Op(key("d-end"), value("1"))), null) != SimRun.Outcome.ACKED) {
                return true;
            }
            r.withClient("dict", c -> r.bounded("training a dictionary", () -> c.trainDictionary(SimRun.STORE, r.cfg)));
            return true;
        }

        @Override
        public String toString() {
            return "train a dictionary";
        }
    }

    /**
     * An operator's status call: it answers or says the cluster is unavailable, never anything else;
     * "no such store" only while no writer open has succeeded yet.
     */
    record Status() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            DefaultLedgerKv c = r.connect();
            if (c == null) {
                return true;
            }
            try {
                StoreStatus st = r.bounded("status", () -> c.status(SimRun.STORE));
                if (st.stats() == null || st.ledgers() == null) {
                    throw new SimRun.Violation("status is complete", "status without stats or ledgers: " + st, null);
                }
                r.stats.count("status.ok");
            } catch (ClusterUnavailableException | MetadataException e) {
                r.stats.count("status.unavailable");
            } catch (StoreNotFoundException e) {
                if (r.everOpened) {
                    throw new SimRun.Violation("an opened store stays", "status lost a store that was opened: " + e, e);
                }
                r.stats.count("status.notCreatedYet");
            } finally {
                SimRun.closeQuietly(c);
            }
            return true;
        }

        @Override
        public String toString() {
            return "status";
        }
    }

    record OpenStandby() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (r.standby != null) {
                return false;
            }
            DefaultLedgerKv c = r.connect();
            if (c == null) {
                return true;
            }
            try {
                r.standby = r.bounded("opening a standby", () -> c.openStandby(SimRun.STORE, r.cfg, r.hooks));
                r.standbyClient = c;
                r.standbyAt = r.checkPrefix(r.standby, "the standby", 0);
                r.stats.count("standby.opened");
            } catch (SimRun.Violation v) {
                c.crash();
                throw v;
            } catch (Exception e) {
                c.crash();
                r.stats.count("standby.openFailed");
            }
            return true;
        }

        @Override
        public String toString() {
            return "open a standby";
        }
    }

    /** The standby reads what the writer added: it shows a later committed state, or reports why not. */
    record PollStandby() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (r.standby == null) {
                return false;
            }
            r.pollStandbyAndCheck();
            return true;
        }

        @Override
        public String toString() {
            return "poll the standby";
        }
    }

    /** The standby becomes the writer, fencing the current one. */
    record Promote() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (r.standby == null) {
                return false;
            }
            BookKeeperStore sb = r.standby;
            DefaultLedgerKv sc = r.standbyClient;
            r.standby = null;
            r.standbyClient = null;
            r.standbyAt = -1;
            try {
                BookKeeperStore promoted = r.bounded("promoting the standby", () -> sb.promote());
                if (r.client != null) {
                    r.client.crash(); // the old writer's process: fenced now, it would restart as a standby
                }
                r.client = sc;
                r.writer = promoted;
                r.resolve(promoted, "the promoted standby");
                r.stats.count("promote.ok");
            } catch (SimRun.Violation v) {
                throw v;
            } catch (Exception e) {
                sc.crash();
                r.stats.count("promote.failed");
            }
            return true;
        }

        @Override
        public String toString() {
            return "promote the standby";
        }
    }

    record Reopen(CodecType codec) implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (codec == CodecType.ZSTD_DICT && r.cfg.encryption() != null) {
                return false; // not a combination the store accepts
            }
            if (r.client != null) {
                DefaultLedgerKv c = r.client;
                try {
                    r.bounded("closing the writer", () -> {
                        c.close();
                        return null;
                    });
                } catch (SimRun.Violation v) {
                    throw v;
                } catch (Exception e) {
                    // recovered below either way
                }
                r.client = null;
                r.writer = null;
            }
            r.cfg = r.cfg.toBuilder().codec(codec).dictTrainAfterBytes(codec == CodecType.ZSTD_DICT ? 32 * 1024 : 0).build();
            r.recover(false);
            return true;
        }

        @Override
        public String toString() {
            return "close and reopen with " + codec;
        }
    }

    // ---- the nemesis at the store's level ---------------------------------------------------------

    record Crash() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            r.recover(true);
            return true;
        }

        @Override
        public String toString() {
            return "crash the writer's process and restart it";
        }
    }

    /**
     * A second writer opens the store while the first has two commits in flight (submitted, not yet
     * answered); each of those must end acknowledged and in the successor's state, or failed (then
     * in doubt, resolved by the successor's state). The first writer must acknowledge nothing
     * submitted after that. (Until the mutation run showed it, the simulation fenced only an idle
     * writer, and a writer acknowledging its in-flight commits when fenced went unnoticed.)
     */
    record Fence() implements SimAction {
        @Override
        public boolean run(SimRun r) throws Exception {
            if (!r.writerHealthy() || !r.uncertain.isEmpty()) {
                return false;
            }
            DefaultLedgerKv c = r.connect();
            if (c == null) {
                return true;
            }
            // Derived from the step, not drawn from the generator: schedules stay what their seeds made them.
            List<List<Op>> inFlight = List.of(
                    List.of(new Op(key(KEYS.get(r.step % KEYS.size())), value("in-flight-" + r.step + "-a"))),
                    List.of(new Op(key(KEYS.get((r.step + 1) % KEYS.size())), value("in-flight-" + r.step + "-b"))));
            List<CompletableFuture<Lsn>> pending = r.submitAll(inFlight);
            BookKeeperStore successor;
            try {
                successor = r.bounded("opening a successor writer", () -> c.open(SimRun.STORE, r.cfg, r.hooks));
            } catch (SimRun.Violation v) {
                c.crash();
                throw v;
            } catch (Exception e) {
                c.crash();
                r.stats.count("fence.openFailed");
                for (int i = 0; i < inFlight.size(); i++) {
                    r.record(inFlight.get(i), pending.get(i));
                }
                return true;
            }
            for (int i = 0; i < inFlight.size(); i++) {
                r.stats.count(r.record(inFlight.get(i), pending.get(i)) == SimRun.Outcome.ACKED ? "fence.inFlightAcked"
                        : "fence.inFlightNotAcked");
            }
            CompletableFuture<Lsn> late;
            try {
                Txn t = r.writer.begin();
                t.put(key("fenced"), value("must not be acknowledged"));
                late = t.commitAsync();
            } catch (RuntimeException e) {
                late = CompletableFuture.failedFuture(e);
            }
            try {
                r.settle("a commit of the fenced writer", late);
                throw new SimRun.Violation("a fenced writer acknowledges nothing", "the old writer acknowledged a commit after a"
                        + " successor opened the store", null);
            } catch (SimRun.Violation v) {
                throw v;
            } catch (Exception expected) {
                r.stats.count("fence.refused");
            }
            r.client.crash();
            r.client = c;
            r.writer = successor;
            r.resolve(successor, "the successor");
            return true;
        }

        @Override
        public String toString() {
            return "a successor writer opens the store";
        }
    }

    /** A bookie stops for {@code steps} steps of the schedule (then the nemesis starts it again). */
    record StopBookie(int bookie, int steps) implements SimAction {
        @Override
        public boolean run(SimRun r) {
            int b = bookie % r.setup.bookies();
            if (!r.cluster.bookKeeper().isUp(b)) {
                return false;
            }
            r.cluster.bookKeeper().stopBookie(b);
            r.bookieBackAt.put(b, r.step + steps);
            return true;
        }

        @Override
        public String toString() {
            return "stop bookie " + bookie + " for " + steps + " steps";
        }
    }

    record ExpireSession() implements SimAction {
        @Override
        public boolean run(SimRun r) {
            if (r.client == null) {
                return false;
            }
            r.cluster.expireSession(r.client);
            return true;
        }

        @Override
        public String toString() {
            return "expire the writer's ZooKeeper session";
        }
    }

    // ---- generation -------------------------------------------------------------------------------

    /** {@code n} actions drawn from {@code seed}: the same seed, the same schedule. */
    static List<SimAction> generate(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        List<SimAction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next(r));
        }
        return out;
    }

    private static SimAction next(SplittableRandom r) {
        int x = r.nextInt(100);
        if (x < 18) {
            return new Write(List.of(op(r)));
        } else if (x < 28) {
            return new Write(ops(r, 1 + r.nextInt(4)));
        } else if (x < 34) {
            return new Write(List.of(new Op(key(pick(r, KEYS)), bytes(r, 9_000 + r.nextInt(MAX_VALUE - 9_000)))));
        } else if (x < 42) {
            List<List<Op>> txns = new ArrayList<>();
            int k = 2 + r.nextInt(5);
            for (int i = 0; i < k; i++) {
                txns.add(ops(r, 1 + r.nextInt(2)));
            }
            return new Burst(txns);
        } else if (x < 46) {
            return new Replace(pick(r, KEYS), value("r" + r.nextInt(100)), r.nextInt(3) != 0);
        } else if (x < 50) {
            return new Increment(pick(r, COUNTERS), r.nextInt(-5, 6));
        } else if (x < 54) {
            return new Write(List.of(new Op(key(pick(r, TTL_KEYS)), value("t" + r.nextInt(100)), new long[] {1, 100, 1_000}[r.nextInt(3)])));
        } else if (x < 57) {
            return new AdvanceClock(new long[] {1, 99, 100, 1_000}[r.nextInt(4)]);
        } else if (x < 58) {
            return new Reap();
        } else if (x < 61) {
            return new Flush();
        } else if (x < 66) {
            return new Checkpoint();
        } else if (x < 67) {
            return new ReadCheckpoint();
        } else if (x < 68) {
            int k = r.nextInt(3);
            return k == 0 ? new BackupRestore() : k == 1 ? new Status() : new TrainDictionary();
        } else if (x < 70) {
            return new ReadLatest();
        } else if (x < 72) {
            return new OpenStandby();
        } else if (x < 77) {
            return new PollStandby();
        } else if (x < 79) {
            return new Promote();
        } else if (x < 82) {
            return new Reopen(SimRun.CODECS.get(r.nextInt(SimRun.CODECS.size())));
        } else if (x < 86) {
            return new Crash();
        } else if (x < 88) {
            return new Fence();
        } else if (x < 96) {
            return new StopBookie(r.nextInt(5), 1 + r.nextInt(4));
        }
        return new ExpireSession();
    }

    private static String pick(SplittableRandom r, List<String> from) {
        return from.get(r.nextInt(from.size()));
    }

    private static Op op(SplittableRandom r) {
        String k = pick(r, KEYS);
        return r.nextInt(5) == 0 ? new Op(key(k), null) : new Op(key(k), r.nextInt(8) == 0 ? bytes(r, 300 + r.nextInt(5_000))
                : value("v" + r.nextInt(1000)));
    }

    private static List<Op> ops(SplittableRandom r, int n) {
        List<Op> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(op(r));
        }
        return out;
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        int s = r.nextInt();
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (s + i * 31 + (i >> 7));
        }
        return b;
    }
}
