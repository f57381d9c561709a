package io.ledgerkv.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The names a Prometheus user sees (store-impl/README.md, "Metrics", lists them): Micrometer's
 * Prometheus naming turns {@code ledgerkv.commits} into {@code ledgerkv_commits_total}, a timer into
 * {@code _seconds} series, a byte counter into {@code _bytes_total}. The commit-latency histogram
 * has the fixed buckets and no quantile series.
 */
class PrometheusNamesTest {
    @Test
    void theExposedNamesAreTheDocumentedOnes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (StoreMetrics m = new StoreMetrics(registry, "default", "scores", "writer", "LZ4")) {
            m.committed(3_000_000);
            m.entryAcked(100, 60);
            m.batch(1, 100);
            m.fenced();
            m.replayed(Duration.ofMillis(5), 2, 1);
            m.checkpointed(1_000_000, 500);
            m.gauge("ledgerkv.outstanding", "bytes in flight", "bytes", new AtomicLong(), AtomicLong::get);
            m.functionCounter("ledgerkv.ledger.rolls", "rolls", new AtomicLong(2), AtomicLong::get);
            // registered by the committer and the standby with these names and units:
            m.gauge("ledgerkv.compression.ratio", "ratio", null, new AtomicLong(2), AtomicLong::get);
            m.functionCounter("ledgerkv.ensemble.changes", "changes", new AtomicLong(1), AtomicLong::get);
            m.gauge("ledgerkv.standby.lag", "lag", "transactions", new AtomicLong(3), AtomicLong::get);
            String text = registry.scrape();
            System.out.println(String.join("\n", text.lines().filter(l -> l.startsWith("# TYPE")).toList()));
            assertThat(text).contains(
                    "ledgerkv_commits_total{", "ledgerkv_commit_latency_seconds_bucket{", "ledgerkv_commit_latency_seconds_count{",
                    "ledgerkv_commit_latency_seconds_sum{", "le=\"0.005\"", "le=\"10.0\"",
                    "ledgerkv_wal_logical_bytes_total{", "ledgerkv_wal_stored_bytes_total{",
                    "ledgerkv_fenced_total{", "ledgerkv_replay_duration_seconds_count{", "ledgerkv_checkpoint_duration_seconds_count{",
                    "ledgerkv_outstanding_bytes{", "ledgerkv_ledger_rolls_total{", "ledgerkv_compression_ratio{",
                    "ledgerkv_ensemble_changes_total{", "ledgerkv_standby_lag_transactions{", "ledgerkv_replay_transactions{",
                    "ledgerkv_batch_size_bytes_sum{", "ledgerkv_checkpoint_size_bytes_sum{",
                    "namespace=\"default\"", "store=\"scores\"", "role=\"writer\"", "codec=\"LZ4\"");
            assertThat(text).doesNotContain("quantile=");
        }
    }
}
