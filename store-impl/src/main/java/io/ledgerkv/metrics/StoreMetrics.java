package io.ledgerkv.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * One open store's meters, registered in the host application's Micrometer registry
 * ({@code ClientConfig.Builder#meterRegistry}) under {@code ledgerkv.*} with tags {@code namespace},
 * {@code store}, {@code role} and {@code codec}. Without a registry the meters go to an empty
 * composite registry, which makes them no-ops.
 *
 * <p>Lifetime: counters, timers and distribution summaries stay registered when the store closes,
 * so a store reopened in the same process keeps counting into the same meters (Micrometer returns
 * the registered meter for the same name and tags), as Prometheus expects of counters. Gauges and
 * function counters read a live object (the committer, the standby); closing removes them, and
 * the next open registers new ones bound to its own objects. The names and what each counts are
 * listed in store-impl/README.md ("Metrics").
 */
public final class StoreMetrics implements AutoCloseable {
    /**
     * The commit-latency histogram's buckets: fixed, so series from many writers aggregate
     * (client-side percentiles cannot be summed across stores or processes), and bounded (13 buckets
     * instead of Micrometer's ~70 of a percentile histogram).
     */
    static final Duration[] COMMIT_SLO_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final Tags tags;
    /** Meters bound to this handle's objects, removed on close. */
    private final List<Meter> live = new ArrayList<>();
    private final Timer commitLatency;
    private final Counter commits;
    private final Counter logicalBytes;
    private final Counter storedBytes;
    private final DistributionSummary batchTxns;
    private final DistributionSummary batchBytes;
    private final Counter fenced;
    private final Timer checkpointDuration;
    private final DistributionSummary checkpointBytes;

    public StoreMetrics(MeterRegistry registry, String namespace, String store, String role, String codec) {
        this.registry = registry == null ? new CompositeMeterRegistry() : registry;
        this.tags = Tags.of("namespace", namespace, "store", store, "role", role, "codec", codec);
        commitLatency = Timer.builder("ledgerkv.commit.latency")
                .description("Time from a transaction's commit call to its acknowledgement by an ack quorum of bookies")
                .serviceLevelObjectives(COMMIT_SLO_BUCKETS).tags(tags).register(this.registry);
        commits = Counter.builder("ledgerkv.commits").description("Transactions committed (acknowledged)")
                .tags(tags).register(this.registry);
        logicalBytes = Counter.builder("ledgerkv.wal.logical").description("WAL payload bytes acknowledged, before compression")
                .baseUnit("bytes").tags(tags).register(this.registry);
        storedBytes = Counter.builder("ledgerkv.wal.stored").description("WAL entry bytes acknowledged, as stored on the bookies")
                .baseUnit("bytes").tags(tags).register(this.registry);
        batchTxns = DistributionSummary.builder("ledgerkv.batch.transactions")
                .description("Transactions per WAL entry written").baseUnit("transactions").tags(tags).register(this.registry);
        batchBytes = DistributionSummary.builder("ledgerkv.batch.size")
                .description("Payload bytes per WAL entry written, before compression").baseUnit("bytes").tags(tags).register(this.registry);
        fenced = Counter.builder("ledgerkv.fenced").description("Times this writer found itself fenced by a newer writer")
                .tags(tags).register(this.registry);
        checkpointDuration = Timer.builder("ledgerkv.checkpoint.duration")
                .description("Time to write, verify and register a checkpoint").tags(tags).register(this.registry);
        checkpointBytes = DistributionSummary.builder("ledgerkv.checkpoint.size").description("Stored bytes of each checkpoint")
                .baseUnit("bytes").tags(tags).register(this.registry);
    }

    private <M extends Meter> M live(M m) {
        synchronized (live) {
            live.add(m);
        }
        return m;
    }

    /** A gauge read from {@code obj} when the registry is scraped. */
    public <T> void gauge(String name, String description, String baseUnit, T obj, ToDoubleFunction<T> f) {
        live(Gauge.builder(name, obj, f).description(description).baseUnit(baseUnit).tags(tags).strongReference(true)
                .register(registry));
    }

    /** A monotonic count kept by {@code obj} (for example an {@code AtomicLong} it already maintains). */
    public <T> void functionCounter(String name, String description, T obj, ToDoubleFunction<T> f) {
        live(FunctionCounter.builder(name, obj, f).description(description).tags(tags).register(registry));
    }

    /** A transaction acknowledged {@code nanos} after its commit call. */
    public void committed(long nanos) {
        commitLatency.record(nanos, TimeUnit.NANOSECONDS);
        commits.increment();
    }

    /** A WAL entry acknowledged. */
    public void entryAcked(long payloadBytes, long entryBytes) {
        logicalBytes.increment((double) payloadBytes);
        storedBytes.increment((double) entryBytes);
    }

    /** A WAL entry written holding {@code txns} transactions and {@code bytes} of payload. */
    public void batch(int txns, long bytes) {
        batchTxns.record(txns);
        batchBytes.record((double) bytes);
    }

    public void fenced() {
        fenced.increment();
    }

    /** What the open-time replay read (entries, and transactions applied: not a sequence number) and how long it took. */
    public void replayed(Duration took, long entries, long transactions) {
        Timer.builder("ledgerkv.replay.duration").description("Time each open spent loading the checkpoint and replaying the WAL")
                .tags(tags).register(registry).record(took);
        gauge("ledgerkv.replay.entries", "WAL entries the last open replayed", "entries", entries, e -> e);
        gauge("ledgerkv.replay.transactions", "Transactions the last open replayed from the WAL (after its checkpoint)", "transactions",
                transactions, t -> t);
    }

    public void checkpointed(long nanos, long storedBytes) {
        checkpointDuration.record(nanos, TimeUnit.NANOSECONDS);
        checkpointBytes.record((double) storedBytes);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Removes the gauges and function counters bound to this handle; the cumulative meters stay. */
    @Override
    public void close() {
        synchronized (live) {
            for (Meter m : live) {
                registry.remove(m);
            }
            live.clear();
        }
    }
}
