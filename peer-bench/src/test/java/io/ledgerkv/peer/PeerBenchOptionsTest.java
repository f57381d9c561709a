package io.ledgerkv.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Options that can be wrong are refused with a usage error before any cluster starts, and nothing is written. */
class PeerBenchOptionsTest {

    private static int run(StringWriter err, String... args) {
        CommandLine cmd = new CommandLine(new PeerBench());
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS) // long before a cluster could start
    void aMalformedFailoverCellIsRefusedBeforeAnythingStarts(@TempDir Path tmp) {
        Path out = tmp.resolve("out");
        for (String bad : new String[] {"50000", "50000x", "x8", "50000x0", "-5x2", "ax2"}) {
            StringWriter err = new StringWriter();
            assertThat(run(err, "--out", out.toString(), "--failover-cells", bad)).as(bad).isEqualTo(2);
            assertThat(err.toString()).as(bad).contains("--failover-cells: want KEYSxFACTOR").contains(bad);
        }
        assertThat(Files.exists(out)).as("no results folder for a refused run").isFalse();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void anUnknownClusterKindIsRefusedBeforeAnythingStarts(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        assertThat(run(err, "--out", tmp.resolve("out").toString(), "--ledgerkv-cluster", "docker")).isEqualTo(2);
        assertThat(err.toString()).contains("--ledgerkv-cluster: processes or in-process, got docker");
        assertThat(Files.exists(tmp.resolve("out"))).isFalse();
    }
}
