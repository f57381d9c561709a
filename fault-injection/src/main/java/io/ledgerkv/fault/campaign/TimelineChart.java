package io.ledgerkv.fault.campaign;

import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A run's timeline (JFreeChart): acknowledged commits per second and p99 commit latency per
 * second (HdrHistogram per one-second bucket), with every fault window shaded and labelled.
 */
public final class TimelineChart {
    private TimelineChart() {
    }

    /** A run's series per second and its fault windows. */
    record Timeline(XYSeries rate, XYSeries p99, List<IntervalMarker> faults) {
    }

    public static void write(History h, String title, Path png) throws IOException {
        Timeline t = timeline(h);
        XYPlot plot = new XYPlot();
        t.faults().forEach(m -> plot.addDomainMarker(m, Layer.BACKGROUND));
        XYSeries rate = t.rate();
        XYSeries p99 = t.p99();
        draw(plot, rate, p99, title, png);
    }

    /** Acknowledged commits and p99 latency per second (null where no commit was acknowledged), fault windows. */
    static Timeline timeline(History h) {
        List<IntervalMarker> markers = new ArrayList<>();
        Map<Integer, Event> open = new HashMap<>();
        TreeMap<Integer, Integer> commits = new TreeMap<>();
        TreeMap<Integer, Histogram> latency = new TreeMap<>();
        Map<String, Event> faultStart = new HashMap<>();
        List<Event> events = h.events();
        double end = events.isEmpty() ? 1 : events.get(events.size() - 1).nanos() / 1e9;
        for (Event e : events) {
            switch (e.type()) {
                case INVOKE -> open.put(e.process(), e);
                case OK -> {
                    Event inv = open.remove(e.process());
                    if (inv != null && !inv.f().endsWith("read") && !"setup".equals(inv.f())) {
                        int sec = (int) (e.nanos() / 1_000_000_000L);
                        commits.merge(sec, 1, Integer::sum);
                        latency.computeIfAbsent(sec, s -> new Histogram(3)).recordValue(Math.max(1, (e.nanos() - inv.nanos()) / 1000));
                    }
                }
                case FAIL, INFO -> open.remove(e.process());
                case NEMESIS_START -> faultStart.put(e.f(), e);
                case NEMESIS_END -> {
                    Event s = faultStart.remove(e.f());
                    if (s != null) {
                        IntervalMarker m = new IntervalMarker(s.nanos() / 1e9, e.nanos() / 1e9, new Color(255, 120, 120, 70));
                        m.setLabel(shortName(e.f()));
                        m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
                        m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                        m.setLabelFont(m.getLabelFont().deriveFont(9f));
                        markers.add(m);
                    }
                }
                default -> { }
            }
        }
        XYSeries rate = new XYSeries("acknowledged commits/s");
        XYSeries p99 = new XYSeries("p99 commit latency (ms)");
        for (int s = 0; s <= (int) end; s++) {
            rate.add(s + 0.5, commits.getOrDefault(s, 0));
            Histogram hist = latency.get(s);
            // A second with no acknowledged commit has no latency: a gap, not a line drawn across the outage.
            p99.add(s + 0.5, hist == null ? null : (Number) (hist.getValueAtPercentile(99) / 1000.0));
        }
        return new Timeline(rate, p99, markers);
    }

    private static void draw(XYPlot plot, XYSeries rate, XYSeries p99, String title, Path png) throws IOException {
        plot.setDataset(0, new XYSeriesCollection(rate));
        plot.setDataset(1, new XYSeriesCollection(p99));
        plot.setDomainAxis(new NumberAxis("seconds into the run"));
        plot.setRangeAxis(0, new NumberAxis("commits/s"));
        NumberAxis ms = new NumberAxis("p99 latency (ms)");
        plot.setRangeAxis(1, ms);
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer r0 = new XYLineAndShapeRenderer(true, false);
        r0.setSeriesPaint(0, new Color(30, 90, 180));
        r0.setSeriesStroke(0, new BasicStroke(1.6f));
        XYLineAndShapeRenderer r1 = new XYLineAndShapeRenderer(true, true); // points too: a lone second between gaps still shows
        r1.setSeriesPaint(0, new Color(200, 120, 0));
        r1.setSeriesShape(0, new Ellipse2D.Double(-2, -2, 4, 4));
        plot.setRenderer(0, r0);
        plot.setRenderer(1, r1);
        plot.setBackgroundPaint(Color.WHITE);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT.deriveFont(12f), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 320);
    }

    private static String shortName(String kind) {
        return switch (kind) {
            case "KILL_BOOKIE" -> "kill";
            case "KILL_ENSEMBLE_BOOKIE" -> "kill ens.";
            case "KILL_BELOW_ACK_QUORUM" -> "kill < Qa";
            case "PAUSE_BOOKIE" -> "pause";
            case "READ_ONLY_BOOKIE" -> "read-only";
            case "EXPIRE_WRITER_SESSION" -> "expire";
            case "CRASH_WRITER" -> "crash";
            case "SUCCESSOR_FENCES_WRITER" -> "fence";
            case "CRASH_WRITER_IN_OUTAGE" -> "outage+crash";
            case "KILL_ZOOKEEPER" -> "kill zk";
            case "PAUSE_ZOOKEEPER" -> "pause zk";
            case "KILL_WRITER" -> "kill -9 writer";
            case "KILL_WRITER_IN_OUTAGE" -> "outage+kill -9";
            case "PAUSE_WRITER" -> "stop writer";
            case "PARTITION_BOOKIE" -> "cut bookie";
            case "PARTITION_WRITER_FROM_ZOOKEEPER" -> "writer|zk";
            case "PARTITION_ZOOKEEPER_MINORITY" -> "zk minority";
            case "ZOOKEEPER_LOSS_AT_METADATA_UPDATE" -> "zk loss@update";
            case "LOSSY_WRITER_LINK" -> "loss 20%";
            case "SLOW_BOOKIE_LINK" -> "slow link";
            case "DELAY_REORDER_BOOKIE" -> "delay+reorder";
            default -> kind;
        };
    }
}
