package io.ledgerkv.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The regression gate's statistics on synthetic JMH results with known truth: two samples of the
 * same distribution must pass, a 10 % slowdown with realistic noise must fail, a 10 % difference
 * buried in noise must not be called a regression. (The recorded A/A and injected-slowdown runs on
 * real benchmarks are under results/; these tests pin the arithmetic.)
 */
class CompareTest {
    private static final Compare.Settings GATE = new Compare.Settings(0.05, 0.05, 0.01, true);

    /** A JMH JSON file with storeGet and mapGet scores drawn around the given means with relative noise {@code cv}, 3 forks. */
    private static Path run(Path dir, String name, double storeMean, double mapMean, double cv, long seed) throws IOException {
        return run(dir, name, storeMean, mapMean, cv, 0, 3, seed);
    }

    /**
     * The same with {@code forks} forks, each fork's level offset by relative noise {@code forkCv}
     * (what a fresh JVM's JIT and memory layout do) on top of the iteration noise {@code cv}.
     */
    private static Path run(Path dir, String name, double storeMean, double mapMean, double cv, double forkCv, int forks, long seed)
            throws IOException {
        Random r = new Random(seed);
        String json = "[" + entry("io.ledgerkv.bench.store.ReadBenchmark.storeGet", storeMean, cv, forkCv, forks, r) + ","
                + entry("io.ledgerkv.bench.store.ReadBenchmark.mapGet", mapMean, cv, forkCv, forks, r) + "]";
        Path f = dir.resolve(name + ".json");
        Files.writeString(f, json);
        return f;
    }

    private static String entry(String benchmark, double mean, double cv, double forkCv, int forkCount, Random r) {
        StringBuilder forks = new StringBuilder("[");
        for (int fork = 0; fork < forkCount; fork++) {
            forks.append(fork == 0 ? "[" : ",[");
            double level = mean * (1 + forkCv * r.nextGaussian());
            for (int i = 0; i < 5; i++) {
                forks.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", level * (1 + cv * r.nextGaussian())));
            }
            forks.append(']');
        }
        forks.append(']');
        return "{\"benchmark\":\"" + benchmark + "\",\"mode\":\"thrpt\",\"params\":{\"keys\":\"100000\"},"
                + "\"primaryMetric\":{\"score\":" + mean + ",\"scoreUnit\":\"ops/s\",\"rawData\":" + forks + "},\"secondaryMetrics\":{}}";
    }

    private static List<Compare.Verdict> verdicts(List<Compare.Row> rows) {
        return rows.stream().map(Compare.Row::verdict).toList();
    }

    @Test
    void sameDistributionPasses(@TempDir Path dir) throws IOException {
        List<Compare.Row> rows = Compare.compare(run(dir, "a", 1e7, 1.1e7, 0.01, 1), run(dir, "b", 1e7, 1.1e7, 0.01, 2), GATE);

        assertThat(rows).hasSize(3); // two scores and the store/map ratio
        assertThat(verdicts(rows)).doesNotContain(Compare.Verdict.REGRESSION);
    }

    @Test
    void tenPercentSlowerStoreFailsOnScoreAndRatio(@TempDir Path dir) throws IOException {
        List<Compare.Row> rows = Compare.compare(run(dir, "a", 1e7, 1.1e7, 0.01, 1), run(dir, "b", 0.9e7, 1.1e7, 0.01, 2), GATE);

        assertThat(rows).filteredOn(r -> r.verdict() == Compare.Verdict.REGRESSION).extracting(Compare.Row::kind)
                .containsExactlyInAnyOrder("score", "ratio");
        Compare.Row score = rows.stream().filter(r -> r.metric().contains("storeGet")).findFirst().orElseThrow();
        assertThat(score.change()).isBetween(-0.12, -0.08);
        assertThat(score.ciLow()).isLessThan(score.change());
        assertThat(score.ciHigh()).isGreaterThan(score.change()).isLessThan(0);
    }

    @Test
    void slowdownBuriedInNoiseIsNotARegression(@TempDir Path dir) throws IOException {
        // 40 % run-to-run noise: a 10 % difference in the means is not evidence
        List<Compare.Row> rows = Compare.compare(run(dir, "a", 1e7, 1.1e7, 0.4, 3), run(dir, "b", 0.9e7, 1.1e7, 0.4, 4), GATE);

        assertThat(verdicts(rows)).doesNotContain(Compare.Verdict.REGRESSION);
    }

    @Test
    void fasterIsReportedAsFaster(@TempDir Path dir) throws IOException {
        List<Compare.Row> rows = Compare.compare(run(dir, "a", 1e7, 1.1e7, 0.01, 1), run(dir, "b", 1.2e7, 1.1e7, 0.01, 2), GATE);

        assertThat(rows.stream().filter(r -> r.metric().contains("storeGet")).findFirst().orElseThrow().verdict())
                .isEqualTo(Compare.Verdict.FASTER);
    }

    @Test
    void aFolderWithoutResultsIsRefusedByName(@TempDir Path dir) {
        assertThatThrownBy(() -> JmhResults.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("no jmh-*.json");
    }

    @Test
    void aFileThatIsNotJmhOutputIsRefusedByName(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("notes.json");
        Files.writeString(f, "{\"not\": \"jmh\"}");

        assertThatThrownBy(() -> JmhResults.load(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("notes.json").hasMessageContaining("not JMH JSON output");
    }

    @Test
    void theCompareCommandRunsWithoutAPresetAndExitsOneOnARegression(@TempDir Path dir) throws IOException {
        // `ledgerkv bench compare A B`, as the README and .ci/run call it (a preset flag is required only for runs)
        Path a = run(dir, "a", 1e7, 1.1e7, 0.01, 1);
        Path same = run(dir, "same", 1e7, 1.1e7, 0.01, 2);
        Path slower = run(dir, "slower", 0.9e7, 1.1e7, 0.01, 3);
        Path gate = dir.resolve("gate.md");

        assertThat(new CommandLine(new BenchMain()).execute("compare", a.toString(), same.toString())).isZero();
        assertThat(new CommandLine(new BenchMain()).execute("compare", a.toString(), slower.toString(), "--markdown",
                gate.toString())).isEqualTo(1);
        assertThat(Files.readString(gate)).contains("FAIL");
        assertThat(new CommandLine(new BenchMain()).execute()).isEqualTo(2); // a run must name its preset
    }

    @Test
    void forkToForkSpreadIsNotMistakenForARegression(@TempDir Path dir) throws IOException {
        // What the recorded A/A pair showed: tight iterations inside each JVM, 20 % between JVMs.
        // Over iterations this pair differs "significantly"; over fork means it does not.
        int regressions = 0;
        for (long seed = 0; seed < 20; seed++) {
            List<Compare.Row> rows = Compare.compare(run(dir, "a" + seed, 1e7, 1.1e7, 0.01, 0.2, 3, 2 * seed),
                    run(dir, "b" + seed, 1e7, 1.1e7, 0.01, 0.2, 3, 2 * seed + 1), GATE);
            regressions += (int) rows.stream().filter(r -> r.verdict() == Compare.Verdict.REGRESSION).count();
        }
        assertThat(regressions).as("false alarms in 20 A/A pairs at alpha 0.01").isLessThanOrEqualTo(1);
    }

    @Test
    void oneForkRunsAreReportedButNeverFailTheGate(@TempDir Path dir) throws IOException {
        List<Compare.Row> rows = Compare.compare(run(dir, "a", 1e7, 1.1e7, 0.01, 0, 1, 1), run(dir, "b", 0.5e7, 1.1e7, 0.01, 0, 1, 2), GATE);

        assertThat(verdicts(rows)).doesNotContain(Compare.Verdict.REGRESSION).contains(Compare.Verdict.SLOWER);
        assertThat(rows).allSatisfy(r -> assertThat(r.forks()).isEqualTo(1));
        assertThat(Compare.table(rows)).contains("(not gated)");
    }

    /**
     * A getPair group result: store and map lookups side by side in each fork, the fork's luck
     * ({@code forkCv}) shared by both, as it is when they run in the same JVM at the same time.
     */
    private static Path pairRun(Path dir, String name, double storeMean, double mapMean, double forkCv, int forks, long seed)
            throws IOException {
        Random r = new Random(seed);
        StringBuilder store = new StringBuilder("[");
        StringBuilder map = new StringBuilder("[");
        for (int f = 0; f < forks; f++) {
            double luck = 1 + forkCv * r.nextGaussian();
            store.append(f == 0 ? "[" : ",[");
            map.append(f == 0 ? "[" : ",[");
            for (int i = 0; i < 5; i++) {
                store.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", storeMean * luck * (1 + 0.01 * r.nextGaussian())));
                map.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", mapMean * luck * (1 + 0.01 * r.nextGaussian())));
            }
            store.append(']');
            map.append(']');
        }
        store.append(']');
        map.append(']');
        String json = "[{\"benchmark\":\"io.ledgerkv.bench.store.ReadBenchmark.getPair\",\"mode\":\"thrpt\",\"params\":{},"
                + "\"primaryMetric\":{\"score\":" + (storeMean + mapMean) + ",\"scoreUnit\":\"ops/s\",\"rawData\":[[1]]},"
                + "\"secondaryMetrics\":{\"pairStoreGet\":{\"score\":" + storeMean + ",\"scoreUnit\":\"ops/s\",\"rawData\":" + store + "},"
                + "\"pairMapGet\":{\"score\":" + mapMean + ",\"scoreUnit\":\"ops/s\",\"rawData\":" + map + "}}}]";
        Path f = dir.resolve(name + ".json");
        Files.writeString(f, json);
        return f;
    }

    private static Compare.Row sameForkRatio(List<Compare.Row> rows) {
        return rows.stream().filter(r -> r.metric().contains("same fork")).findFirst().orElseThrow();
    }

    @Test
    void aSameForkRatioSeesTenPercentThroughForkToForkSpread(@TempDir Path dir) throws IOException {
        // 20 % fork-to-fork luck, shared by both sides of the pair: it cancels in the per-fork ratio
        Path a = pairRun(dir, "a", 1e6, 1e6, 0.2, 5, 1);
        Path same = pairRun(dir, "same", 1e6, 1e6, 0.2, 5, 2);
        Path slower = pairRun(dir, "slower", 0.9e6, 1e6, 0.2, 5, 3);

        assertThat(sameForkRatio(Compare.compare(a, same, GATE)).verdict()).isNotEqualTo(Compare.Verdict.REGRESSION);
        Compare.Row r = sameForkRatio(Compare.compare(a, slower, GATE));
        assertThat(r.verdict()).isEqualTo(Compare.Verdict.REGRESSION);
        assertThat(r.change()).isBetween(-0.12, -0.08);
        assertThat(r.forks()).isEqualTo(5);
    }

    /** A CommitCostBenchmark result whose only secondary metric is the CPU cost per transaction, {@code forks} forks. */
    private static Path costRun(Path dir, String name, double cpuMean, double cv, int forks, long seed) throws IOException {
        Random r = new Random(seed);
        StringBuilder cpu = new StringBuilder("[");
        for (int f = 0; f < forks; f++) {
            cpu.append(f == 0 ? "[" : ",[");
            for (int i = 0; i < 5; i++) {
                cpu.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", cpuMean * (1 + cv * r.nextGaussian())));
            }
            cpu.append(']');
        }
        cpu.append(']');
        String json = "[{\"benchmark\":\"io.ledgerkv.bench.store.CommitCostBenchmark.commit\",\"mode\":\"thrpt\",\"params\":{},"
                + "\"primaryMetric\":{\"score\":20000,\"scoreUnit\":\"ops/s\",\"rawData\":[[20000]]},"
                + "\"secondaryMetrics\":{\"" + CommitCostProfiler.OWN_CPU + "\":{\"score\":" + cpuMean
                + ",\"scoreUnit\":\"ns/txn\",\"rawData\":" + cpu + "}}}]";
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void aCostPerTransactionIsLowerIsBetterAndGatedEvenWithRatiosOnly(@TempDir Path dir) throws IOException {
        Compare.Settings ratiosOnly = new Compare.Settings(0.05, 0.05, 0.01, false);
        Path a = costRun(dir, "a", 6000, 0.05, 8, 1);
        Path same = costRun(dir, "same", 6000, 0.05, 8, 2);
        Path dearer = costRun(dir, "dearer", 6000 / 0.9, 0.05, 8, 3);
        Path cheaper = costRun(dir, "cheaper", 6000 * 0.9, 0.05, 8, 4);

        assertThat(costRow(Compare.compare(a, same, ratiosOnly)).verdict()).isEqualTo(Compare.Verdict.SAME);
        Compare.Row r = costRow(Compare.compare(a, dearer, ratiosOnly));
        assertThat(r.kind()).isEqualTo("cost");
        assertThat(r.verdict()).isEqualTo(Compare.Verdict.REGRESSION);
        assertThat(r.change()).isBetween(0.08, 0.15);
        assertThat(costRow(Compare.compare(a, cheaper, ratiosOnly)).verdict()).isEqualTo(Compare.Verdict.FASTER);
    }

    @Test
    void aGatedCostTheNewRunDidNotMeasureFails(@TempDir Path dir) throws IOException {
        Path a = costRun(dir, "a", 6000, 0.05, 8, 1);
        Path readsOnly = run(dir, "reads", 1e7, 1.1e7, 0.01, 2);

        List<Compare.Row> rows = Compare.compare(a, readsOnly, GATE);

        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("cost");
            assertThat(r.metric()).contains("not measured by the new run");
            assertThat(r.verdict()).isEqualTo(Compare.Verdict.REGRESSION);
        });
    }

    private static Compare.Row costRow(List<Compare.Row> rows) {
        return rows.stream().filter(r -> r.kind().equals("cost")).findFirst().orElseThrow();
    }
}
