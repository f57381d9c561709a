package io.ledgerkv.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void finalValueIsThatOfEachKeysLastUpdate() {
        Workload w = new Workload(7, 30, 100, Workload.Shape.JSON);
        byte[][] last = new byte[7][];
        for (long s = 0; s < w.updates(); s++) {
            last[(int) (s % 7)] = w.value(s);
        }
        for (int k = 0; k < 7; k++) {
            assertThat(w.finalValue(k)).isEqualTo(last[k]);
            assertThat(w.isFinal(k, last[k])).isTrue();
        }
    }

    @Test
    void valuesHaveTheirSizeAndDifferPerUpdate() {
        for (Workload.Shape shape : Workload.Shape.values()) {
            Workload w = new Workload(10, 20, 1024, shape);
            assertThat(w.value(3)).hasSize(1024).isNotEqualTo(w.value(4));
        }
        assertThat(TaskMain.keyIndex(Workload.key(42))).isEqualTo(42);
    }
}
