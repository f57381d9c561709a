package io.ledgerkv.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerkv.meta.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** JMH JSON results, read back: one {@link Score} per benchmark and parameter set, with every measured iteration. */
public final class JmhResults {

    /**
     * One metric's measured iterations over all forks ({@code forkSizes[i]} iterations of fork i, in
     * order). The unit of replication is the fork: iterations inside one JVM share its JIT decisions,
     * memory layout and thread placement, so they scatter far less than separate forks do. A
     * recorded A/A pair of 1-fork runs moved {@code store get / map get} by 53 % with an
     * iteration-level p of 5e-6 (results/2026-11-27-quick-rerun/README.md).
     */
    public record Metric(String unit, double[] samples, int[] forkSizes) {
        public Metric(String unit, double[] samples) {
            this(unit, samples, new int[] {samples.length});
        }

        /** Values that are each already one replicate (one per fork), e.g. per-fork ratios. */
        public static Metric ofReplicates(String unit, double[] values) {
            int[] ones = new int[values.length];
            Arrays.fill(ones, 1);
            return new Metric(unit, values, ones);
        }

        public double mean() {
            return mean(samples);
        }

        public int forks() {
            return forkSizes.length;
        }

        /** The mean of each fork's iterations. */
        public double[] forkMeans() {
            double[] out = new double[forkSizes.length];
            int at = 0;
            for (int f = 0; f < forkSizes.length; f++) {
                double s = 0;
                for (int i = 0; i < forkSizes[f]; i++) {
                    s += samples[at + i];
                }
                out[f] = forkSizes[f] == 0 ? Double.NaN : s / forkSizes[f];
                at += forkSizes[f];
            }
            return out;
        }

        /** The median of each fork's iterations. */
        public double[] forkMedians() {
            double[] out = new double[forkSizes.length];
            int at = 0;
            for (int f = 0; f < forkSizes.length; f++) {
                double[] it = Arrays.copyOfRange(samples, at, at + forkSizes[f]);
                Arrays.sort(it);
                int n = it.length;
                out[f] = n == 0 ? Double.NaN : n % 2 == 1 ? it[n / 2] : (it[n / 2 - 1] + it[n / 2]) / 2;
                at += forkSizes[f];
            }
            return out;
        }

        /** Independent replicates: fork means with two or more forks; otherwise (one fork) the iterations. */
        public double[] replicates() {
            return forks() >= 2 ? forkMeans() : samples;
        }

        /** Whether {@link #standardError()} is over forks (true) or only over one fork's iterations (understates the spread). */
        public boolean replicatedByForks() {
            return forks() >= 2;
        }

        /** Standard error of the mean, over {@link #replicates()}. */
        public double standardError() {
            double[] r = replicates();
            int n = r.length;
            if (n < 2) {
                return Double.NaN;
            }
            double m = mean(r);
            double ss = 0;
            for (double x : r) {
                ss += (x - m) * (x - m);
            }
            return Math.sqrt(ss / (n - 1) / n);
        }

        private static double mean(double[] xs) {
            double s = 0;
            for (double x : xs) {
                s += x;
            }
            return xs.length == 0 ? Double.NaN : s / xs.length;
        }
    }

    /** One benchmark with one parameter set. */
    public record Score(String benchmark, Map<String, String> params, String mode, Metric primary, Map<String, Metric> secondary) {
        /** Class.method without the package, e.g. {@code ReadBenchmark.storeGet}. */
        public String shortName() {
            String[] p = benchmark.split("\\.");
            return p.length < 2 ? benchmark : p[p.length - 2] + "." + p[p.length - 1];
        }

        /** {@code shortName} plus its parameters: the key two runs are matched on. */
        public String key() {
            return params.isEmpty() ? shortName() : shortName() + params;
        }

        public String param(String name) {
            return params.get(name);
        }

        public boolean higherIsBetter() {
            return "thrpt".equals(mode);
        }

        public Metric metric(String name) {
            return name == null ? primary : secondary.get(name);
        }
    }

    private JmhResults() {
    }

    /** Every {@code jmh-*.json} in a folder, or one JSON file. */
    public static List<Score> load(Path fileOrFolder) {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(fileOrFolder)) {
            try (Stream<Path> s = Files.list(fileOrFolder)) {
                s.filter(p -> p.getFileName().toString().startsWith("jmh-") && p.toString().endsWith(".json")).sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + fileOrFolder, e);
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException(fileOrFolder + " holds no jmh-*.json result files");
            }
        } else if (Files.isRegularFile(fileOrFolder)) {
            files.add(fileOrFolder);
        } else {
            throw new IllegalArgumentException(fileOrFolder + " does not exist");
        }
        // A setting measured by two suites (the full preset's headline and sweep) counts once: the one with more samples.
        Map<String, Score> byKey = new LinkedHashMap<>();
        for (Path f : files) {
            for (Score s : parse(f)) {
                byKey.merge(s.key(), s, (x, y) -> y.primary().samples().length > x.primary().samples().length ? y : x);
            }
        }
        return new ArrayList<>(byKey.values());
    }

    static List<Score> parse(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not JMH JSON output: " + e.getMessage(), e);
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException(file + " is not JMH JSON output (expected an array of benchmark results)");
        }
        List<Score> out = new ArrayList<>();
        for (JsonNode b : root) {
            Map<String, String> params = new TreeMap<>();
            JsonNode p = b.get("params");
            if (p != null) {
                p.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            }
            Map<String, Metric> secondary = new LinkedHashMap<>();
            JsonNode sec = b.get("secondaryMetrics");
            if (sec != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = sec.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    secondary.put(e.getKey(), metric(e.getValue()));
                }
            }
            out.add(new Score(b.get("benchmark").asText(), params, b.get("mode").asText(), metric(b.get("primaryMetric")), secondary));
        }
        return out;
    }

    private static Metric metric(JsonNode m) {
        List<Double> samples = new ArrayList<>();
        List<Integer> forkSizes = new ArrayList<>();
        JsonNode raw = m.get("rawData");
        if (raw != null) {
            for (JsonNode fork : raw) {
                int n = 0;
                for (JsonNode it : fork) {
                    samples.add(it.asDouble());
                    n++;
                }
                if (n > 0) {
                    forkSizes.add(n);
                }
            }
        }
        if (samples.isEmpty() && m.has("score")) {
            samples.add(m.get("score").asDouble());
            forkSizes.add(1);
        }
        return new Metric(m.path("scoreUnit").asText(), samples.stream().mapToDouble(Double::doubleValue).toArray(),
                forkSizes.stream().mapToInt(Integer::intValue).toArray());
    }
}
