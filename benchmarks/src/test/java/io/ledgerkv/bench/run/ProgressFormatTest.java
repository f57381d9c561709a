package io.ledgerkv.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code ledgerkv bench} shows one line per parameter set with JMH's progress and ETA, and the
 * score when it ends, while JMH's own output still goes whole to the log. Runs two parameter sets
 * of a real (codec) benchmark in this JVM for a fraction of a second each.
 */
class ProgressFormatTest {
    @Test
    void oneLinePerParameterSetWithProgressAndEtaAndTheFullJmhOutputInTheLog() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PrintStream c = new PrintStream(console, true, StandardCharsets.UTF_8);
             PrintStream l = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            new Runner(new OptionsBuilder().include("io\\.ledgerkv\\.bench\\.codec\\.CodecBenchmark\\.layerCompress$")
                    .param("codec", "LZ4").param("shape", "JSON").param("size", "200", "65536").forks(0).warmupIterations(0)
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(200)).build(),
                    new ProgressFormat(OutputFormatFactory.createFormatInstance(l, VerboseMode.NORMAL), c, "suite 1/1 codec")).run();
        }
        String out = console.toString(StandardCharsets.UTF_8);
        assertThat(out.lines().filter(s -> s.contains(" #") && s.contains("complete, ETA"))).as(out).hasSize(2);
        assertThat(out).contains("suite 1/1 codec #1 CodecBenchmark.layerCompress [", "size=200", "size=65536",
                "0.00% complete, ETA", "50.00% complete, ETA", "#2 done: ");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("# Run progress:", "# Benchmark: ", "Run complete");
    }
}
