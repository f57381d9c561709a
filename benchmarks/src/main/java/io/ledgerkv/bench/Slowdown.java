package io.ledgerkv.bench;

import org.openjdk.jmh.infra.Blackhole;

/**
 * The benchmark-only knob that proves the regression gate works: with
 * {@code -Dledgerkv.bench.slowdown=0.10}, every store-side benchmark invocation does extra CPU work
 * worth {@code s / (1 - s)} of its own mean duration, so a CPU-bound path loses {@code s} of its
 * throughput (10 %). Baselines (raw BookKeeper, the bare map, the raw codec libraries) are never
 * slowed, so in-run ratios move as well as absolute scores. Off (0) by default; then {@link #ON}
 * is a constant false and the JIT removes every call.
 *
 * <p>How the extra work is sized without distorting short calls: a first version read the clock
 * around every invocation and spun for a share of it; on a 1.5 µs {@code get} the two clock reads
 * and the spin loop's granularity cost 28 % instead of 10 %. Now only one invocation in
 * {@value #SAMPLE_EVERY} is timed; per thread, an exponential moving average of those samples
 * estimates the call's mean duration, and the work is JMH's {@link Blackhole#consumeCPU(long)}
 * (a fixed amount of arithmetic, no clock), whose cost per token is itself re-measured on the
 * timed invocations. Each invocation then burns {@code factor x mean / nsPerToken} tokens.
 */
public final class Slowdown {
    public static final double FRACTION = Double.parseDouble(System.getProperty("ledgerkv.bench.slowdown", "0"));
    public static final boolean ON = FRACTION > 0;
    static final int SAMPLE_EVERY = 64;
    private static final long NOT_TIMED = Long.MIN_VALUE;
    private static final double FACTOR;
    private static final double SMOOTHING = 0.05;
    private static final ThreadLocal<Meter> METER = ThreadLocal.withInitial(Meter::new);

    static {
        if (FRACTION < 0 || FRACTION >= 1) {
            throw new IllegalArgumentException("ledgerkv.bench.slowdown must be in [0, 1), got " + FRACTION);
        }
        FACTOR = FRACTION / (1 - FRACTION);
    }

    private Slowdown() {
    }

    /** One thread's estimates: the slowed call's mean duration and the cost of one CPU token. */
    private static final class Meter {
        long calls;
        double callNanos = Double.NaN;
        double nanosPerToken = calibrateToken();
        double owedTokens;

        long tokens() {
            if (Double.isNaN(callNanos)) {
                return 0;
            }
            owedTokens += FACTOR * callNanos / nanosPerToken;
            long whole = (long) owedTokens;
            owedTokens -= whole;
            return whole;
        }
    }

    private static double calibrateToken() {
        long tokens = 100_000;
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            Blackhole.consumeCPU(tokens);
            best = Math.min(best, (double) (System.nanoTime() - t0) / tokens);
        }
        return Math.max(best, 0.01);
    }

    /** Start of an invocation: a clock reading on one call in {@value #SAMPLE_EVERY} while the knob is on, else no clock read. */
    public static long start() {
        if (!ON) {
            return 0;
        }
        return (METER.get().calls++ % SAMPLE_EVERY) == 0 ? System.nanoTime() : NOT_TIMED;
    }

    /** End of an invocation that started at {@code t0}: burns the configured share of the call's mean duration. */
    public static void end(long t0) {
        if (!ON) {
            return;
        }
        Meter m = METER.get();
        if (t0 == NOT_TIMED) {
            Blackhole.consumeCPU(m.tokens());
            return;
        }
        long t1 = System.nanoTime();
        long call = t1 - t0;
        m.callNanos = Double.isNaN(m.callNanos) ? call : m.callNanos + SMOOTHING * (call - m.callNanos);
        long tokens = m.tokens();
        Blackhole.consumeCPU(tokens);
        if (tokens >= 16) {
            double perToken = (double) (System.nanoTime() - t1) / tokens;
            m.nanosPerToken += SMOOTHING * (perToken - m.nanosPerToken);
        }
    }
}
