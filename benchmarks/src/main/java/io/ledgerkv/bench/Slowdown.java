package io.ledgerkv.bench;

/**
 * The benchmark-only knob that proves the regression gate works: with
 * {@code -Dledgerkv.bench.slowdown=0.10}, every store-side benchmark invocation busy-waits for
 * {@code s / (1 - s)} of its own duration, so a CPU-bound path loses {@code s} of its throughput
 * (10 %). Baselines (raw BookKeeper, the bare map, the raw codec libraries) are never slowed, so
 * in-run ratios move as well as absolute scores. Off (0) by default; then {@link #ON} is a
 * constant false and the JIT removes every call.
 */
public final class Slowdown {
    public static final double FRACTION = Double.parseDouble(System.getProperty("ledgerkv.bench.slowdown", "0"));
    public static final boolean ON = FRACTION > 0;
    private static final double FACTOR;

    static {
        if (FRACTION < 0 || FRACTION >= 1) {
            throw new IllegalArgumentException("ledgerkv.bench.slowdown must be in [0, 1), got " + FRACTION);
        }
        FACTOR = FRACTION / (1 - FRACTION);
    }

    private Slowdown() {
    }

    /** Start of an invocation: {@code System.nanoTime()} when the knob is on, else 0 (no clock read). */
    public static long start() {
        return ON ? System.nanoTime() : 0;
    }

    /** End of an invocation that started at {@code t0}: spins for the configured share of its duration. */
    public static void end(long t0) {
        if (!ON) {
            return;
        }
        long now = System.nanoTime();
        long until = now + (long) ((now - t0) * FACTOR);
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
