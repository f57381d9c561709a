package io.ledgerkv.bench.run;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import java.util.stream.Collectors;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH's own output goes to the suite's log file unchanged; the terminal gets one line per parameter
 * set as it starts, with JMH's own estimate of how far the suite is and how long it has left
 * ({@code # Run progress: 37.50% complete, ETA 00:12:03}, which JMH prints before each parameter
 * set), and one line with the score when it ends.
 */
final class ProgressFormat implements OutputFormat {
    private static final String PROGRESS = "# Run progress: ";

    private final OutputFormat log;
    private final PrintStream console;
    private final String suite;
    private BenchmarkParams current;
    private int started;

    ProgressFormat(OutputFormat log, PrintStream console, String suite) {
        this.log = log;
        this.console = console;
        this.suite = suite;
    }

    /** JMH announces a parameter set ({@link #startBenchmark}) and then prints its progress line. */
    @Override
    public void println(String s) {
        if (s.startsWith(PROGRESS) && current != null) {
            console.printf(Locale.ROOT, "ledgerkv bench: %s #%d %s %s: %s%n", suite, started, shortName(current.getBenchmark()),
                    describe(current), s.substring(PROGRESS.length()));
            console.flush();
        }
        log.println(s);
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        started++;
        current = params;
        log.startBenchmark(params);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        if (result != null && result.getPrimaryResult() != null) {
            var r = result.getPrimaryResult();
            console.printf(Locale.ROOT, "ledgerkv bench: %s #%d done: %.3f ± %.3f %s%n", suite, started, r.getScore(), r.getScoreError(),
                    r.getScoreUnit());
        }
        log.endBenchmark(result);
    }

    static String shortName(String benchmark) {
        String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : benchmark;
    }

    static String describe(BenchmarkParams params) {
        return params.getParamsKeys().stream().map(k -> k + "=" + params.getParam(k)).collect(Collectors.joining(" ", "[", "]"));
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        log.iteration(benchParams, params, iteration);
    }

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
        log.iterationResult(benchParams, params, iteration, data);
    }

    @Override
    public void startRun() {
        log.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        log.endRun(result);
    }

    @Override
    public void print(String s) {
        log.print(s);
    }

    @Override
    public void flush() {
        log.flush();
    }

    @Override
    public void close() {
        log.close();
    }

    @Override
    public void verbosePrintln(String s) {
        log.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        log.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        log.write(b);
    }
}
