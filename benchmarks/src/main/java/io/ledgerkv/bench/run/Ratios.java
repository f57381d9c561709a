package io.ledgerkv.bench.run;

import io.ledgerkv.bench.run.JmhResults.Metric;
import io.ledgerkv.bench.run.JmhResults.Score;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Ratios measured inside one run, where both sides shared the machine's mood: the store against its
 * baseline on the same bookies or the same CPU. They are what the regression gate trusts most on
 * noisy machines, and what the performance targets are written in.
 */
public final class Ratios {

    /**
     * {@code numerator / denominator}, with the ratio's standard error from both sides' (delta
     * method) and the fewest forks either side was measured in (the replicates its error rests on).
     */
    public record Ratio(String name, double value, double standardError, int forks, double[] perFork) {
        Ratio(String name, double value, double standardError, int forks) {
            this(name, value, standardError, forks, null);
        }

        /** Whether both sides were measured in the same forks, so the ratio has one replicate per fork. */
        public boolean paired() {
            return perFork != null;
        }
    }

    private Ratios() {
    }

    public static List<Ratio> derive(List<Score> scores) {
        List<Ratio> out = new ArrayList<>();
        Map<String, Score> raw = new TreeMap<>();
        for (Score s : scores) {
            if (s.shortName().equals("RawBookKeeperBenchmark.add")) {
                raw.put(s.param("entryBytes"), s);
            }
        }
        for (Score s : scores) {
            switch (s.shortName()) {
                case "CommitThroughputBenchmark.commit" -> {
                    Score r = raw.get(s.param("batchBytes"));
                    if (r != null && "NONE".equals(s.param("codec"))) {
                        add(out, "store userMB / raw BK MB, NONE, " + s.param("valueBytes") + " B " + s.param("shape") + " values, "
                                + s.param("batchBytes") + " B entries", s.metric("userMB"), r.metric("mb"));
                    }
                    if (!"NONE".equals(s.param("codec"))) {
                        Score none = find(scores, s, Map.of("codec", "NONE"));
                        if (none != null) {
                            add(out, s.param("codec") + " / NONE userMB, " + s.param("valueBytes") + " B " + s.param("shape") + ", "
                                    + s.param("batchBytes") + " B batches", s.metric("userMB"), none.metric("userMB"));
                        }
                    }
                }
                case "ReadBenchmark.storeGet" -> pair(out, scores, s, "ReadBenchmark.mapGet", "store get / map get");
                case "ReadBenchmark.getPair" -> sameFork(out, "store get / map get, same fork", s.metric("pairStoreGet"),
                        s.metric("pairMapGet"));
                case "ReadBenchmark.getInterleaved" -> sameFork(out, "store get / map get, interleaved", s.metric("mapNanos"),
                        s.metric("storeNanos"));
                case "ReadBenchmark.storeRange" -> pair(out, scores, s, "ReadBenchmark.mapRange", "store range / map range");
                case "CodecBenchmark.layerCompress" -> pair(out, scores, s, "CodecBenchmark.libraryCompress",
                        "codec layer / library compress, " + s.param("codec") + " " + s.param("shape") + " " + s.param("size") + " B");
                case "CodecBenchmark.layerDecompress" -> pair(out, scores, s, "CodecBenchmark.libraryDecompress",
                        "codec layer / library decompress, " + s.param("codec") + " " + s.param("shape") + " " + s.param("size") + " B");
                default -> { }
            }
        }
        return out;
    }

    private static void pair(List<Ratio> out, List<Score> scores, Score s, String other, String name) {
        for (Score o : scores) {
            if (o.shortName().equals(other) && o.params().equals(s.params())) {
                add(out, name, s.primary(), o.primary());
                return;
            }
        }
    }

    /** The score of the same benchmark with some parameters replaced. */
    static Score find(List<Score> scores, Score like, Map<String, String> replace) {
        Map<String, String> want = new TreeMap<>(like.params());
        want.putAll(replace);
        for (Score o : scores) {
            if (o.benchmark().equals(like.benchmark()) && Objects.equals(o.params(), want)) {
                return o;
            }
        }
        return null;
    }

    private static void add(List<Ratio> out, String name, Metric num, Metric den) {
        if (num == null || den == null) {
            return;
        }
        double a = num.mean();
        double b = den.mean();
        double rel = Math.sqrt(sq(num.standardError() / a) + sq(den.standardError() / b));
        out.add(new Ratio(name, a / b, a / b * rel, Math.min(num.forks(), den.forks())));
    }

    /** A ratio whose sides ran side by side in each fork: one ratio per fork, and their mean and standard error. */
    private static void sameFork(List<Ratio> out, String name, Metric num, Metric den) {
        if (num == null || den == null || num.forks() != den.forks()) {
            return;
        }
        double[] a = num.forkMeans();
        double[] b = den.forkMeans();
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] / b[i];
        }
        Metric perFork = Metric.ofReplicates("ratio", r);
        out.add(new Ratio(name, perFork.mean(), perFork.standardError(), r.length, r));
    }

    private static double sq(double x) {
        return x * x;
    }
}
