package io.ledgerkv.sim;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.ConditionFailedException;
import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LimitExceededException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.ManualClock;
import io.ledgerkv.api.StandbyLag;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.Txn;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.store.BookKeeperStore;
import io.ledgerkv.store.DefaultLedgerKv;
import io.ledgerkv.store.SimAccess;
import io.ledgerkv.testing.Describe;
import io.ledgerkv.testing.Model;
import io.ledgerkv.testing.Model.Op;
import io.ledgerkv.testing.TestStores;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One simulated schedule: a store on a {@link SimCluster}, the {@link Model} it must equal, and
 * the bookkeeping of commits whose outcome is not known yet. {@link SimAction}s drive it; after each
 * one {@link #check()} holds the invariants. Everything above the two doors is the real store:
 * committer, replayer, checkpointer, standby, recovery.
 *
 * <p>Invariants: a healthy writer's state equals the model (every acknowledged transaction, whole,
 * nothing else); after a crash, failure or fencing, the recovered state equals the model plus a
 * prefix of the transactions whose commits failed or never answered (nothing acknowledged lost,
 * nothing partly visible); a standby and a read-only handle show the state after some prefix of the
 * committed transactions; a fenced writer acknowledges nothing; every call answers within
 * {@link #BOUND} (a hang is a failure); and once faults heal, the store opens and commits again.
 */
public final class SimRun implements AutoCloseable {
    /** Longest any call may take before it counts as a hang. */
    public static final Duration BOUND = Duration.ofSeconds(15);
    /** Opens attempted in a row while faults are active before the schedule goes on without a writer. */
    private static final int OPEN_ATTEMPTS = 3;
    static final String STORE = "sim";

    /** A broken invariant or a hang: the schedule failed. */
    /** The invariant a store callback that throws on the delivery thread breaks ({@link SimCluster#callbackFailure}). */
    static final String CALLBACK_THROWS = "no callback of the store throws";

    /**
     * The violation of {@link #CALLBACK_THROWS} if a store callback threw on the simulation's delivery
     * thread ({@code context}: what the run was doing, may be empty), or null.
     */
    Violation callbackViolation(String context) {
        Throwable thrown = cluster.callbackFailure();
        return thrown == null ? null
                : new Violation(CALLBACK_THROWS, "a callback on the log's or metadata's delivery thread threw " + thrown + context, thrown);
    }

    public static final class Violation extends RuntimeException {
        private final String invariant;

        Violation(String invariant, String detail, Throwable cause) {
            super(invariant + ": " + detail, cause);
            this.invariant = invariant;
        }

        public String invariant() {
            return invariant;
        }
    }

    /** Codecs a schedule starts with or reopens with (ZSTD_DICT: on unencrypted stores, which may train dictionaries). */
    static final List<CodecType> CODECS = List.of(CodecType.NONE, CodecType.LZ4, CodecType.LZ4_HC, CodecType.ZSTD, CodecType.ZSTD_DICT);

    /** How the schedule's store is set up; all of it follows from the seed. */
    public record Setup(int bookies, int ensemble, int writeQuorum, int ackQuorum, int retention, long maxInflightBytes,
                        boolean encrypted, CodecType codec, double faultRate) {
        static Setup of(long seed) {
            SplittableRandom r = new SplittableRandom(seed ^ 0x5EED5EEDL);
            int bookies = 3 + r.nextInt(3);
            int ensemble = Math.min(bookies, 3);
            double[] rates = {0, 0.003, 0.01, 0.03};
            int retention = 1 + r.nextInt(2);
            long window = r.nextBoolean() ? 8 * 1024 : 256 * 1024;
            boolean encrypted = r.nextInt(3) == 0;
            CodecType codec = CODECS.get(r.nextInt(CODECS.size()));
            // ZSTD_DICT keeps plaintext samples in its dictionary, so the store refuses it with encryption.
            return new Setup(bookies, ensemble, ensemble, 2, retention, window, encrypted && codec != CodecType.ZSTD_DICT, codec,
                    rates[r.nextInt(rates.length)]);
        }
    }

    final long seed;
    final Setup setup;
    final SimCluster cluster;
    final ManualClock clock = new ManualClock(Instant.ofEpochMilli(Model.T0));
    final ClientConfig clientConfig;
    final WriterHooks hooks;
    StoreConfig cfg;
    DefaultLedgerKv client;
    BookKeeperStore writer;
    DefaultLedgerKv standbyClient;
    BookKeeperStore standby;
    int standbyAt = -1;
    /** Stopped bookies and the step after which the nemesis starts each again (faults are bounded in time). */
    final Map<Integer, Integer> bookieBackAt = new HashMap<>();
    int step;

    /** Starts the bookies whose stop has run its course. */
    void nemesisTick() {
        step++;
        bookieBackAt.entrySet().removeIf(e -> {
            if (e.getValue() <= step) {
                cluster.bookKeeper().startBookie(e.getKey());
                return true;
            }
            return false;
        });
    }

    /** Id of the newest checkpoint this schedule took (0: none yet). */
    int lastCheckpoint;
    Model model = new Model();
    /** Model after each committed transaction, oldest first (the last {@value #HISTORY} of them). */
    final List<Model> history = new ArrayList<>();
    private static final int HISTORY = 256;
    /** Transactions whose commit failed or never answered, in issue order, not yet resolved by a recovery. */
    final List<List<Op>> uncertain = new ArrayList<>();
    final SimStats stats;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sim-call");
        t.setDaemon(true);
        return t;
    });

    public SimRun(long seed, FaultPlan plan, WriterHooks hooks, SimStats stats) {
        this.seed = seed;
        this.setup = Setup.of(seed);
        this.hooks = hooks;
        this.stats = stats;
        this.cluster = new SimCluster(setup.bookies(), seed, plan);
        this.clientConfig = SimCluster.clientConfig().clock(clock).build();
        this.cfg = StoreConfig.builder().ledgerPassword("sim").quorum(setup.ensemble(), setup.writeQuorum(), setup.ackQuorum())
                .maxBatchBytes(4096).maxInflightBytes(setup.maxInflightBytes()).maxKeyBytes(64).maxValueBytes(SimAction.MAX_VALUE)
                .ledgerRollBytes(32 * 1024).checkpointChunkBytes(4096).checkpointRetention(setup.retention())
                .statsInterval(Duration.ofHours(1)).standbyPollInterval(Duration.ofHours(1)).codec(setup.codec())
                .encryption(setup.encrypted() ? keys() : null)
                .dictTrainAfterBytes(setup.codec() == CodecType.ZSTD_DICT ? 32 * 1024 : 0).dictSizeBytes(1024).dictSampleBytes(1024 * 1024)
                .build();
        history.add(model.copy());
    }

    private static EncryptionKeys keys() {
        return TestStores.keys(42);
    }

    public static Setup setupOf(long seed) {
        return Setup.of(seed);
    }

    // ---- bounded calls ----------------------------------------------------------------------------

    /** Runs {@code c} and waits up to {@link #BOUND}; a call that neither returns nor throws is a hang. */
    <T> T bounded(String what, Callable<T> c) throws Exception {
        Future<T> f = calls.submit(c);
        try {
            return f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new Violation("liveness", what + " neither returned nor failed within " + BOUND.toSeconds() + " s", null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** A step of a schedule that faults may make fail. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** A step run through a client of its own. */
    @FunctionalInterface
    interface ClientStep {
        void run(DefaultLedgerKv c) throws Exception;
    }

    /**
     * Runs a step the store may refuse or fail under faults: counted as {@code name.ok} or
     * {@code name.failed}; a hang or a broken invariant ({@link Violation}) is never swallowed.
     */
    boolean attempt(String name, Step step) throws Exception {
        try {
            step.run();
            stats.count(name + ".ok");
            return true;
        } catch (Violation v) {
            throw v;
        } catch (Exception e) {
            stats.count(name + ".failed");
            if (Boolean.getBoolean("ledgerkv.sim.verbose")) {
                System.out.println(name + " failed: " + e);
            }
            return false;
        }
    }

    /** {@link #attempt} with a new client (another process's, an operator's), closed afterwards. */
    boolean withClient(String name, ClientStep step) throws Exception {
        DefaultLedgerKv c = connect();
        if (c == null) {
            return false;
        }
        try {
            return attempt(name, () -> step.run(c));
        } finally {
            closeQuietly(c);
        }
    }

    /**
     * Waits (up to {@link #BOUND}) for {@code f}; a store callback that threw meanwhile ends the wait at
     * once (the outcome it carried is lost, so the wait would only run into the bound).
     */
    <T> T settle(String what, CompletableFuture<T> f) throws Exception {
        long until = System.nanoTime() + BOUND.toNanos();
        try {
            for (;;) {
                try {
                    return f.get(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()))), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    Violation thrown = callbackViolation(" while " + what + " waited");
                    if (thrown != null) {
                        throw thrown;
                    }
                    if (System.nanoTime() - until >= 0) {
                        throw e;
                    }
                }
            }
        } catch (TimeoutException e) {
            throw new Violation("liveness", what + " was neither acknowledged nor failed within " + BOUND.toSeconds() + " s", null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    // ---- the writer -------------------------------------------------------------------------------

    /** A new client (a new process's), or null if connecting failed under faults. */
    DefaultLedgerKv connect() {
        try {
            return cluster.connect(clientConfig);
        } catch (RuntimeException e) {
            stats.count("connect.failed");
            if (cluster.plan().healed()) {
                throw new Violation("liveness", "a client could not connect after every fault healed: " + e, e);
            }
            return null;
        }
    }

    /**
     * Whether a writer open has ever succeeded. Until then the store may legitimately not exist: a
     * first open that fails drops the store it created (issue 19).
     */
    boolean everOpened;

    boolean writerHealthy() {
        return writer != null && writer.writerFailure() == null;
    }

    /** Opens the first writer. */
    void start() throws Exception {
        recover(false);
    }

    /**
     * The writer's process is gone (crashed, failed, fenced): a new one opens the store, and its
     * state resolves which in-doubt transactions made it into the log. False if no open succeeded
     * (faults); the schedule goes on without a writer and tries again later.
     */
    boolean recover(boolean crashOld) throws Exception {
        return recover(crashOld, OPEN_ATTEMPTS);
    }

    boolean recover(boolean crashOld, int attempts) throws Exception {
        if (client != null) {
            DefaultLedgerKv old = client;
            client = null;
            writer = null;
            if (crashOld) {
                old.crash();
            } else {
                closeQuietly(old);
            }
        }
        for (int attempt = 0; attempt < attempts; attempt++) {
            DefaultLedgerKv c = connect();
            if (c == null) {
                continue;
            }
            try {
                writer = bounded("opening the writer", () -> c.open(STORE, cfg, hooks));
                client = c;
                everOpened = true;
                stats.count("open.ok");
                resolve(writer, "the recovered writer");
                return true;
            } catch (Violation v) {
                c.crash();
                throw v;
            } catch (RuntimeException e) {
                stats.count("open.failed");
                if (Boolean.getBoolean("ledgerkv.sim.verbose")) {
                    System.out.println("open failed: " + e);
                }
                c.crash();
                if (cluster.plan().healed()) {
                    throw new Violation("liveness", "the store could not be opened after every fault healed: " + e, e);
                }
            }
        }
        return false;
    }

    /**
     * Matches a recovered state against the model plus each prefix of the in-doubt transactions;
     * the matching prefix becomes committed.
     */
    void resolve(KvStore s, String who) {
        Map<String, String> actual = contents(s, true);
        Model m = model.copy();
        for (int k = 0; ; k++) {
            if (actual.equals(render(m, true))) {
                for (int i = 0; i < k; i++) {
                    model.apply(uncertain.get(i));
                    remember();
                }
                stats.add("indoubt.in", k);
                stats.add("indoubt.out", uncertain.size() - k);
                uncertain.clear();
                return;
            }
            if (k == uncertain.size()) {
                break;
            }
            m.apply(uncertain.get(k));
        }
        throw new Violation("recovered state is the model plus a prefix of the in-doubt transactions",
                who + " shows " + actual + "; acknowledged state " + render(model, true) + ", in doubt " + uncertain, null);
    }

    private void remember() {
        history.add(model.copy());
        if (history.size() > HISTORY) {
            history.remove(0);
        }
    }

    /**
     * Outcome of one commit: acknowledged; refused by a condition or a limit (nothing written); in
     * doubt; or not issued (no healthy writer, or the handle refused the call itself, e.g. fenced
     * meanwhile: nothing written).
     */
    enum Outcome {
        ACKED, REFUSED, IN_DOUBT, SKIPPED
    }

    /** Commits {@code ops} through a transaction (plus {@code extra} staging, e.g. a condition) and records the outcome. */
    Outcome commit(List<Op> ops, Consumer<Txn> extra) throws Exception {
        if (!writerHealthy() || !uncertain.isEmpty()) {
            return Outcome.SKIPPED;
        }
        CompletableFuture<Lsn> f;
        try {
            Txn t = writer.begin();
            stage(t, ops);
            if (extra != null) {
                extra.accept(t);
            }
            f = t.commitAsync();
        } catch (RuntimeException e) {
            stats.count("commit.notIssued");
            return Outcome.SKIPPED; // the handle refused the call itself (fenced or closed meanwhile): nothing was written
        }
        return record(ops, f);
    }

    Outcome record(List<Op> ops, CompletableFuture<Lsn> f) throws Exception {
        try {
            settle("commit " + ops, f);
            model.apply(ops);
            remember();
            stats.count("commit.acked");
            return Outcome.ACKED;
        } catch (ConditionFailedException | LimitExceededException e) {
            stats.count("commit.refused");
            return Outcome.REFUSED;
        } catch (Violation v) {
            throw v;
        } catch (Exception e) {
            uncertain.add(ops);
            stats.count("commit.indoubt");
            return Outcome.IN_DOUBT;
        }
    }

    /** Submits each transaction to the writer without waiting; a call the handle refuses becomes a failed future. */
    List<CompletableFuture<Lsn>> submitAll(List<List<Op>> txns) {
        List<CompletableFuture<Lsn>> futures = new ArrayList<>(txns.size());
        for (List<Op> ops : txns) {
            try {
                Txn t = writer.begin();
                stage(t, ops);
                futures.add(t.commitAsync());
            } catch (RuntimeException e) {
                futures.add(CompletableFuture.failedFuture(e));
            }
        }
        return futures;
    }

    static void stage(Txn t, List<Op> ops) {
        for (Op op : ops) {
            if (op.value() == null) {
                t.delete(op.key());
            } else if (op.ttlMillis() > 0) {
                t.put(op.key(), op.value(), Duration.ofMillis(op.ttlMillis()));
            } else {
                t.put(op.key(), op.value());
            }
        }
    }

    // ---- invariants ---------------------------------------------------------------------------------

    /** After every action: a failed writer is replaced; a healthy one equals the model. */
    void check() throws Exception {
        cluster.quiesce();
        Violation thrown = callbackViolation("");
        if (thrown != null) {
            throw thrown;
        }
        if (writer != null && writer.writerFailure() != null) {
            stats.count("writer.failed");
            recover(true);
        } else if (writer == null) {
            recover(true, 1); // the task's restart loop: one more try per step
        }
        if (standby != null) {
            pollStandbyAndCheck(); // a standby tails all the time, not only when an action asks
        }
        if (writerHealthy() && uncertain.isEmpty()) {
            Map<String, String> actual = contents(writer, true);
            Map<String, String> expected = render(model, true);
            if (!actual.equals(expected)) {
                if (writer.writerFailure() != null) {
                    return; // failed between the two reads; the next check recovers it
                }
                throw new Violation("writer equals model", "store " + actual + ", model " + expected, null);
            }
            if (writer.keyCount() != model.size()) {
                throw new Violation("key count equals model size", "keyCount " + writer.keyCount() + ", model " + model.size(), null);
            }
        }
    }

    /** A reader's state (TTL keys left out: readers judge expiry by the log's clock) must be a committed prefix. */
    int checkPrefix(KvStore s, String who, int from) {
        Map<String, String> actual = contents(s, false);
        for (int i = Math.max(0, from); i < history.size(); i++) {
            if (actual.equals(render(history.get(i), false))) {
                return i;
            }
        }
        if (!uncertain.isEmpty()) {
            return from; // it may show in-doubt transactions; checked again once they are resolved
        }
        throw new Violation(who + " shows a committed prefix", who + " shows " + actual + "; committed states from #" + from
                + ": " + history.subList(Math.max(0, Math.min(from, history.size())), history.size()).stream()
                .map(m -> render(m, false)).toList(), null);
    }

    static Map<String, String> contents(KvStore s, boolean withTtlKeys) {
        Map<String, String> out = new TreeMap<>();
        try (KvIterator it = s.all()) {
            while (it.hasNext()) {
                KvEntry e = it.next();
                if (withTtlKeys || !SimAction.isTtlKey(e.key())) {
                    out.put(Describe.bytes(e.key()), Describe.bytes(e.value()));
                }
            }
        }
        return out;
    }

    static Map<String, String> render(Model m, boolean withTtlKeys) {
        Map<String, String> out = new TreeMap<>();
        m.asMap().forEach((k, v) -> {
            if (withTtlKeys || !SimAction.isTtlKey(k)) {
                out.put(Describe.bytes(k), Describe.bytes(v));
            }
        });
        return out;
    }

    // ---- the liveness phase -----------------------------------------------------------------------

    /** Faults heal; the store must open (or still be writable), commit, and reopen to the same state. */
    void livenessPhase() throws Exception {
        cluster.heal();
        closeStandby();
        if (!writerHealthy()) {
            recover(true);
        }
        if (!uncertain.isEmpty()) {
            recover(true);
        }
        cluster.quiesce();
        List<Op> last = List.of(new Op(SimAction.key("after-heal"), SimAction.value("done")));
        if (commit(last, null) != Outcome.ACKED) {
            // A failure that was on its way when the faults healed (a session-loss notice) is not a
            // liveness failure; a writer that cannot commit after a fresh start is.
            recover(true);
        }
        if (!uncertain.isEmpty() || (model.get(last.get(0).key()) == null && commit(last, null) != Outcome.ACKED)) {
            throw new Violation("liveness", "the writer did not commit after every fault healed: " + writer.writerFailure(), null);
        }
        recover(true);
        check();
    }

    void closeStandby() {
        if (standbyClient != null) {
            closeQuietly(standbyClient);
            standbyClient = null;
            standby = null;
            standbyAt = -1;
        }
    }

    static void closeQuietly(DefaultLedgerKv c) {
        try {
            c.close();
        } catch (RuntimeException e) {
            // a close under faults may fail; the process goes anyway
        }
    }

    String describeSetup() {
        return setup.toString();
    }

    /** A read-only view, for reads at a checkpoint or a point in time. */
    BookKeeperStore openReadOnly(DefaultLedgerKv c, AsOf asOf) {
        return c.openReadOnly(STORE, cfg, asOf);
    }

    boolean pollStandby() {
        return SimAccess.poll(standby);
    }

    /**
     * One catch-up round of the standby, as its own thread runs every standbyPollInterval; then it
     * must show a later committed state, or say why not (and never stop on an intact log).
     */
    void pollStandbyAndCheck() throws Exception {
        boolean alive = bounded("a standby poll", this::pollStandby);
        StandbyLag lag;
        try {
            lag = standby.lag(); // reads the writer's published position from ZooKeeper
        } catch (ClusterUnavailableException e) {
            stats.count("standby.lagUnavailable");
            return;
        }
        if (!alive || (lag.error() != null && lag.error().contains("corrupt"))) {
            throw new Violation("a standby never stops on an intact log", "standby stopped: " + lag.error(), null);
        }
        if (lag.error() == null) {
            standbyAt = checkPrefix(standby, "the standby", standbyAt);
            stats.count("standby.polled");
        } else {
            stats.count("standby.pollFailed");
        }
    }

    @Override
    public void close() {
        try {
            if (client != null) {
                client.crash();
            }
            if (standbyClient != null) {
                standbyClient.crash();
            }
        } finally {
            calls.shutdownNow();
            cluster.close();
        }
    }
}
