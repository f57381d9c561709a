package io.ledgerkv.fault.nemesis;

import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nemesis's schedule, shared by the in-JVM {@link Nemesis} and the {@link ProcessNemesis}: pick
 * a fault kind (seeded), inject it, hold it, heal, pause, repeat until the deadline; or, with
 * {@link #everyKindOnce}, each enabled kind once in a seeded order with short holds. Every fault
 * is recorded as NEMESIS_START and NEMESIS_END (with what was done); an injection that fails is
 * counted apart from the faults.
 */
public abstract class FaultLoop<K extends Enum<K>> implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(FaultLoop.class);

    protected final History history;
    protected final SplittableRandom random;
    protected final List<K> kinds;
    private final long deadlineNanos;
    private final Map<K, Integer> counts = new LinkedHashMap<>();
    private final Map<K, Integer> failed = new LinkedHashMap<>();
    private List<K> forced;
    /** The nemesis thread's own position in {@link #forced} ({@link #run} alone reads and writes it). */
    private int forcedNext;
    /** Set once the forced schedule's last fault has been healed (not when it starts). */
    private volatile boolean forcedDone;
    private volatile boolean stop;

    protected FaultLoop(History history, long seed, List<K> kinds, long deadlineNanos) {
        this.history = history;
        this.random = new SplittableRandom(seed);
        this.kinds = kinds;
        this.deadlineNanos = deadlineNanos;
    }

    /** Injects {@code kind}, putting what it did into {@code what}; throws if it could not. */
    protected abstract void inject(K kind, Map<String, Object> what) throws Exception;

    /** Undoes every fault still in effect. */
    public abstract void heal();

    /** How long a fault is held: 0.8 s in the forced schedule, else 0.8–3 s (seeded). */
    protected int holdMillis(K kind, boolean forcedSchedule) {
        return forcedSchedule ? 800 : 800 + random.nextInt(2200);
    }

    /** Faults whose heal failed (a node that would not restart, an undo command that failed): the run cannot be trusted. */
    public List<String> healFailures() {
        return healFailures;
    }

    private final List<String> healFailures = new CopyOnWriteArrayList<>();

    public Map<K, Integer> counts() {
        return counts;
    }

    /** Injections that failed (the fault could not be applied): counted apart, never as faults. */
    public Map<K, Integer> failedInjections() {
        return failed;
    }

    public void stop() {
        stop = true;
    }

    /**
     * Runs each enabled kind exactly once, in a seeded order, with short holds, instead of the
     * random schedule: the short campaign of the default build reaches every kind this way.
     */
    public FaultLoop<K> everyKindOnce() {
        List<K> order = new ArrayList<>(kinds);
        for (int i = order.size() - 1; i > 0; i--) {
            Collections.swap(order, i, random.nextInt(i + 1));
        }
        this.forced = order;
        return this;
    }

    /** Whether the forced schedule ({@link #everyKindOnce}) has run every kind. */
    public boolean forcedScheduleDone() {
        return forcedDone;
    }

    @Override
    public void run() {
        try {
            pause(500 + random.nextInt(1000));
            while (!kinds.isEmpty() && !stop && (forced != null ? forcedNext < forced.size()
                    : System.nanoTime() < deadlineNanos - TimeUnit.SECONDS.toNanos(3))) {
                K kind = forced != null ? forced.get(forcedNext++) : kinds.get(random.nextInt(kinds.size()));
                int hold = holdMillis(kind, forced != null);
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
                    try {
                        heal();
                    } catch (RuntimeException e) {
                        what.put("healError", e.toString());
                        healFailures.add(kind + ": " + e);
                        stop = true; // the cluster is not what the next fault assumes: end the schedule, the run fails
                    }
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

    protected static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
