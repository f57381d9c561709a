package io.ledgerkv.fault.nemesis;

import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.workload.WriterSupervisor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.net.BookieId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects faults on a schedule drawn from a seed: pick a fault kind, inject it, hold it for a
 * while, undo it, pause, repeat. Every fault is recorded in the history as NEMESIS_START and
 * NEMESIS_END (with what was done), so checkers and timelines can place it. {@link #heal()} undoes
 * whatever is still in effect.
 */
public final class Nemesis implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Nemesis.class);

    private final LocalCluster cluster;
    private final WriterSupervisor writers;
    private final History history;
    private final SplittableRandom random;
    private final List<FaultKind> kinds;
    private final long deadlineNanos;
    private final List<Integer> killed = new ArrayList<>();
    private final List<Integer> paused = new ArrayList<>();
    private final List<Integer> full = new ArrayList<>();
    private final Map<FaultKind, Integer> counts = new LinkedHashMap<>();
    private final Map<FaultKind, Integer> failed = new LinkedHashMap<>();
    private List<FaultKind> forced;
    private volatile int forcedNext;
    /** Set once the forced schedule's last fault has been healed (not when it starts). */
    private volatile boolean forcedDone;
    private volatile boolean stop;

    /** @param cluster the embedded cluster, or null against an external one (then only writer-side kinds) */
    public Nemesis(LocalCluster cluster, WriterSupervisor writers, History history, long seed, List<FaultKind> kinds,
                   long deadlineNanos) {
        if (cluster == null && FaultKind.refusedWithoutEmbeddedCluster(kinds) != null) {
            throw new IllegalArgumentException(FaultKind.refusedWithoutEmbeddedCluster(kinds));
        }
        this.cluster = cluster;
        this.writers = writers;
        this.history = history;
        this.random = new SplittableRandom(seed);
        this.kinds = kinds;
        this.deadlineNanos = deadlineNanos;
    }

    public Map<FaultKind, Integer> counts() {
        return counts;
    }

    public void stop() {
        stop = true;
    }

    /**
     * Runs each enabled kind exactly once, in a seeded order, with short holds, instead of the
     * random schedule: the short campaign of the default build reaches every kind this way.
     */
    public Nemesis everyKindOnce() {
        List<FaultKind> order = new ArrayList<>(kinds);
        for (int i = order.size() - 1; i > 0; i--) {
            java.util.Collections.swap(order, i, random.nextInt(i + 1));
        }
        this.forced = order;
        return this;
    }

    /** Whether the forced schedule ({@link #everyKindOnce}) has run every kind. */
    public boolean forcedScheduleDone() {
        return forcedDone;
    }

    /** Injections that failed (the fault could not be applied): counted apart, never as faults. */
    public Map<FaultKind, Integer> failedInjections() {
        return failed;
    }

    @Override
    public void run() {
        try {
            pause(500 + random.nextInt(1000));
            while (!kinds.isEmpty() && !stop && (forced != null ? forcedNext < forced.size()
                    : System.nanoTime() < deadlineNanos - TimeUnit.SECONDS.toNanos(3))) {
                FaultKind kind = forced != null ? forced.get(forcedNext++) : kinds.get(random.nextInt(kinds.size()));
                int hold = forced != null ? 800 : 800 + random.nextInt(2200);
                Map<String, Object> what = new LinkedHashMap<>();
                what.put("holdMillis", hold);
                history.add(-1, Event.Type.NEMESIS_START, kind.name(), what, 0, null, null);
                boolean injected = false;
                try {
                    inject(kind, what);
                    injected = true;
                    pause(hold);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    what.put("error", e.toString());
                    LOG.debug("nemesis {} failed: {}", kind, e.toString());
                } finally {
                    heal();
                }
                (injected ? counts : failed).merge(kind, 1, Integer::sum);
                history.add(-1, Event.Type.NEMESIS_END, kind.name(), what, 0, null, null);
                pause(forced != null ? 500 : 500 + random.nextInt(1500));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            forcedDone = true;
        }
    }

    private void inject(FaultKind kind, Map<String, Object> what) throws Exception {
        switch (kind) {
            case KILL_BOOKIE -> {
                int b = randomRunning();
                cluster.killBookie(b);
                killed.add(b);
                what.put("bookies", List.of(b));
            }
            case KILL_ENSEMBLE_BOOKIE -> {
                int b = ensembleBookie(random.nextInt(3));
                cluster.killBookie(b);
                killed.add(b);
                what.put("bookies", List.of(b));
            }
            case KILL_BELOW_ACK_QUORUM -> killAllButOne(what);
            case CRASH_WRITER_IN_OUTAGE -> {
                killAllButOne(what);
                pause(200 + random.nextInt(600));
                what.put("epoch", writers.current().epoch());
                writers.crashWriterLeaveDown();
            }
            case PAUSE_BOOKIE -> {
                int b = ensembleBookie(random.nextInt(3));
                cluster.suspendBookie(b);
                paused.add(b);
                what.put("bookies", List.of(b));
            }
            case READ_ONLY_BOOKIE -> {
                int b = ensembleBookie(random.nextInt(3));
                cluster.setBookieDiskFull(b, true);
                full.add(b);
                what.put("bookies", List.of(b));
            }
            case EXPIRE_WRITER_SESSION -> {
                writers.expireWriterSession();
                what.put("epoch", writers.current().epoch());
            }
            case CRASH_WRITER -> {
                what.put("epoch", writers.current().epoch());
                writers.crashWriter();
            }
            case SUCCESSOR_FENCES_WRITER -> {
                what.put("epoch", writers.current().epoch());
                what.putAll(writers.successorTakesOver());
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
    }

    /** Leaves one bookie running: fewer than the ack quorum (2), so nothing can commit until they return. */
    private void killAllButOne(Map<String, Object> what) {
        List<Integer> running = cluster.runningBookies();
        int survivor = running.get(random.nextInt(running.size()));
        for (int b : running) {
            if (b != survivor) {
                cluster.killBookie(b);
                killed.add(b);
            }
        }
        what.put("bookies", List.copyOf(killed));
    }

    private int randomRunning() {
        List<Integer> running = cluster.runningBookies();
        return running.get(random.nextInt(running.size()));
    }

    /** A bookie of the current ledger's newest ensemble (falls back to a random running one). */
    private int ensembleBookie(int pick) {
        try {
            StoreStatus st = writers.current().client().status(writers.current().store().name());
            var frags = st.ledgers().get(st.ledgers().size() - 1).fragments();
            List<String> ensemble = frags.get(frags.size() - 1).ensemble();
            int b = cluster.indexOf(BookieId.parse(ensemble.get(pick % ensemble.size())));
            if (b >= 0 && cluster.isRunning(b)) {
                return b;
            }
        } catch (RuntimeException e) {
            // the writer is changing; any bookie will do
        }
        return randomRunning();
    }

    /** Undoes every fault still in effect. */
    public synchronized void heal() {
        for (int b : paused) {
            if (cluster.isRunning(b)) {
                cluster.resumeBookie(b);
            }
        }
        paused.clear();
        for (int b : full) {
            if (cluster.isRunning(b)) {
                cluster.setBookieDiskFull(b, false);
            }
        }
        full.clear();
        for (int b : killed) {
            try {
                if (!cluster.isRunning(b)) {
                    cluster.restartBookie(b);
                }
            } catch (Exception e) {
                throw new IllegalStateException("could not restart bookie " + b, e);
            }
        }
        killed.clear();
    }

    private static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
