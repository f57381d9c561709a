package io.ledgerkv.bench.run;

import io.ledgerkv.bench.run.JmhResults.Metric;
import io.ledgerkv.bench.run.JmhResults.Score;
import io.ledgerkv.bench.run.Ratios.Ratio;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The regression gate: compares a base run with a new run, metric by metric, and calls a change a
 * regression only when it is large (worse by at least the threshold), significant (Welch's t-test
 * over fork means, or a t-test on in-run ratios with fork-level errors, below alpha) and replicated
 * (both runs measured it in at least {@link #MIN_FORKS} forks). With one fork the only spread
 * available is between iterations of one JVM, which understates run-to-run spread many times over:
 * such rows are reported (SLOWER / FASTER) but never fail the gate. Two kinds of
 * metric are compared: every benchmark's absolute score, and the in-run ratios of {@link Ratios}
 * (store against raw BookKeeper, against the bare map, codec layer against library), which cancel
 * most of a noisy machine's drift.
 */
public final class Compare {

    /** One compared metric. */
    public record Row(String kind, String metric, double base, double next, double change, double ciLow, double ciHigh, double p,
                      int forks, Verdict verdict) {
    }

    /** What a row means. */
    public enum Verdict {
        SAME, FASTER, SLOWER, REGRESSION
    }

    /** Gate settings: thresholds are fractions (0.05 = 5 %). */
    public record Settings(double absoluteThreshold, double ratioThreshold, double alpha, boolean gateAbsolute) {
    }

    /** The per-transaction costs the gate judges, where a run measured them ({@link CommitCostProfiler}). */
    static final List<String> COSTS = List.of(CommitCostProfiler.CPU, CommitCostProfiler.OWN_CPU, CommitCostProfiler.ALLOC);

    /** Forks each side needs before a change can be called significant. */
    public static final int MIN_FORKS = 2;

    private Compare() {
    }

    public static List<Row> compare(Path base, Path next, Settings s) {
        List<Score> a = JmhResults.load(base);
        List<Score> b = JmhResults.load(next);
        List<Row> rows = new ArrayList<>();
        Map<String, Score> byKey = new LinkedHashMap<>();
        for (Score x : a) {
            byKey.put(x.key(), x);
        }
        Map<String, Score> nextByKey = new LinkedHashMap<>();
        for (Score y : b) {
            nextByKey.put(y.key(), y);
            Score x = byKey.get(y.key());
            if (x != null) {
                rows.add(absolute(y.key(), x.primary(), y.primary(), y.higherIsBetter(), s));
                for (String cost : COSTS) {
                    Metric mx = x.metric(cost);
                    Metric my = y.metric(cost);
                    if (mx != null && my != null) {
                        rows.add(cost(y.key() + " " + cost.substring(1), mx, my, s, gatesCosts(y)));
                    } else if (mx != null && gatesCosts(x)) {
                        rows.add(missing(y.key() + " " + cost.substring(1), mx));
                    }
                }
            }
        }
        // a gated cost the base measured and the new run did not measure at all fails rather than drops out
        for (Score x : a) {
            if (gatesCosts(x) && !nextByKey.containsKey(x.key())) {
                for (String cost : COSTS) {
                    Metric mx = x.metric(cost);
                    if (mx != null) {
                        rows.add(missing(x.key() + " " + cost.substring(1), mx));
                    }
                }
            }
        }
        Map<String, Ratio> baseRatios = new LinkedHashMap<>();
        for (Ratio r : Ratios.derive(a)) {
            baseRatios.put(r.name(), r);
        }
        for (Ratio r : Ratios.derive(b)) {
            Ratio q = baseRatios.get(r.name());
            if (q != null) {
                rows.add(ratio(q, r, s));
            }
        }
        return rows;
    }

    static Row absolute(String name, Metric base, Metric next, boolean higherIsBetter, Settings s) {
        double mb = base.mean();
        double mn = next.mean();
        double change = mn / mb - 1;
        double p = Double.NaN;
        double lo = Double.NaN;
        double hi = Double.NaN;
        double[] ra = base.replicates();
        double[] rb = next.replicates();
        if (ra.length >= 2 && rb.length >= 2) {
            double va = sq(base.standardError());
            double vb = sq(next.standardError());
            double se = Math.sqrt(va + vb);
            double df = sq(va + vb) / (sq(va) / (ra.length - 1) + sq(vb) / (rb.length - 1));
            double t = df > 0 && Double.isFinite(df) ? new TDistribution(df).inverseCumulativeProbability(0.975) : 1.96;
            lo = (mn - mb - t * se) / mb;
            hi = (mn - mb + t * se) / mb;
            p = se > 0 ? new TTest().tTest(ra, rb) : Double.NaN;
        }
        boolean replicated = base.forks() >= MIN_FORKS && next.forks() >= MIN_FORKS;
        return new Row("score", name, mb, mn, change, lo, hi, p, Math.min(base.forks(), next.forks()),
                verdict(change, p, higherIsBetter, s.absoluteThreshold(), s.alpha(), s.gateAbsolute() && replicated, replicated));
    }

    /**
     * A cost measured inside the run (CPU ns or allocated bytes per transaction of the client-side
     * threads): lower is better, gated at the ratio threshold even with {@code --ratios-only}, since
     * it does not depend on how fast the machine happened to be. Tested with Welch's t-test over
     * <em>fork medians</em>: interference (a neighbour thrashing the caches, a burst of wake-ups)
     * only ever adds CPU to a thread's work, so a fork's iterations scatter upwards in episodes; its
     * median iteration is its undisturbed cost. On the recorded A/A runs (results/2026-12-02-perf)
     * fork medians spread 4 – 9.5 %, fork means 6 – 12 % (six A runs). Only {@link #gatesCosts} benchmarks can
     * fail the gate on a cost; the others' costs are reported (SLOWER at worst).
     */
    static Row cost(String name, Metric base, Metric next, Settings s, boolean gated) {
        Row r = absolute(name, Metric.ofReplicates(base.unit(), base.forkMedians()), Metric.ofReplicates(next.unit(), next.forkMedians()),
                false, new Settings(s.ratioThreshold(), s.ratioThreshold(), s.alpha(), gated));
        return new Row("cost", r.metric(), r.base(), r.next(), r.change(), r.ciLow(), r.ciHigh(), r.p(), r.forks(), r.verdict());
    }

    /**
     * Whether a benchmark's costs can fail the gate: {@code CommitCostBenchmark} only. The closed-loop
     * {@code CommitThroughputBenchmark} reports them too, but there the CPU per transaction follows
     * the iteration's throughput, and with checkpoints on each finished checkpoint's thread (and its
     * work) is gone before the iteration is counted.
     */
    static boolean gatesCosts(Score s) {
        return s.shortName().startsWith("CommitCostBenchmark.");
    }

    /** A gated cost the base measured and the new run did not: a failure, not a silent pass. */
    static Row missing(String name, Metric base) {
        return new Row("cost", name + " (not measured by the new run)", base.mean(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, 0, Verdict.REGRESSION);
    }

    static Row ratio(Ratio base, Ratio next, Settings s) {
        if (base.paired() && next.paired()) {
            // one ratio per fork on each side: Welch's t-test over those, like an absolute score over fork means
            Row r = absolute(base.name(), Metric.ofReplicates("ratio", base.perFork()),
                    Metric.ofReplicates("ratio", next.perFork()), true,
                    new Settings(s.ratioThreshold(), s.ratioThreshold(), s.alpha(), true));
            return new Row("ratio", r.metric(), r.base(), r.next(), r.change(), r.ciLow(), r.ciHigh(), r.p(), r.forks(), r.verdict());
        }
        double change = next.value() / base.value() - 1;
        double se = Math.sqrt(sq(base.standardError()) + sq(next.standardError()));
        int forks = Math.min(base.forks(), next.forks());
        double p = Double.NaN;
        double lo = Double.NaN;
        double hi = Double.NaN;
        if (se > 0 && Double.isFinite(se)) {
            // Student t with the replicates behind both errors (forks, or iterations of a single fork)
            double df = forks >= 2 ? 2.0 * (forks - 1) : 1e6;
            TDistribution t = new TDistribution(df);
            double z = (next.value() - base.value()) / se;
            p = 2 * (1 - t.cumulativeProbability(Math.abs(z)));
            double q = t.inverseCumulativeProbability(0.975);
            lo = (next.value() - base.value() - q * se) / base.value();
            hi = (next.value() - base.value() + q * se) / base.value();
        }
        boolean replicated = forks >= MIN_FORKS;
        return new Row("ratio", base.name(), base.value(), next.value(), change, lo, hi, p, forks, verdict(change, p, true,
                s.ratioThreshold(), s.alpha(), replicated, replicated));
    }

    private static Verdict verdict(double change, double p, boolean higherIsBetter, double threshold, double alpha, boolean gated,
                                   boolean replicated) {
        double worse = higherIsBetter ? -change : change;
        boolean significant = replicated && Double.isFinite(p) && p < alpha;
        if (worse >= threshold && significant) {
            return gated ? Verdict.REGRESSION : Verdict.SLOWER;
        }
        if (worse >= threshold) {
            return Verdict.SLOWER;
        }
        if (-worse >= threshold && significant) {
            return Verdict.FASTER;
        }
        return Verdict.SAME;
    }

    /** A Markdown table of every row; regressions first. */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| kind | metric | base | new | change | 95% CI of change | p | forks | verdict |\n");
        sb.append("|---|---|---:|---:|---:|---|---:|---:|---|\n");
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort((x, y) -> Integer.compare(rank(x.verdict()), rank(y.verdict())));
        for (Row r : sorted) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %+.1f %% | [%+.1f %%, %+.1f %%] | %s | %d%s | %s |%n", r.kind(),
                    r.metric(), fmt(r.base()), fmt(r.next()), 100 * r.change(), 100 * r.ciLow(), 100 * r.ciHigh(),
                    Double.isNaN(r.p()) ? "n/a" : String.format(Locale.ROOT, "%.2g", r.p()), r.forks(),
                    r.forks() < MIN_FORKS ? " (not gated)" : "", r.verdict()));
        }
        return sb.toString();
    }

    private static int rank(Verdict v) {
        return switch (v) {
            case REGRESSION -> 0;
            case SLOWER -> 1;
            case FASTER -> 2;
            case SAME -> 3;
        };
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3g M", v / 1e6);
        }
        if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.4g k", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static double sq(double x) {
        return x * x;
    }
}
