package io.ledgerkv.sim;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A seeded fault schedule for the simulated ZooKeeper and BookKeeper. Every call the simulation
 * serves passes a {@link Point}; the plan counts calls per point and decides the fault of the n-th
 * call at a point from {@code (seed, point, n)} alone, so one point's schedule does not depend on how
 * calls at other points interleave with it. A plan is either random (each fault of a point at its
 * rate) or explicit (exactly the listed faults: how a failing schedule is replayed and shrunk).
 * {@link #heal()} turns every fault off for the liveness phase.
 */
public final class FaultPlan {

    /** Where a fault can strike: one kind of call into the simulated systems. */
    public enum Point {
        ZK_READ, ZK_WRITE, BK_CREATE, BK_ADD, BK_CLOSE, BK_OPEN, BK_RECOVER, BK_READ, BK_DELETE,
        /** A reader asks the bookies for an open ledger's last-add-confirmed. */
        BK_READ_LAC
    }

    /** What happens to one call. */
    public enum Fault {
        NONE,
        /** The request is lost and Curator's retries run out: not applied; the caller sees CONNECTION_LOSS. */
        ZK_CONNECTION_LOSS(Point.ZK_WRITE, Point.ZK_READ),
        /** Applied, the response lost; Curator sends the same request again and returns that second outcome. */
        ZK_APPLIED_RESPONSE_LOST(Point.ZK_WRITE),
        /** Applied, the response lost, Curator's retries run out: the caller sees CONNECTION_LOSS. */
        ZK_APPLIED_THEN_CONNECTION_LOSS(Point.ZK_WRITE),
        /** The session expires just before the call (ephemerals gone, listeners told); Curator reconnects and retries. */
        ZK_SESSION_EXPIRED(Point.ZK_WRITE, Point.ZK_READ),
        /** The answer comes after a pause of a few milliseconds. */
        ZK_SLOW(Point.ZK_WRITE, Point.ZK_READ),
        /** The add times out before reaching any bookie: the handle fails every pending add and closes at its LAC. */
        BK_ADD_TIMEOUT(Point.BK_ADD),
        /** As {@link #BK_ADD_TIMEOUT}, but the entry did reach a bookie: a recovery that finds it may keep it. */
        BK_ADD_TIMEOUT_REACHED(Point.BK_ADD),
        /** A bookie of the write set fails: BookKeeper replaces it if a spare bookie is up, else the add fails. */
        BK_ENSEMBLE_CHANGE(Point.BK_ADD),
        /** The acknowledgement comes late (well inside the add timeout). */
        BK_ACK_DELAY(Point.BK_ADD),
        /** Ledger creation fails: not enough bookies. */
        BK_CREATE_FAILS(Point.BK_CREATE),
        /** The close's metadata update fails; the ledger stays OPEN, and the handle's close outcome is this failure for good. */
        BK_CLOSE_FAILS(Point.BK_CLOSE),
        /** Recovery fences the ledger, then fails. */
        BK_RECOVERY_FAILS(Point.BK_RECOVER),
        /** Opening without recovery fails (the last-add-confirmed cannot be read). */
        BK_OPEN_FAILS(Point.BK_OPEN),
        /** A read fails part way through its range; entries before the failure were delivered. */
        BK_READ_FAILS(Point.BK_READ),
        /** Deleting a ledger fails (metadata store unavailable). */
        BK_DELETE_FAILS(Point.BK_DELETE),
        /**
         * The last-add-confirmed read from the bookies is older than one read before: BookKeeper
         * answers with the highest LAC among the first bookies to reply, and the one that saw the
         * newest piggybacked LAC may not be among them (slow, lossy, paused).
         */
        BK_LAC_BEHIND(Point.BK_READ_LAC);

        // Private, filled by the constructor from the constant's own arguments, never written or handed out.
        @SuppressWarnings("ImmutableEnumChecker")
        private final Point[] points;

        Fault(Point... points) {
            this.points = points;
        }

        boolean strikes(Point p) {
            for (Point q : points) {
                if (q == p) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A fault that struck: the n-th call at a point; {@code param} sizes it (pause, read offset). */
    public record Fired(Point point, long index, Fault fault, int param) {
        @Override
        public String toString() {
            return point + "#" + index + " " + fault + (param != 0 ? "(" + param + ")" : "");
        }
    }

    /** The outcome for one call. */
    public record Decision(Fault fault, int param) {
        static final Decision NONE = new Decision(Fault.NONE, 0);
    }

    private final long seed;
    private final Map<Point, Map<Fault, Double>> rates;
    private final Map<String, Fired> explicit;
    private final Map<Point, AtomicLong> calls = new EnumMap<>(Point.class);
    private final List<Fired> fired = new ArrayList<>();
    private volatile boolean healed;

    private FaultPlan(long seed, Map<Point, Map<Fault, Double>> rates, List<Fired> explicit) {
        for (Point p : Point.values()) {
            calls.put(p, new AtomicLong()); // every point now: the map is only read from here on, by any thread
        }
        this.seed = seed;
        this.rates = rates;
        this.explicit = explicit == null ? null : new LinkedHashMap<>();
        if (explicit != null) {
            for (Fired f : explicit) {
                this.explicit.put(key(f.point(), f.index()), f);
            }
        }
    }

    /** No faults at all. */
    public static FaultPlan none() {
        return new FaultPlan(0, new EnumMap<>(Point.class), null);
    }

    /** Every fault of every point at probability {@code rate} per call (each), decided from {@code seed}. */
    public static FaultPlan random(long seed, double rate) {
        Map<Point, Map<Fault, Double>> rates = new EnumMap<>(Point.class);
        for (Fault f : Fault.values()) {
            for (Point p : f.points) {
                rates.computeIfAbsent(p, k -> new EnumMap<>(Fault.class)).put(f, rate);
            }
        }
        return new FaultPlan(seed, rates, null);
    }

    /** Exactly {@code faults}, at their points and call indexes; every other call goes through. */
    public static FaultPlan explicit(List<Fired> faults) {
        return new FaultPlan(0, new EnumMap<>(Point.class), faults);
    }

    private static String key(Point p, long n) {
        return p + "#" + n;
    }

    /** The next call at {@code p}: which fault, if any, strikes it. */
    public Decision decide(Point p) {
        long n = calls.get(p).getAndIncrement();
        if (healed) {
            return Decision.NONE;
        }
        Fired f;
        if (explicit != null) {
            f = explicit.get(key(p, n));
            if (f == null) {
                return Decision.NONE;
            }
        } else {
            Map<Fault, Double> r = rates.get(p);
            if (r == null) {
                return Decision.NONE;
            }
            // The ordinal is part of the seeded hash: a recorded seed replays its schedule only while the points keep their order.
            @SuppressWarnings("EnumOrdinal")
            long pointSalt = p.ordinal() * 0x9E3779B97F4A7C15L;
            long h = mix(seed ^ mix(pointSalt + n));
            double u = (h >>> 11) * 0x1.0p-53;
            Fault chosen = null;
            for (Map.Entry<Fault, Double> e : r.entrySet()) {
                u -= e.getValue();
                if (u < 0) {
                    chosen = e.getKey();
                    break;
                }
            }
            if (chosen == null) {
                return Decision.NONE;
            }
            f = new Fired(p, n, chosen, (int) ((mix(h) >>> 33) % 1000) + 1);
        }
        synchronized (fired) {
            fired.add(f);
        }
        return new Decision(f.fault(), f.param());
    }

    /** From now on nothing fails: the liveness phase. */
    public void heal() {
        healed = true;
    }

    public boolean healed() {
        return healed;
    }

    /** The faults that struck so far, in the order they struck. */
    public List<Fired> fired() {
        synchronized (fired) {
            return List.copyOf(fired);
        }
    }

    /** Calls made at each point so far. */
    public Map<Point, Long> calls() {
        Map<Point, Long> out = new EnumMap<>(Point.class);
        for (Point p : Point.values()) {
            out.put(p, calls.get(p).get());
        }
        return out;
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
