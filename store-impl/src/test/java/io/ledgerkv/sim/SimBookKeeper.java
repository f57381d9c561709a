package io.ledgerkv.sim;

import io.ledgerkv.log.LedgerLog;
import io.ledgerkv.log.LogError;
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.ReadLedger;
import io.ledgerkv.log.WriteLedger;
import io.ledgerkv.sim.FaultPlan.Fault;
import io.ledgerkv.sim.FaultPlan.Point;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * In-memory BookKeeper with the semantics the store depends on:
 * <ul>
 *   <li>entries get consecutive ids; add callbacks run in entry order, on one delivery thread;
 *   <li>an add that BookKeeper cannot repair (no spare bookie for an ensemble change, a timeout,
 *       a fenced ledger, an entry over the 5 MB frame) fails every pending add of the handle and
 *       closes the ledger at the handle's last-add-confirmed; later adds fail LEDGER_CLOSED;
 *   <li>the outcome of a handle's first close attempt (its own, or the one BookKeeper made after
 *       an unrecoverable add) is the outcome of every later {@code close()};
 *   <li>an open with recovery checks the password, fences the ledger (the writer's later adds
 *       fail FENCED) and closes it at the last entry that reached a bookie, which may include
 *       entries the writer saw fail or never heard back about;
 *   <li>an open without recovery sees the last-add-confirmed the bookies know: the one piggybacked
 *       on the newest entry (one behind the writer while it is busy), or the one an idle writer
 *       pushed after 100 ms;
 *   <li>bookies can be stopped and started; an ensemble with a stopped bookie is changed at the
 *       next add if a spare is up, and entries are unreadable only while every bookie of their
 *       ensemble is down.
 * </ul>
 * Faults come from the {@link FaultPlan}. Not modelled: per-bookie copies (data is lost only with
 * the whole ensemble), disk failures, auto-recovery, the client's own throttling.
 */
public final class SimBookKeeper {
    /** BookKeeper's default frame limit ({@code nettyMaxFrameSizeBytes}), less the add request's header. */
    public static final int MAX_ENTRY_BYTES = 5 * 1024 * 1024 - 1024;
    private static final long EXPLICIT_LAC_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final FaultPlan plan;
    private final ScheduledExecutorService delivery;
    private final boolean[] up;
    private final SplittableRandom placement;
    private final Map<Long, Ledger> ledgers = new HashMap<>();
    private final List<Writer> writers = new ArrayList<>();
    private long nextLedgerId = 1;

    private final class Ledger {
        final long id;
        final byte[] password;
        final LedgerLog.Spec spec;
        /** Entries by id; null where an entry reached no bookie. */
        final List<byte[]> entries = new ArrayList<>();
        /** First entry id of each ensemble, and its bookies. */
        final TreeMap<Long, int[]> ensembles = new TreeMap<>();
        boolean closed;
        long lastEntryId = -1;
        long length;
        boolean fenced;
        long piggybackLac = -1;
        long explicitLac = -1;
        Writer writer;
        /** Copies that differ from what was written, by entry and bookie (tests plant them). */
        final Map<Long, Map<Integer, byte[]>> tampered = new HashMap<>();

        /** The bookies an entry was written to, in BookKeeper's round-robin order (reads try them in it). */
        int[] writeSet(long entryId) {
            int[] ens = ensembleOf(entryId);
            int[] out = new int[spec.writeQuorum()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ens[(int) ((entryId + i) % ens.length)];
            }
            return out;
        }

        /** The copy bookie {@code b} holds of {@code entryId}. */
        byte[] copy(long entryId, int b) {
            Map<Integer, byte[]> t = tampered.get(entryId);
            byte[] bad = t == null ? null : t.get(b);
            return bad != null ? bad : entries.get((int) entryId);
        }

        /** What a read returns: the copy of the first bookie of the write set that is up. */
        byte[] read(long entryId) {
            for (int b : writeSet(entryId)) {
                if (up[b]) {
                    return copy(entryId, b);
                }
            }
            return entries.get((int) entryId);
        }

        Ledger(long id, byte[] password, LedgerLog.Spec spec, int[] ensemble) {
            this.id = id;
            this.password = password.clone();
            this.spec = spec;
            ensembles.put(0L, ensemble);
        }

        int[] ensembleOf(long entryId) {
            return ensembles.floorEntry(entryId).getValue();
        }

        boolean readable(long entryId) {
            for (int b : ensembleOf(entryId)) {
                if (up[b]) {
                    return true;
                }
            }
            return false;
        }

        /** The last-add-confirmed a reader learns from the bookies now. */
        long bookieLac() {
            Writer w = writer;
            if (w != null && w.alive() && System.nanoTime() - w.lastAddNanos >= EXPLICIT_LAC_NANOS) {
                explicitLac = Math.max(explicitLac, w.lac);
            }
            return Math.max(piggybackLac, explicitLac);
        }
    }

    private static final class Pending {
        final long entryId;
        final WriteLedger.AppendCallback cb;
        final Object ctx;
        long readyAt;
        LogError error;
        /** An error BookKeeper cannot repair, met when this entry's turn comes: it fails the handle. */
        final LogError fatal;

        Pending(long entryId, WriteLedger.AppendCallback cb, Object ctx, long readyAt, LogError fatal) {
            this.entryId = entryId;
            this.cb = cb;
            this.ctx = ctx;
            this.readyAt = readyAt;
            this.fatal = fatal;
        }
    }

    public SimBookKeeper(int bookies, long seed, FaultPlan plan, ScheduledExecutorService delivery) {
        this.plan = plan;
        this.delivery = delivery;
        this.up = new boolean[bookies];
        Arrays.fill(up, true);
        this.placement = new SplittableRandom(seed);
    }

    public int bookies() {
        return up.length;
    }

    /** A client of the simulated cluster; closing it fails its writers' pending adds. */
    public LedgerLog connect() {
        return new Client();
    }

    /** Stops bookie {@code b}: writers whose ensemble holds it change ensemble on their pending and next adds, or fail. */
    public void stopBookie(int b) {
        List<Runnable> callbacks = new ArrayList<>();
        synchronized (this) {
            up[b] = false;
            for (Writer w : writers) {
                if (w.alive() && !w.pending.isEmpty() && contains(w.ledger.ensembleOf(w.nextEntry), b)) {
                    w.changeEnsembleOrFail(b, callbacks);
                }
            }
        }
        if (!callbacks.isEmpty()) {
            delivery.execute(() -> callbacks.forEach(Runnable::run));
        }
    }

    public synchronized void startBookie(int b) {
        up[b] = true;
    }

    public synchronized boolean isUp(int b) {
        return up[b];
    }

    public synchronized void startAll() {
        Arrays.fill(up, true);
    }

    private static boolean contains(int[] a, int x) {
        for (int y : a) {
            if (y == x) {
                return true;
            }
        }
        return false;
    }

    private int upCount() {
        int n = 0;
        for (boolean u : up) {
            if (u) {
                n++;
            }
        }
        return n;
    }

    private static String bookieId(int b) {
        return "sim-bookie-" + b + ":3181";
    }

    private Ledger ledger(long id) throws LogException {
        Ledger l = ledgers.get(id);
        if (l == null) {
            throw new LogException(LogError.NO_SUCH_LEDGER, "No such ledger exists on Metadata Server (simulated, ledger " + id + ")");
        }
        return l;
    }

    private void scheduleDelivery(Writer w, long atNanos) {
        long delay = Math.max(0, atNanos - System.nanoTime());
        var unused = delivery.schedule(w::deliver, delay, TimeUnit.NANOSECONDS); // as with execute(), nothing waits on a delivery
    }

    // ---- writer handles ---------------------------------------------------------------------------

    private final class Writer implements WriteLedger {
        final Ledger ledger;
        final Client client;
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
        long nextEntry;
        volatile long lac = -1;
        long lastAddNanos = System.nanoTime();
        /** Fixed by the first close attempt: a Long (last entry) or a LogException. */
        Object closeOutcome;
        int ensembleChanges;

        Writer(Ledger ledger, Client client) {
            this.ledger = ledger;
            this.client = client;
        }

        boolean alive() {
            return closeOutcome == null && !client.closed;
        }

        @Override
        public long id() {
            return ledger.id;
        }

        @Override
        public void append(byte[] data, int off, int len, AppendCallback cb, Object ctx) {
            List<Runnable> callbacks = new ArrayList<>();
            synchronized (SimBookKeeper.this) {
                if (client.closed) {
                    callbacks.add(() -> cb.complete(LogError.CLIENT_CLOSED, -1, ctx));
                } else if (closeOutcome != null) {
                    callbacks.add(() -> cb.complete(LogError.LEDGER_CLOSED, -1, ctx));
                } else {
                    addLocked(Arrays.copyOfRange(data, off, off + len), cb, ctx, callbacks);
                }
            }
            if (!callbacks.isEmpty()) {
                delivery.execute(() -> callbacks.forEach(Runnable::run));
            }
        }

        private void addLocked(byte[] data, AppendCallback cb, Object ctx, List<Runnable> callbacks) {
            long id = nextEntry++;
            FaultPlan.Decision d = plan.decide(Point.BK_ADD);
            long now = System.nanoTime();
            LogError atOnce = null; // fails the handle at once (the write could not even be sent)
            LogError later = null; // fails the handle when this entry's turn comes (a timeout)
            boolean reached = true;
            if (data.length > MAX_ENTRY_BYTES) {
                atOnce = LogError.TOO_LARGE;
            } else if (ledger.fenced) {
                atOnce = LogError.FENCED;
            } else {
                for (int b : ledger.ensembleOf(id)) {
                    if (!up[b] && !replaceBookie(b, id)) {
                        atOnce = LogError.NOT_ENOUGH_BOOKIES;
                        break;
                    }
                }
                if (atOnce == null) {
                    if (d.fault() == Fault.BK_ENSEMBLE_CHANGE) {
                        int[] ens = ledger.ensembleOf(id);
                        if (!replaceBookie(ens[d.param() % ens.length], id)) {
                            atOnce = LogError.NOT_ENOUGH_BOOKIES;
                        }
                    } else if (d.fault() == Fault.BK_ADD_TIMEOUT) {
                        later = LogError.TIMEOUT;
                        reached = false;
                    } else if (d.fault() == Fault.BK_ADD_TIMEOUT_REACHED) {
                        later = LogError.TIMEOUT;
                    }
                }
            }
            reached &= atOnce == null;
            ledger.entries.add(reached ? data : null);
            if (reached) {
                ledger.piggybackLac = Math.max(ledger.piggybackLac, lac);
                lastAddNanos = now;
            }
            if (atOnce != null) {
                pending.add(new Pending(id, cb, ctx, now, null));
                failAll(atOnce, callbacks);
                return;
            }
            long delay = d.fault() == Fault.BK_ACK_DELAY || later != null ? TimeUnit.MILLISECONDS.toNanos(1 + d.param() % 40) : 0;
            pending.add(new Pending(id, cb, ctx, now + delay, later));
            scheduleDelivery(this, now + delay);
        }

        /** An ensemble change: replaces bookie {@code b} from entry {@code from} on, if a spare bookie is up. */
        private boolean replaceBookie(int b, long from) {
            int[] ens = ledger.ensembleOf(from);
            List<Integer> spares = new ArrayList<>();
            for (int i = 0; i < up.length; i++) {
                if (up[i] && !contains(ens, i)) {
                    spares.add(i);
                }
            }
            if (spares.isEmpty()) {
                return false;
            }
            int[] next = ens.clone();
            for (int i = 0; i < next.length; i++) {
                if (next[i] == b) {
                    next[i] = spares.get(placement.nextInt(spares.size()));
                }
            }
            // Entries not yet acknowledged move to the new ensemble with the entries after them.
            long start = Math.min(from, lac + 1);
            ledger.ensembles.tailMap(start, true).clear();
            ledger.ensembles.put(start, next);
            ensembleChanges++;
            return true;
        }

        void changeEnsembleOrFail(int b, List<Runnable> callbacks) {
            if (!replaceBookie(b, lac + 1)) {
                failAll(LogError.NOT_ENOUGH_BOOKIES, callbacks);
            }
        }

        /**
         * BookKeeper's unrecoverable add error: every pending add fails with {@code error} and the
         * handle closes the ledger at its last-add-confirmed (this is its first close attempt).
         */
        private void failAll(LogError error, List<Runnable> callbacks) {
            for (Pending p : pending) {
                p.error = p.error == null ? error : p.error;
                Pending q = p;
                callbacks.add(() -> q.cb.complete(q.error, q.entryId, q.ctx));
            }
            pending.clear();
            if (closeOutcome == null) {
                closeOutcome = closeLocked();
            }
        }

        /** Delivers, in order, the acknowledgements that are due (on the delivery thread). */
        void deliver() {
            List<Runnable> callbacks = new ArrayList<>();
            synchronized (SimBookKeeper.this) {
                long now = System.nanoTime();
                while (!pending.isEmpty()) {
                    Pending p = pending.peekFirst();
                    if (p.readyAt > now) {
                        scheduleDelivery(this, p.readyAt);
                        break;
                    }
                    if (p.fatal != null) {
                        failAll(p.fatal, callbacks); // this entry and every one after it
                        break;
                    }
                    pending.pollFirst();
                    if (p.error == null) {
                        lac = p.entryId;
                    }
                    callbacks.add(() -> p.cb.complete(p.error, p.entryId, p.ctx));
                }
            }
            callbacks.forEach(Runnable::run);
        }

        @Override
        public long append(byte[] data) throws LogException {
            CompletableFuture<Long> done = new CompletableFuture<>();
            append(data, 0, data.length, (error, entryId, ctx) -> {
                if (error == null) {
                    done.complete(entryId);
                } else {
                    done.completeExceptionally(new LogException(error, "simulated add to ledger " + ledger.id + " failed: " + error));
                }
            }, null);
            try {
                return done.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LogException(LogError.INTERRUPTED, "interrupted", e);
            } catch (ExecutionException e) {
                throw (LogException) e.getCause();
            } catch (TimeoutException e) {
                throw new LogException(LogError.TIMEOUT, "simulated add did not complete in 30 s");
            }
        }

        @Override
        public long close() throws LogException {
            List<Runnable> callbacks = new ArrayList<>();
            Object outcome;
            synchronized (SimBookKeeper.this) {
                if (closeOutcome == null) {
                    for (Pending p : pending) {
                        Pending q = p;
                        callbacks.add(() -> q.cb.complete(LogError.LEDGER_CLOSED, q.entryId, q.ctx));
                    }
                    pending.clear();
                    closeOutcome = closeLocked();
                }
                outcome = closeOutcome;
            }
            if (!callbacks.isEmpty()) {
                delivery.execute(() -> callbacks.forEach(Runnable::run));
            }
            if (outcome instanceof LogException e) {
                throw new LogException(e.error(), e.getMessage());
            }
            return (Long) outcome;
        }

        /** The metadata update of a close: CLOSED at the last-add-confirmed, unless fenced, gone or faulted. */
        private Object closeLocked() {
            FaultPlan.Decision d = plan.decide(Point.BK_CLOSE);
            if (!ledgers.containsKey(ledger.id)) {
                return new LogException(LogError.NO_SUCH_LEDGER, "ledger " + ledger.id + " was deleted");
            }
            if (ledger.fenced || ledger.closed) {
                return new LogException(LogError.FENCED, "ledger " + ledger.id + " was fenced by a recovery (simulated)");
            }
            if (d.fault() == Fault.BK_CLOSE_FAILS) {
                return new LogException(LogError.METADATA_UNAVAILABLE, "simulated: the metadata update closing ledger "
                        + ledger.id + " failed");
            }
            ledger.closed = true;
            ledger.lastEntryId = lac;
            long length = 0;
            for (int i = 0; i <= lac; i++) {
                length += ledger.entries.get(i).length;
            }
            ledger.length = length;
            return lac;
        }

        @Override
        public long lastAddConfirmed() {
            return lac;
        }

        @Override
        public int ensembleChanges() {
            synchronized (SimBookKeeper.this) {
                return ensembleChanges;
            }
        }
    }

    // ---- read handles -----------------------------------------------------------------------------

    private final class Reader implements ReadLedger {
        final Ledger ledger;
        final boolean closed;
        final long last;

        Reader(Ledger ledger, boolean closed, long last) {
            this.ledger = ledger;
            this.closed = closed;
            this.last = last;
        }

        @Override
        public long id() {
            return ledger.id;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public long lastAddConfirmed() {
            return last;
        }

        @Override
        public long readLastConfirmed() throws LogException {
            FaultPlan.Decision d = plan.decide(Point.BK_READ_LAC);
            synchronized (SimBookKeeper.this) {
                if (ledger.closed) {
                    return ledger.lastEntryId;
                }
                long lac = ledger.bookieLac();
                if (d.fault() == Fault.BK_LAC_BEHIND && lac >= 0) {
                    return lac - 1 - d.param() % (lac + 1); // an older LAC, down to -1 (nothing confirmed yet)
                }
                return lac;
            }
        }

        @Override
        public void read(long first, long lastId, EntryConsumer consumer) throws LogException {
            FaultPlan.Decision d = plan.decide(Point.BK_READ);
            long failAt = d.fault() == Fault.BK_READ_FAILS ? first + d.param() % (lastId - first + 1) : Long.MAX_VALUE;
            for (long id = first; id <= lastId; id++) {
                byte[] data;
                synchronized (SimBookKeeper.this) {
                        long readable = ledger.closed ? ledger.lastEntryId : Math.max(last, ledger.bookieLac());
                    if (id == failAt || id > readable || id >= ledger.entries.size() || ledger.entries.get((int) id) == null
                            || !ledger.readable(id)) {
                        throw new LogException(LogError.READ_FAILED, "simulated: reading entry " + id + " of ledger " + ledger.id
                                + " failed" + (id == failAt ? " (injected)" : ""));
                    }
                    data = ledger.read(id).clone();
                }
                consumer.accept(id, data);
            }
        }

        @Override
        public List<Replica> readReplicas(long entryId) {
            synchronized (SimBookKeeper.this) {
                List<Replica> out = new ArrayList<>();
                for (int b : ledger.writeSet(entryId)) {
                    out.add(up[b] ? new Replica(bookieId(b), ledger.copy(entryId, b).clone(), null)
                            : new Replica(bookieId(b), null, "bookie " + bookieId(b) + " is down"));
                }
                return out;
            }
        }

        @Override
        public void close() {
        }
    }

    /**
     * Makes the {@code position}-th bookie of an entry's write set hold {@code data} instead of what
     * was written, as a bug above BookKeeper's checksum (or tampering that kept the checksum right)
     * would: BookKeeper's own check passes, the store's must not. Position 0 is the copy reads get.
     */
    public synchronized void tamper(long ledgerId, long entryId, int position, byte[] data) {
        Ledger l = ledgers.get(ledgerId);
        int b = l.writeSet(entryId)[position];
        l.tampered.computeIfAbsent(entryId, k -> new HashMap<>()).put(b, data.clone());
    }

    /** The id of the {@code position}-th bookie of an entry's write set, as reports name it. */
    public synchronized String writeSetBookie(long ledgerId, long entryId, int position) {
        return bookieId(ledgers.get(ledgerId).writeSet(entryId)[position]);
    }

    // ---- the client ---------------------------------------------------------------------------------

    private final class Client implements LedgerLog {
        volatile boolean closed;

        @Override
        public WriteLedger create(Spec spec, byte[] password, Map<String, byte[]> custom) throws LogException {
            synchronized (SimBookKeeper.this) {
                checkOpen();
                FaultPlan.Decision d = plan.decide(Point.BK_CREATE);
                if (d.fault() == Fault.BK_CREATE_FAILS || upCount() < spec.ensemble()) {
                    throw new LogException(LogError.NOT_ENOUGH_BOOKIES, "Not enough non-faulty bookies available (simulated: "
                            + upCount() + " up, ensemble " + spec.ensemble() + ")");
                }
                List<Integer> candidates = new ArrayList<>();
                for (int i = 0; i < up.length; i++) {
                    if (up[i]) {
                        candidates.add(i);
                    }
                }
                int[] ensemble = new int[spec.ensemble()];
                for (int i = 0; i < ensemble.length; i++) {
                    ensemble[i] = candidates.remove(placement.nextInt(candidates.size()));
                }
                Ledger l = new Ledger(nextLedgerId++, password, spec, ensemble);
                ledgers.put(l.id, l);
                Writer w = new Writer(l, this);
                l.writer = w;
                writers.add(w);
                return w;
            }
        }

        @Override
        public ReadLedger open(long ledgerId, byte[] password, boolean recover) throws LogException {
            synchronized (SimBookKeeper.this) {
                checkOpen();
                FaultPlan.Decision d = plan.decide(recover ? Point.BK_RECOVER : Point.BK_OPEN);
                Ledger l = ledger(ledgerId);
                if (!Arrays.equals(password, l.password)) {
                    throw new LogException(LogError.UNAUTHORIZED, "Attempted to access ledger using the wrong password (simulated)");
                }
                if (l.closed) {
                    return new Reader(l, true, l.lastEntryId);
                }
                if (!recover) {
                    if (d.fault() == Fault.BK_OPEN_FAILS) {
                        throw new LogException(LogError.READ_FAILED, "simulated: reading the last-add-confirmed of ledger "
                                + ledgerId + " failed");
                    }
                    return new Reader(l, false, l.bookieLac());
                }
                int[] ens = l.ensembleOf(Math.max(0, l.entries.size() - 1));
                int down = 0;
                for (int b : ens) {
                    if (!up[b]) {
                        down++;
                    }
                }
                if (down > l.spec.ensemble() - l.spec.ackQuorum()) {
                    throw new LogException(LogError.RECOVERY_FAILED, "simulated: too many bookies of ledger " + ledgerId
                            + "'s ensemble are down to recover it (" + down + " of " + ens.length + ")");
                }
                l.fenced = true; // fencing comes first: a recovery that fails after it has still fenced the writer
                if (d.fault() == Fault.BK_RECOVERY_FAILS) {
                    throw new LogException(LogError.RECOVERY_FAILED, "simulated: recovery of ledger " + ledgerId + " failed");
                }
                // Recovery reads forward until an entry no bookie has.
                long last = -1;
                long length = 0;
                while (last + 1 < l.entries.size() && l.entries.get((int) (last + 1)) != null) {
                    last++;
                    length += l.entries.get((int) last).length;
                }
                l.closed = true;
                l.lastEntryId = last;
                l.length = length;
                return new Reader(l, true, l.lastEntryId);
            }
        }

        @Override
        public void delete(long ledgerId) throws LogException {
            synchronized (SimBookKeeper.this) {
                checkOpen();
                FaultPlan.Decision d = plan.decide(Point.BK_DELETE);
                ledger(ledgerId);
                if (d.fault() == Fault.BK_DELETE_FAILS) {
                    throw new LogException(LogError.METADATA_UNAVAILABLE, "simulated: deleting ledger " + ledgerId + " failed");
                }
                ledgers.remove(ledgerId);
            }
        }

        @Override
        public LedgerInfo info(long ledgerId) throws LogException {
            synchronized (SimBookKeeper.this) {
                Ledger l = ledger(ledgerId);
                TreeMap<Long, List<String>> ens = new TreeMap<>();
                l.ensembles.forEach((from, bookies) -> ens.put(from, Arrays.stream(bookies).mapToObj(SimBookKeeper::bookieId).toList()));
                return new LedgerInfo(l.closed, l.closed ? l.lastEntryId : -1, l.closed ? l.length : -1, ens);
            }
        }

        @Override
        public Bookies bookies() {
            synchronized (SimBookKeeper.this) {
                List<String> w = new ArrayList<>();
                for (int i = 0; i < up.length; i++) {
                    if (up[i]) {
                        w.add(bookieId(i));
                    }
                }
                return new Bookies(w, List.of());
            }
        }

        private void checkOpen() throws LogException {
            if (closed) {
                throw new LogException(LogError.CLIENT_CLOSED, "simulated BookKeeper client is closed");
            }
        }

        @Override
        public void close() {
            List<Runnable> callbacks = new ArrayList<>();
            synchronized (SimBookKeeper.this) {
                if (closed) {
                    return;
                }
                closed = true;
                for (Writer w : writers) {
                    if (w.client == this) {
                        for (Pending p : w.pending) {
                            callbacks.add(() -> p.cb.complete(LogError.CLIENT_CLOSED, p.entryId, p.ctx));
                        }
                        w.pending.clear();
                    }
                }
                writers.removeIf(w -> w.client == this);
            }
            if (!callbacks.isEmpty()) {
                delivery.execute(() -> callbacks.forEach(Runnable::run));
            }
        }
    }

    /** Ledgers that exist now (for checks: orphans, deletions). */
    public synchronized List<Long> ledgerIds() {
        return new ArrayList<>(ledgers.keySet());
    }
}
