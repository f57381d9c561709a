package io.ledgerkv.bench.latency;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.bench.BenchCluster;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.meta.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.bookkeeper.client.BookKeeper;

/**
 * Commit latency under a fixed offered load. On one embedded cluster it first finds the
 * saturation throughput of the reference setting (store, codec NONE, default batching, 1 KiB
 * values) with a closed-loop probe, then offers each fraction of that rate, open loop, to raw
 * BookKeeper adds of the value size and to the store with each codec and batch setting, so every
 * target is measured at the same absolute request rates. Writes {@code latency.json} and one
 * HdrHistogram log per (target, rate) under the output folder.
 */
public final class LatencyDriver {

    /** What to run. */
    public record Plan(List<CodecType> codecs, List<Integer> batchBytes, List<Double> fractions, int valueBytes, long warmupMillis,
                       long measureMillis, long probeMillis) {
        public static Plan quick() {
            return new Plan(List.of(CodecType.NONE, CodecType.LZ4, CodecType.ZSTD), List.of(128 * 1024), List.of(0.5), 1024, 2000,
                    8000, 4000);
        }

        public static Plan full() {
            return new Plan(List.of(CodecType.NONE, CodecType.LZ4, CodecType.ZSTD), List.of(16 * 1024, 128 * 1024),
                    List.of(0.25, 0.5, 0.75), 1024, 3000, 20000, 8000);
        }
    }

    /** Everything measured. */
    public record Report(double referenceSaturation, double rawSaturation, Map<String, Double> saturations,
                         List<OpenLoop.Result> results) {
    }

    private LatencyDriver() {
    }

    public static Report run(Plan plan, Path out, Consumer<String> progress) throws Exception {
        Path hlogs = out.resolve("latency");
        Files.createDirectories(hlogs);
        List<OpenLoop.Result> results = new ArrayList<>();
        Map<String, Double> saturations = new LinkedHashMap<>();
        try (BenchCluster cluster = new BenchCluster(3); BookKeeper bk = cluster.rawClient()) {
            int window = (int) (16L * 1024 * 1024 / plan.valueBytes());
            double reference;
            try (Target t = storeTarget(cluster, CodecType.NONE, 128 * 1024, plan, "probe")) {
                progress.accept("latency: saturation probe (store NONE)");
                reference = OpenLoop.saturation(t, window, plan.warmupMillis(), plan.probeMillis());
            }
            saturations.put("store-NONE-131072", reference);
            double raw;
            try (Target t = Targets.rawBookKeeper("raw-bookkeeper", bk, plan.valueBytes())) {
                progress.accept("latency: saturation probe (raw BookKeeper)");
                raw = OpenLoop.saturation(t, 1024, plan.warmupMillis(), plan.probeMillis());
            }
            saturations.put("raw-bookkeeper-" + plan.valueBytes(), raw);
            // Offered rates are fractions of the lower saturation: above raw BookKeeper's own, raw adds
            // would queue without bound and the comparison would only show the queue.
            double base = Math.min(reference, raw);
            saturations.put("base", base);
            for (double f : plan.fractions()) {
                double rate = f * base;
                String pct = String.format(Locale.ROOT, "%02d", Math.round(f * 100));
                try (Target t = Targets.rawBookKeeper("raw-bookkeeper", bk, plan.valueBytes())) {
                    progress.accept("latency: raw BookKeeper at " + pct + " % (" + Math.round(rate) + "/s)");
                    results.add(OpenLoop.run(t, rate, plan.warmupMillis(), plan.measureMillis(),
                            hlogs.resolve("raw-bookkeeper-at" + pct + ".hlog")));
                }
                for (int batch : plan.batchBytes()) {
                    for (CodecType codec : plan.codecs()) {
                        String name = "store-" + codec + "-" + batch;
                        try (Target t = storeTarget(cluster, codec, batch, plan, name)) {
                            progress.accept("latency: " + name + " at " + pct + " % (" + Math.round(rate) + "/s)");
                            results.add(OpenLoop.run(t, rate, plan.warmupMillis(), plan.measureMillis(),
                                    hlogs.resolve(name + "-at" + pct + ".hlog")));
                        }
                    }
                }
            }
        }
        Report r = new Report(reference(saturations), saturations.get("raw-bookkeeper-" + plan.valueBytes()), saturations, results);
        Files.write(out.resolve("latency.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("plan", plan,
                "report", r)));
        return r;
    }

    /** What offered rates are fractions of: the lower of the store's and raw BookKeeper's saturation. */
    private static double reference(Map<String, Double> s) {
        return s.get("base");
    }

    private static int stores;

    private static Target storeTarget(BenchCluster cluster, CodecType codec, int batch, Plan plan, String name) {
        KvStore s = cluster.client().open("latency-" + stores++, BenchCluster.storeConfig().codec(codec).maxBatchBytes(batch)
                .maxBatchTxns(1 << 20).build());
        return Targets.store(name, s, plan.valueBytes());
    }
}
