package io.ledgerkv.peer;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Writes a run's raw rows ({@code throughput.csv}, {@code failover.csv}) and {@code summary.md}:
 * per setting the mean of each side and the in-run ratio, paired within each repeat, with a 95 %
 * t interval over the repeats (none with one repeat).
 */
final class Report {
    private Report() {
    }

    /** A mean with the half-width of its 95 % t interval (NaN for fewer than 2 values). */
    record Estimate(double mean, double half, int n) {
        static Estimate of(List<Double> xs) {
            int n = xs.size();
            double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            if (n < 2) {
                return new Estimate(mean, Double.NaN, n);
            }
            double var = xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (n - 1);
            return new Estimate(mean, t975(n - 1) * Math.sqrt(var / n), n);
        }

        String fmt(String f) {
            return Double.isNaN(half) ? String.format(Locale.ROOT, f, mean)
                    : String.format(Locale.ROOT, f + " ± " + f, mean, half);
        }
    }

    static double t975(int df) {
        double[] t = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228};
        return df <= t.length ? t[df - 1] : 1.96;
    }

    static void write(Path out, List<PeerBench.ThroughputRow> tp, List<PeerBench.FailoverRow> fo, PeerBench run) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("throughput.csv")))) {
            w.println("repeat,system,kafka_flush,value_bytes,shape,keys,updates,commit_ms,codec,elapsed_ms,updates_per_s,user_mb_per_s,"
                    + "task_cpu_ms,broker_cpu_ms,bookkeeper_cpu_ms,cpu_us_per_update");
            for (PeerBench.ThroughputRow r : tp) {
                w.printf(Locale.ROOT, "%d,%s,%s,%d,%s,%d,%d,%d,%s,%d,%.1f,%.3f,%d,%d,%d,%.2f%n", r.repeat(), r.system(), r.kafkaFlush(),
                        r.w().valueBytes(), r.w().shape(), r.w().keys(), r.w().updates(), run.commitMs, run.codec, r.elapsedMs(), r.updatesPerS(),
                        r.mbPerS(), r.cpu().taskMs(), r.cpu().brokerMs(), r.cpu().bookkeeperMs(), r.cpuMicrosPerUpdate());
            }
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("failover.csv")))) {
            w.println("repeat,system,standbys,keys,history_updates,value_bytes,served_ms,served_ms_since_main");
            for (PeerBench.FailoverRow r : fo) {
                w.printf(Locale.ROOT, "%d,%s,%d,%d,%d,%d,%d,%d%n", r.repeat(), r.system(), r.standbys(), r.w().keys(), r.w().updates(),
                        r.w().valueBytes(), r.servedMs(), r.servedMsSinceMain());
            }
        }
        List<String> md = new ArrayList<>();
        md.add("# peer-bench summary (generated)");
        md.add("");
        md.add(String.format(Locale.ROOT, "JDK %s (%s), %d cores, Kafka %s, commit interval %d ms, codec %s, %d repeat(s)",
                System.getProperty("java.version"), System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
                AppInfoParser.getVersion(), run.commitMs, run.codec, run.repeats));
        md.add("");
        md.addAll(throughputTable(tp));
        md.add("");
        md.addAll(failoverTable(fo));
        Files.write(out.resolve("summary.md"), md);
        md.forEach(System.out::println);
        try {
            Plots.draw(out).forEach(p -> System.out.println("chart: " + p));
        } catch (IOException | RuntimeException e) {
            // The data is written already; the charts can be redrawn from it with Plots.
            System.out.println("charts not drawn (" + e + "); redraw with io.ledgerkv.peer.Plots " + out);
        }
    }

    static List<String> throughputTable(List<PeerBench.ThroughputRow> rows) {
        List<String> md = new ArrayList<>();
        md.add("## Durable updates per second (one task)");
        md.add("");
        md.add("| values | Kafka flush | ledgerkv updates/s | Kafka Streams updates/s | ledgerkv MB/s | Kafka Streams MB/s | ledgerkv ÷ Kafka Streams (paired per repeat) "
                + "| CPU µs/update ledgerkv (task + brokers + ZooKeeper/bookies) | CPU µs/update Kafka Streams (task + brokers + ZooKeeper/bookies) |");
        md.add("|---|---|---|---|---|---|---|---|---|");
        Map<String, List<PeerBench.ThroughputRow>> byWorkload = rows.stream()
                .collect(Collectors.groupingBy(r -> r.w().label(), LinkedHashMap::new, Collectors.toList()));
        for (var e : byWorkload.entrySet()) {
            List<PeerBench.ThroughputRow> lkv = e.getValue().stream().filter(r -> r.system().equals("ledgerkv")).toList();
            Map<String, List<PeerBench.ThroughputRow>> byFlush = e.getValue().stream().filter(r -> r.system().equals("kafka-streams"))
                    .collect(Collectors.groupingBy(PeerBench.ThroughputRow::kafkaFlush, LinkedHashMap::new, Collectors.toList()));
            for (var f : byFlush.entrySet()) {
                List<Double> ratios = new ArrayList<>();
                for (PeerBench.ThroughputRow k : f.getValue()) {
                    lkv.stream().filter(l -> l.repeat() == k.repeat()).findFirst()
                            .ifPresent(l -> ratios.add(l.updatesPerS() / k.updatesPerS()));
                }
                md.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |", e.getKey(), f.getKey(),
                        est(lkv, PeerBench.ThroughputRow::updatesPerS).fmt("%.0f"), est(f.getValue(), PeerBench.ThroughputRow::updatesPerS).fmt("%.0f"),
                        est(lkv, PeerBench.ThroughputRow::mbPerS).fmt("%.2f"), est(f.getValue(), PeerBench.ThroughputRow::mbPerS).fmt("%.2f"),
                        Estimate.of(ratios).fmt("%.2f") + "x", cpuSplit(lkv), cpuSplit(f.getValue())));
            }
        }
        return md;
    }

    /** Mean CPU µs per update: total (task + brokers + ZooKeeper and bookies). */
    private static String cpuSplit(List<PeerBench.ThroughputRow> rows) {
        Estimate task = est(rows, r -> r.cpu().taskMs() * 1000.0 / r.w().updates());
        Estimate brokers = est(rows, r -> r.cpu().brokerMs() * 1000.0 / r.w().updates());
        Estimate bookkeeper = est(rows, r -> r.cpu().bookkeeperMs() * 1000.0 / r.w().updates());
        return String.format(Locale.ROOT, "%.1f (%.1f + %.1f + %.1f)", task.mean() + brokers.mean() + bookkeeper.mean(), task.mean(),
                brokers.mean(), bookkeeper.mean());
    }

    static List<String> failoverTable(List<PeerBench.FailoverRow> rows) {
        List<String> md = new ArrayList<>();
        md.add("## Failover: time until the full state is served (ms)");
        md.add("");
        md.add("Standby 0: a replacement process on an empty directory, timed from its launch. Standby 1: a hot standby "
                + "(Streams: a second member with `num.standby.replicas=1`; ledgerkv: a `StandbyStore`), timed from the SIGKILL of the task.");
        md.add("");
        md.add("| keys | history (updates) | standby | ledgerkv ms | Kafka Streams ms | Kafka Streams ÷ ledgerkv (paired per repeat) |");
        md.add("|---|---|---|---|---|---|");
        Map<String, List<PeerBench.FailoverRow>> bySize = rows.stream()
                .collect(Collectors.groupingBy(r -> r.w().keys() + "/" + r.w().updates(), LinkedHashMap::new, Collectors.toList()));
        for (var e : bySize.entrySet()) {
            Map<Integer, List<PeerBench.FailoverRow>> bySb = e.getValue().stream().filter(r -> r.system().equals("kafka-streams"))
                    .collect(Collectors.groupingBy(PeerBench.FailoverRow::standbys, LinkedHashMap::new, Collectors.toList()));
            for (var s : bySb.entrySet()) {
                List<PeerBench.FailoverRow> lkv = e.getValue().stream()
                        .filter(r -> r.system().equals("ledgerkv") && r.standbys() == s.getKey()).toList();
                List<Double> ratios = new ArrayList<>();
                for (PeerBench.FailoverRow k : s.getValue()) {
                    lkv.stream().filter(l -> l.repeat() == k.repeat()).findFirst()
                            .ifPresent(l -> ratios.add((double) k.servedMs() / l.servedMs()));
                }
                PeerBench.FailoverRow any = s.getValue().get(0);
                md.add(String.format(Locale.ROOT, "| %,d | %,d | %d | %s | %s | %s |", any.w().keys(), any.w().updates(), s.getKey(),
                        est(lkv, r -> (double) r.servedMs()).fmt("%.0f"),
                        est(s.getValue(), r -> (double) r.servedMs()).fmt("%.0f"), Estimate.of(ratios).fmt("%.2f") + "x"));
            }
        }
        return md;
    }

    private static <T> Estimate est(List<T> rows, Function<T, Double> f) {
        return Estimate.of(rows.stream().map(f).filter(Objects::nonNull).toList());
    }

    static String jvmArgs() {
        return String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
    }
}
