package io.ledgerkv.bench.run;

import io.ledgerkv.bench.run.JmhResults.Score;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogReader;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The result charts, drawn with JFreeChart: throughput against batch size per codec, latency percentile curves per target. */
public final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 450;

    private Charts() {
    }

    /** One chart per (value size, shape): user MB/s against the batch limit, a line per codec, and raw BookKeeper at entry = batch. */
    public static List<Path> commitThroughput(List<Score> scores, Path dir) throws IOException {
        Map<String, Map<String, XYSeries>> byPanel = new TreeMap<>();
        Map<Integer, Double> raw = new TreeMap<>();
        for (Score s : scores) {
            if (s.shortName().equals("RawBookKeeperBenchmark.add")) {
                raw.put(Integer.parseInt(s.param("entryBytes")), s.metric("mb").mean());
            }
        }
        TreeSet<Integer> batches = new TreeSet<>();
        for (Score s : scores) {
            if (!s.shortName().equals("CommitThroughputBenchmark.commit")) {
                continue;
            }
            String panel = s.param("valueBytes") + "-" + s.param("shape");
            int batch = Integer.parseInt(s.param("batchBytes"));
            batches.add(batch);
            byPanel.computeIfAbsent(panel, k -> new TreeMap<>()).computeIfAbsent(s.param("codec"), XYSeries::new)
                    .add(batch / 1024.0, s.metric("userMB").mean());
        }
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, Map<String, XYSeries>> p : byPanel.entrySet()) {
            XYSeriesCollection data = new XYSeriesCollection();
            p.getValue().values().forEach(data::addSeries);
            XYSeries rawSeries = new XYSeries("raw BookKeeper (entry = batch limit)");
            for (int b : batches) {
                if (raw.containsKey(b)) {
                    rawSeries.add(b / 1024.0, raw.get(b));
                }
            }
            if (!rawSeries.isEmpty()) {
                data.addSeries(rawSeries);
            }
            String[] vs = p.getKey().split("-");
            LogAxis x = new LogAxis("batch limit (KiB per WAL entry)");
            x.setBase(2);
            x.setSmallestValue(1);
            x.setTickUnit(new NumberTickUnit(1));
            x.setNumberFormatOverride(new DecimalFormat("0.###"));
            NumberAxis y = new NumberAxis("user data committed (MB/s)");
            XYPlot plot = new XYPlot(data, x, y, renderer(data.getSeriesCount()));
            JFreeChart chart = new JFreeChart("Commit throughput, " + vs[0] + " B " + vs[1] + " values", JFreeChart.DEFAULT_TITLE_FONT,
                    plot, true);
            chart.setBackgroundPaint(Color.WHITE);
            Path f = dir.resolve("commit-throughput-" + p.getKey() + ".png");
            ChartUtils.saveChartAsPNG(f.toFile(), chart, WIDTH, HEIGHT);
            files.add(f);
        }
        return files;
    }

    /**
     * Bars of the in-run ratio score(param = value) / score(param = base) for every configuration of
     * {@code scores} that has both (e.g. encryption on / off), one bar per other value of the param,
     * labelled by method and the remaining parameters; a line at 1.0 is "no cost".
     */
    public static Path ratioBars(List<Score> scores, String param, String base, String title, Path png) throws IOException {
        Map<String, Score> byKey = new TreeMap<>();
        for (Score s : scores) {
            byKey.put(s.key(), s);
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Score s : scores) {
            String value = s.param(param);
            if (value == null || value.equals(base)) {
                continue;
            }
            Map<String, String> baseParams = new TreeMap<>(s.params());
            baseParams.put(param, base);
            Score b = byKey.get(s.shortName() + baseParams);
            if (b == null) {
                continue;
            }
            Map<String, String> rest = new TreeMap<>(s.params());
            rest.remove(param);
            String label = s.shortName().substring(s.shortName().indexOf('.') + 1) + " " + String.join(" ", rest.values());
            data.addValue(s.primary().mean() / b.primary().mean(), param + "=" + value + " / " + base, label);
        }
        if (data.getColumnCount() == 0) {
            throw new IllegalArgumentException("no configuration has both " + param + "=" + base + " and another value");
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "configuration", "ratio of scores (1 = no cost)", data,
                PlotOrientation.HORIZONTAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.addRangeMarker(new ValueMarker(1.0, Color.BLACK, new BasicStroke(1.5f)));
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, Math.max(HEIGHT, 40 + 28 * data.getColumnCount()));
        return png;
    }

    /** Percentile curves (latency against percentile, on a "nines" axis) for every hlog of one offered rate. */
    public static Path latencyPercentiles(Map<String, Path> hlogs, String title, Path png) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, Path> e : hlogs.entrySet()) {
            Histogram h = readLog(e.getValue());
            XYSeries s = new XYSeries(e.getKey());
            for (HistogramIterationValue v : h.percentiles(5)) {
                double pct = v.getPercentileLevelIteratedTo();
                if (pct >= 100) {
                    break;
                }
                s.add(100 / (100 - pct), v.getValueIteratedTo() / 1e6);
            }
            data.addSeries(s);
        }
        LogAxis x = decades(new LogAxis("percentile (1 / (1 - p): 10 = p90, 100 = p99, 1000 = p99.9)"));
        x.setSmallestValue(1);
        LogAxis y = decades(new LogAxis("latency (ms), from the request's scheduled time"));
        y.setSmallestValue(0.01);
        XYPlot plot = new XYPlot(data, x, y, renderer(data.getSeriesCount()));
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        return png;
    }

    /** Sums every interval histogram of an HdrHistogram log. */
    public static Histogram readLog(Path hlog) throws IOException {
        Histogram sum = new Histogram(3);
        try (FileInputStream in = new FileInputStream(hlog.toFile())) {
            HistogramLogReader r = new HistogramLogReader(in);
            EncodableHistogram h;
            while ((h = r.nextIntervalHistogram()) != null) {
                sum.add((Histogram) h);
            }
        }
        return sum;
    }

    /** One labelled tick per power of ten, printed as a plain number. */
    private static LogAxis decades(LogAxis a) {
        a.setTickUnit(new NumberTickUnit(1));
        a.setNumberFormatOverride(new DecimalFormat("0.###"));
        return a;
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0x7f7f7f)};

    private static XYLineAndShapeRenderer renderer(int series) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < series; i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        return r;
    }
}
