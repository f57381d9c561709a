package io.ledgerkv.fault.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An outage shows in the timeline: no p99 line is drawn across seconds without an acknowledged commit. */
class TimelineChartTest {
    @Test
    void secondsWithoutCommitsAreGapsInTheLatencyLine(@TempDir Path dir) throws Exception {
        History h = new History(new LinkedHashMap<>(), System.nanoTime());
        h.addRecorded(new Event(0, 1, Event.Type.INVOKE, "append", Map.of(), 100_000_000L, 1, null, null));
        h.addRecorded(new Event(0, 1, Event.Type.OK, "append", Map.of(), 200_000_000L, 1, "1:0:0", null));
        h.addRecorded(new Event(0, -1, Event.Type.NEMESIS_START, "KILL_WRITER", Map.of(), 900_000_000L, 0, null, null));
        h.addRecorded(new Event(0, -1, Event.Type.NEMESIS_END, "KILL_WRITER", Map.of(), 2_900_000_000L, 0, null, null));
        h.addRecorded(new Event(0, 2, Event.Type.INVOKE, "append", Map.of(), 3_100_000_000L, 2, null, null));
        h.addRecorded(new Event(0, 2, Event.Type.OK, "append", Map.of(), 3_400_000_000L, 2, "2:0:0", null));

        TimelineChart.Timeline t = TimelineChart.timeline(h);

        assertThat(t.p99().getDataItem(0).getYValue()).isCloseTo(100.0, Offset.offset(0.5)); // 100 ms in second 0
        assertThat(t.p99().getDataItem(1).getY()).as("second 1: no commit").isNull();
        assertThat(t.p99().getDataItem(2).getY()).as("second 2: no commit").isNull();
        assertThat(t.p99().getDataItem(3).getYValue()).isCloseTo(300.0, Offset.offset(0.5));
        assertThat(t.rate().getDataItem(1).getYValue()).isZero();
        assertThat(t.faults()).hasSize(1);
        Path png = dir.resolve("t.png");
        TimelineChart.write(h, "outage", png);
        assertThat(Files.size(png)).isPositive();
    }
}
