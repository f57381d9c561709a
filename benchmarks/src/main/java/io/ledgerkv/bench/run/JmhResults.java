package io.ledgerkv.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerkv.meta.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** JMH JSON results, read back: one {@link Score} per benchmark and parameter set, with every measured iteration. */
public final class JmhResults {

    /** One metric's measured iterations over all forks. */
    public record Metric(String unit, double[] samples) {
        public double mean() {
            double s = 0;
            for (double x : samples) {
                s += x;
            }
            return samples.length == 0 ? Double.NaN : s / samples.length;
        }

        /** Standard error of the mean. */
        public double standardError() {
            int n = samples.length;
            if (n < 2) {
                return Double.NaN;
            }
            double m = mean();
            double ss = 0;
            for (double x : samples) {
                ss += (x - m) * (x - m);
            }
            return Math.sqrt(ss / (n - 1) / n);
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
        JsonNode raw = m.get("rawData");
        if (raw != null) {
            for (JsonNode fork : raw) {
                for (JsonNode it : fork) {
                    samples.add(it.asDouble());
                }
            }
        }
        if (samples.isEmpty() && m.has("score")) {
            samples.add(m.get("score").asDouble());
        }
        return new Metric(m.path("scoreUnit").asText(), samples.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
