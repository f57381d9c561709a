package io.ledgerkv.samza;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.samza.metrics.Gauge;
import org.apache.samza.metrics.MetricsRegistry;

/**
 * A store's ledgerkv meters as Samza gauges, in group {@code ledgerkv.<samza store>} of the task's
 * Samza registry (Samza gives each task its own), so Samza's reporters (JMX, a metrics stream)
 * carry them with Samza's own store metrics. Each gauge reads the writer's Micrometer meter when a
 * reporter asks: nothing is copied on the commit path, and a meter that a reopen registered anew is
 * found by name and tags.
 *
 * <pre>{@code
 * SamzaMetrics.register(samzaRegistry, "scores", micrometerRegistry, "risk-1-scores-Partition_0");
 * // group ledgerkv.scores: commits, commit-latency-mean-ms, commit-latency-max-ms, ...
 * }</pre>
 */
final class SamzaMetrics {
    /** The Samza gauge names, in the order they are registered. */
    static final String[] NAMES = {"commits", "commit-latency-mean-ms", "commit-latency-max-ms", "wal-logical-bytes",
        "wal-stored-bytes", "compression-ratio", "outstanding-bytes", "ledger-rolls", "ensemble-changes", "fenced",
        "checkpoints", "replay-transactions"};

    private SamzaMetrics() {
    }

    /** Registers the gauges of ledgerkv store {@code ledgerKvStore} (its writer's meters in {@code meters}). */
    static void register(MetricsRegistry samza, String samzaStore, MeterRegistry meters, String ledgerKvStore) {
        String group = "ledgerkv." + samzaStore;
        Function<String, Search> find = name -> meters.find(name).tags("store", ledgerKvStore, "role", "writer");
        gauge(samza, group, "commits", () -> count(find.apply("ledgerkv.commits").counter()));
        gauge(samza, group, "commit-latency-mean-ms", () -> timer(find.apply("ledgerkv.commit.latency").timer(), false));
        gauge(samza, group, "commit-latency-max-ms", () -> timer(find.apply("ledgerkv.commit.latency").timer(), true));
        gauge(samza, group, "wal-logical-bytes", () -> count(find.apply("ledgerkv.wal.logical").counter()));
        gauge(samza, group, "wal-stored-bytes", () -> count(find.apply("ledgerkv.wal.stored").counter()));
        gauge(samza, group, "compression-ratio", () -> value(find.apply("ledgerkv.compression.ratio").gauge()));
        gauge(samza, group, "outstanding-bytes", () -> (long) value(find.apply("ledgerkv.outstanding").gauge()));
        gauge(samza, group, "ledger-rolls", () -> count(find.apply("ledgerkv.ledger.rolls").functionCounter()));
        gauge(samza, group, "ensemble-changes", () -> count(find.apply("ledgerkv.ensemble.changes").functionCounter()));
        gauge(samza, group, "fenced", () -> count(find.apply("ledgerkv.fenced").counter()));
        gauge(samza, group, "checkpoints", () -> {
            Timer t = find.apply("ledgerkv.checkpoint.duration").timer();
            return t == null ? 0L : t.count();
        });
        gauge(samza, group, "replay-transactions", () -> (long) value(find.apply("ledgerkv.replay.transactions").gauge()));
    }

    private static <T> void gauge(MetricsRegistry samza, String group, String name, Supplier<T> read) {
        samza.newGauge(group, new Gauge<T>(name, null) {
            @Override
            public T getValue() {
                return read.get();
            }
        });
    }

    private static long count(Counter c) {
        return c == null ? 0 : (long) c.count();
    }

    private static long count(FunctionCounter c) {
        return c == null ? 0 : (long) c.count();
    }

    private static double value(io.micrometer.core.instrument.Gauge g) {
        return g == null || Double.isNaN(g.value()) ? 0 : g.value();
    }

    private static double timer(Timer t, boolean max) {
        if (t == null) {
            return 0;
        }
        return max ? t.max(TimeUnit.MILLISECONDS) : t.mean(TimeUnit.MILLISECONDS);
    }
}
