package io.ledgerkv.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark command refuses knob values it cannot honour before it runs or writes anything. */
class BenchMainTest {

    private static String run(int expectedExit, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new BenchMain());
        cmd.setErr(new PrintWriter(err));
        assertThat(cmd.execute(args)).isEqualTo(expectedExit);
        return err.toString();
    }

    @Test
    void knobsOutsideZeroToOneAreRefusedWithTheirNameAndNothingIsWritten(@TempDir Path dir) {
        Path out = dir.resolve("out");

        assertThat(run(2, "--gate", "--encode-slowdown", "1.5", "--out", out.toString()))
                .contains("--encode-slowdown must be in [0, 1), got 1.5");
        assertThat(run(2, "--gate", "--encode-slowdown", "-0.1", "--out", out.toString()))
                .contains("--encode-slowdown must be in [0, 1), got -0.1");
        assertThat(run(2, "--gate", "--slowdown", "1", "--out", out.toString())).contains("--slowdown must be in [0, 1), got 1.0");
        assertThat(Files.exists(out)).as("no results folder for a refused run").isFalse();
    }
}
