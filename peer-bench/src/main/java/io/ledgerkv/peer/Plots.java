package io.ledgerkv.peer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The run's charts, drawn with JFreeChart from its CSV files (so they can be redrawn from committed
 * data: {@code java ... io.ledgerkv.peer.Plots <results dir>}): durable updates per second per
 * setting, and failover time against state size and against history length. Every point is the
 * mean over the repeats with its 95 % t interval as the error bar.
 */
public final class Plots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 480;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0x8c564b)};

    private Plots() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Plots <results dir with throughput.csv and failover.csv>");
            System.exit(2);
        }
        draw(Path.of(args[0])).forEach(p -> System.out.println("wrote " + p));
    }

    /** Draws every chart the CSV files in {@code dir} have data for; returns the files written. */
    static List<Path> draw(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        Path tp = dir.resolve("throughput.csv");
        if (Files.exists(tp) && Files.readAllLines(tp).size() > 1) {
            files.add(throughput(readCsv(tp), dir.resolve("throughput.png")));
        }
        Path fo = dir.resolve("failover.csv");
        if (Files.exists(fo) && Files.readAllLines(fo).size() > 1) {
            List<Map<String, String>> rows = readCsv(fo);
            files.addAll(failover(rows, dir));
        }
        return files;
    }

    static List<Map<String, String>> readCsv(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f);
        String[] header = lines.get(0).split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(",");
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], v[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static Path throughput(List<Map<String, String>> rows, Path png) throws IOException {
        Map<String, Map<String, List<Double>>> bySeries = new LinkedHashMap<>();
        for (Map<String, String> r : rows) {
            String series = r.get("system").equals("ledgerkv") ? "ledgerkv (journal fsync)"
                    : "Kafka Streams, flush " + r.get("kafka_flush");
            String category = r.get("value_bytes") + " B " + r.get("shape").toLowerCase(Locale.ROOT);
            bySeries.computeIfAbsent(series, k -> new LinkedHashMap<>()).computeIfAbsent(category, k -> new ArrayList<>())
                    .add(Double.parseDouble(r.get("updates_per_s")));
        }
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        bySeries.forEach((series, cats) -> cats.forEach((cat, xs) -> {
            Report.Estimate e = Report.Estimate.of(xs);
            data.add(e.mean(), Double.isNaN(e.half()) ? 0 : e.half(), series, cat);
        }));
        JFreeChart chart = ChartFactory.createBarChart("Durable updates per second, one task (mean, 95 % interval)", "values",
                "updates/s", data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        StatisticalBarRenderer r = new StatisticalBarRenderer();
        for (int i = 0; i < PALETTE.length; i++) {
            r.setSeriesPaint(i, PALETTE[i]);
        }
        r.setErrorIndicatorPaint(Color.BLACK);
        plot.setRenderer(r);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        return png;
    }

    /**
     * Failover time against keys (the cells sharing the most common history factor) and against
     * history (the cells sharing the key count that has the most history lengths).
     */
    private static List<Path> failover(List<Map<String, String>> rows, Path dir) throws IOException {
        Map<Long, Integer> factorCount = new TreeMap<>();
        Map<Long, Set<Long>> historiesByKeys = new TreeMap<>();
        for (Map<String, String> r : rows) {
            long keys = Long.parseLong(r.get("keys"));
            long history = Long.parseLong(r.get("history_updates"));
            factorCount.merge(history / keys, 1, Integer::sum);
            historiesByKeys.computeIfAbsent(keys, k -> new TreeSet<>()).add(history);
        }
        long factor = factorCount.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        long keysForHistory = historiesByKeys.entrySet().stream().max((a, b) -> Integer.compare(a.getValue().size(), b.getValue().size()))
                .orElseThrow().getKey();
        List<Path> files = new ArrayList<>();
        List<Map<String, String>> bySize = rows.stream().filter(r -> Long.parseLong(r.get("history_updates"))
                == factor * Long.parseLong(r.get("keys"))).toList();
        if (bySize.stream().map(r -> r.get("keys")).distinct().count() > 1) {
            files.add(failoverChart(bySize, "keys", "Failover vs state size (history = " + factor + " x keys updates)",
                    "keys in the state", dir.resolve("failover-vs-state.png")));
        }
        List<Map<String, String>> byHistory = rows.stream().filter(r -> Long.parseLong(r.get("keys")) == keysForHistory).toList();
        if (historiesByKeys.get(keysForHistory).size() > 1) {
            files.add(failoverChart(byHistory, "history_updates", String.format(Locale.ROOT,
                    "Failover vs history length (%,d keys)", keysForHistory), "updates in the history", dir.resolve("failover-vs-history.png")));
        }
        return files;
    }

    private static Path failoverChart(List<Map<String, String>> rows, String xColumn, String title, String xLabel, Path png)
            throws IOException {
        Map<String, Map<Long, List<Double>>> bySeries = new TreeMap<>();
        for (Map<String, String> r : rows) {
            String kind = r.get("standbys").equals("0") ? "cold replacement (from launch)" : "hot standby (from the kill)";
            String series = (r.get("system").equals("ledgerkv") ? "ledgerkv" : "Kafka Streams") + ", " + kind;
            bySeries.computeIfAbsent(series, k -> new TreeMap<>()).computeIfAbsent(Long.parseLong(r.get(xColumn)), k -> new ArrayList<>())
                    .add(Double.parseDouble(r.get("served_ms")));
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        bySeries.forEach((name, points) -> {
            YIntervalSeries s = new YIntervalSeries(name);
            points.forEach((x, ys) -> {
                Report.Estimate e = Report.Estimate.of(ys);
                double half = Double.isNaN(e.half()) ? 0 : e.half();
                s.add(x, e.mean(), Math.max(1, e.mean() - half), e.mean() + half);
            });
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, "ms until the full state is served", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRangeAxis(new LogAxis("ms until the full state is served (log scale)"));
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setDefaultLinesVisible(true);
        for (int i = 0; i < bySeries.size(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(r);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        return png;
    }
}
