package io.ledgerkv.fault.checker;

import io.ledgerkv.fault.history.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the checker found in one history: anomalies, outcome counts, and how indeterminate commits resolved. */
public final class CheckResult {
    /** One anomaly, naming the history events involved. */
    public record Anomaly(String kind, String description, List<Long> events) {
        @Override
        public String toString() {
            return kind + ": " + description + " (events " + events + ")";
        }
    }

    private final String workload;
    private final List<Anomaly> anomalies = new ArrayList<>();
    private final Map<String, Long> outcomes = new LinkedHashMap<>();
    private final Map<String, Long> indeterminate = new LinkedHashMap<>();

    CheckResult(String workload) {
        this.workload = workload;
    }

    void anomaly(String kind, String description, List<Long> events) {
        anomalies.add(new Anomaly(kind, description, events));
    }

    void count(String f, Event.Type result) {
        outcomes.merge(f + ":" + result, 1L, Long::sum);
    }

    /** Records how a commit of this outcome turned out in the final state. */
    void resolve(Event.Type result, boolean present) {
        if (result == Event.Type.INFO) {
            indeterminate.merge(present ? "committed" : "not committed", 1L, Long::sum);
        }
    }

    public String workload() {
        return workload;
    }

    public List<Anomaly> anomalies() {
        return anomalies;
    }

    public boolean valid() {
        return anomalies.isEmpty();
    }

    /** Counts per "operation:outcome", e.g. {@code transfer:OK}. */
    public Map<String, Long> outcomes() {
        return outcomes;
    }

    /** How indeterminate (INFO) commits resolved after recovery: committed or not. */
    public Map<String, Long> indeterminate() {
        return indeterminate;
    }

    public long count(String f, String result) {
        return outcomes.getOrDefault(f + ":" + result, 0L);
    }
}
