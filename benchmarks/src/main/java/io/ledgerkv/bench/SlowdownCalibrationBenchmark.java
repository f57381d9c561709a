package io.ledgerkv.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Checks the {@link Slowdown} knob itself: a call of fixed CPU work (no store, no cluster, so forks
 * agree closely) measured once with the knob off and once with {@code -Dledgerkv.bench.slowdown=0.1}.
 * The ratio of the two scores is what the knob really costs; it should be 0.90 for short calls
 * (like a 1.5 µs {@code get}) as well as long ones (like a 60 µs codec call). Not part of the
 * presets; run by hand, see benchmarks/README.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {BenchCluster.LOG})
public class SlowdownCalibrationBenchmark {
    /** Tokens of {@link Blackhole#consumeCPU(long)} per call: about 0.2 µs, 2 µs and 60 µs here. */
    @Param({"100", "1000", "30000"})
    public long callTokens;

    @Benchmark
    public void slowedCall() {
        long t0 = Slowdown.start();
        Blackhole.consumeCPU(callTokens);
        Slowdown.end(t0);
    }
}
