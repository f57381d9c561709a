package io.ledgerkv.bench.run;

import io.ledgerkv.bench.latency.LatencyDriver;
import java.util.List;
import java.util.Map;

/**
 * What {@code ledgerkv bench --quick} and {@code --full} run: JMH suites with their parameter
 * subsets and iteration counts, then the open-loop latency driver.
 */
public enum Preset {
    /** Under 5 minutes on 2 cores: the headline settings of every suite, one fork each. */
    QUICK(List.of(
            new Suite("raw", "RawBookKeeperBenchmark", Map.of("entryBytes", new String[] {"131072"}), 1, 2, 1, 5, 2),
            new Suite("commit", "CommitThroughputBenchmark", Map.of("codec", new String[] {"NONE", "LZ4", "ZSTD"},
                    "batchBytes", new String[] {"131072"}, "valueBytes", new String[] {"1024"}, "shape", new String[] {"JSON"}),
                    1, 2, 1, 5, 2),
            // the gate's getPair/getInterleaved are left to --gate and --full: they would take quick past 5 minutes
            new Suite("reads", "ReadBenchmark\\.(storeGet|mapGet|storeRange|mapRange)", Map.of(), 1, 5, 1, 5, 1),
            new Suite("ycsb", "YcsbBenchmark", Map.of("workload", new String[] {"A", "C"}), 1, 2, 1, 5, 1),
            new Suite("codec", "CodecBenchmark", Map.of("codec", new String[] {"LZ4"}, "shape", new String[] {"JSON"},
                    "size", new String[] {"65536"}), 1, 1, 1, 5, 1)),
            LatencyDriver.Plan.quick()),
    /**
     * The whole matrix (about an hour): raw BookKeeper at every entry size, commit throughput over
     * codec x batch x value size x shape, reads, all four YCSB mixes, reopen time, codecs; three
     * forks where a target is judged, one fork for the sweep.
     */
    FULL(List.of(
            new Suite("raw", "RawBookKeeperBenchmark", Map.of(), 3, 3, 2, 5, 2),
            new Suite("commit-headline", "CommitThroughputBenchmark", Map.of("codec", new String[] {"NONE", "LZ4", "ZSTD"},
                    "batchBytes", new String[] {"131072"}, "valueBytes", new String[] {"1024"}, "shape", new String[] {"JSON"}),
                    3, 3, 2, 5, 2),
            new Suite("commit-sweep", "CommitThroughputBenchmark", Map.of(), 1, 3, 2, 5, 2),
            new Suite("reads", "ReadBenchmark", Map.of(), 3, 5, 1, 5, 1),
            new Suite("ycsb", "YcsbBenchmark", Map.of(), 3, 3, 2, 5, 2),
            new Suite("reopen", "ReopenBenchmark", Map.of("keys", new String[] {"10000", "50000"}, "history", new String[] {"1"}),
                    1, 3, 0, 10, 0),
            new Suite("codec", "CodecBenchmark", Map.of(), 1, 2, 1, 3, 1)),
            LatencyDriver.Plan.full()),
    /**
     * The regression gate's run (about 11 minutes). {@code ReadBenchmark.getInterleaved} in 10 forks:
     * its per-fork ratio (store get / map get, both timed in one thread) spread 3-6 % across forks
     * here, against 10-30 % for scores measured in separate forks or threads; see
     * results/2026-11-28-gate-interleaved-slowdown10. {@code CommitCostBenchmark} in 12 forks: the
     * commit path's CPU ns and allocated bytes per transaction at a fixed rate (CommitCostProfiler);
     * see results/2026-12-02-perf. No latency driver.
     */
    GATE(List.of(new Suite("gate-reads", "ReadBenchmark.getInterleaved", Map.of(), 10, 5, 1, 5, 1),
            new Suite("gate-commit", "CommitCostBenchmark", Map.of(), 12, 8, 2, 5, 2)), null);

    /**
     * One JMH invocation: a benchmark class (a regular expression over {@code Class} or
     * {@code Class.method} names), parameter overrides (empty = the class's own), forks,
     * warm-up and measurement iterations and their seconds (0 seconds = single shot).
     */
    public record Suite(String name, String benchmarkClass, Map<String, String[]> params, int forks, int warmups, int warmupSeconds,
                        int iterations, int iterationSeconds) {
    }

    // Never changed once built above: List.of lists of records whose parameter arrays are only read (Error Prone cannot
    // tell a List.of from a mutable List).
    @SuppressWarnings("ImmutableEnumChecker")
    private final List<Suite> suites;
    // A record of List.of lists and numbers, as above.
    @SuppressWarnings("ImmutableEnumChecker")
    private final LatencyDriver.Plan latency;

    Preset(List<Suite> suites, LatencyDriver.Plan latency) {
        this.suites = suites;
        this.latency = latency;
    }

    public List<Suite> suites() {
        return suites;
    }

    public LatencyDriver.Plan latency() {
        return latency;
    }
}
