package io.ledgerkv.sim;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters over many schedules: actions that ran (not those skipped by their precondition), faults that struck, outcomes. */
public final class SimStats {
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    public void count(String name) {
        add(name, 1);
    }

    public void add(String name, long n) {
        counters.computeIfAbsent(name, k -> new LongAdder()).add(n);
    }

    public long get(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    /** Every counter whose name starts with {@code prefix}, by the rest of its name. */
    public Map<String, Long> withPrefix(String prefix) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v.sum());
            }
        });
        return out;
    }

    public Map<String, Long> all() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
