package io.ledgerkv.fault.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ledgerkv.fault.workload.ListAppendWorkload;
import io.ledgerkv.fault.workload.ListAppendWorkload.MicroOp;
import io.ledgerkv.meta.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * A list-append history in the JSON form elle-cli (github.com/ligurio/elle-cli) reads for its
 * {@code list-append} model, so Jepsen's own Elle can check a run:
 *
 * <pre>{@code
 * [{"index":0,"type":"invoke","f":"txn","process":1,"time":81234,"value":[["r","list/03",null],["append","list/03",17]]},
 *  {"index":1,"type":"ok","f":"txn","process":1,"time":95321,"value":[["r","list/03",[4,9]],["append","list/03",17]]},
 *  ...]
 * }</pre>
 *
 * elle-cli reads a {@code .json} file as one JSON value (a whole array), turns {@code type} and
 * {@code f} and each micro-operation's name into keywords, and checks only rows whose {@code f} is
 * {@code txn}. Appends become {@code invoke} then {@code ok}, {@code fail} or {@code info}; reads
 * are {@code null} in the invocation and where the outcome is unknown or failed, as in Jepsen.
 * Snapshot reads and the final read become read-only transactions over every list (an absent list
 * reads as {@code []}). Setup, nemesis and writer events, and commits refused before they were
 * built, have no list-append meaning and are left out; an invocation the run never answered gets
 * an {@code info} at the end.
 */
public final class ElleExport {
    private ElleExport() {
    }

    /** The history's operations in elle-cli's form; refuses a history that is not list-append. */
    public static List<Map<String, Object>> operations(History h) {
        Object workload = h.meta().get("workload");
        if (!"list-append".equals(workload)) {
            throw new IllegalArgumentException("only list-append histories have an Elle form (elle-cli's list-append model); this one is "
                    + workload);
        }
        List<Event> events = h.events();
        List<String> keys = listKeys(events);
        List<Map<String, Object>> out = new ArrayList<>();
        Map<Integer, Event> open = new HashMap<>();
        long lastTime = 0;
        for (Event e : events) {
            lastTime = Math.max(lastTime, e.nanos());
            boolean read = "read".equals(e.f()) || "final-read".equals(e.f());
            if (e.type() == Event.Type.INVOKE) {
                if (!"append".equals(e.f()) && !read) {
                    continue; // its outcome finds no open invocation and is skipped too
                }
                open.put(e.process(), e);
                out.add(op(out.size(), "invoke", e.process(), e.nanos(), invokeValue(e, keys), null));
            } else if (e.isOutcome()) {
                Event inv = open.remove(e.process());
                if (inv == null) {
                    continue;
                }
                String type = e.type().name().toLowerCase(Locale.ROOT);
                List<List<Object>> value = e.type() != Event.Type.OK ? invokeValue(inv, keys)
                        : read ? readValue(e, keys) : elle(ListAppendWorkload.microOps(inv.value()), true);
                out.add(op(out.size(), type, e.process(), e.nanos(), value, e.error()));
            }
        }
        for (Event inv : open.values().stream().sorted(Comparator.comparingLong(Event::index)).toList()) {
            out.add(op(out.size(), "info", inv.process(), lastTime, invokeValue(inv, keys), "no completion before the run ended"));
        }
        return out;
    }

    /** Writes {@link #operations} as one JSON array, one operation per line. */
    public static int write(History h, Path file) {
        List<Map<String, Object>> ops = operations(h);
        StringBuilder sb = new StringBuilder("[");
        try {
            for (int i = 0; i < ops.size(); i++) {
                sb.append(i == 0 ? "" : ",\n ").append(Json.MAPPER.writeValueAsString(ops.get(i)));
            }
            sb.append("]\n");
            Files.writeString(file, sb);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render an Elle operation", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return ops.size();
    }

    private static Map<String, Object> op(int index, String type, int process, long time, List<List<Object>> value, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        m.put("type", type);
        m.put("f", "txn");
        m.put("process", process);
        m.put("time", time);
        m.put("value", value);
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }

    private static List<List<Object>> invokeValue(Event invoke, List<String> keys) {
        if ("append".equals(invoke.f())) {
            return elle(ListAppendWorkload.microOps(invoke.value()), false);
        }
        List<List<Object>> out = new ArrayList<>();
        for (String k : keys) {
            out.add(MicroOp.read(k, List.of()).toElle(false));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> readValue(Event ok, List<String> keys) {
        Map<String, String> entries = ok.value() == null ? Map.of() : (Map<String, String>) ok.value().getOrDefault("entries", Map.of());
        List<List<Object>> out = new ArrayList<>();
        for (String k : keys) {
            out.add(MicroOp.read(k, ListAppendWorkload.parse(entries.get(k))).toElle(true));
        }
        return out;
    }

    private static List<List<Object>> elle(List<MicroOp> ops, boolean withReads) {
        return ops.stream().map(m -> m.toElle(withReads)).toList();
    }

    /** Every list the run could read: those the setup declared and any other a read or an append names. */
    @SuppressWarnings("unchecked")
    private static List<String> listKeys(List<Event> events) {
        NavigableSet<String> keys = new TreeSet<>();
        for (Event e : events) {
            if (e.type() == Event.Type.INVOKE && "setup".equals(e.f()) && e.value().get("keys") instanceof Number n) {
                for (int k = 0; k < n.intValue(); k++) {
                    keys.add(ListAppendWorkload.key(k));
                }
            } else if (e.type() == Event.Type.INVOKE && "append".equals(e.f())) {
                ListAppendWorkload.microOps(e.value()).forEach(m -> keys.add(m.key()));
            } else if (e.type() == Event.Type.OK && e.value() != null && e.value().get("entries") instanceof Map<?, ?> m) {
                ((Map<String, Object>) m).keySet().stream().filter(k -> k.startsWith("list/")).forEach(keys::add);
            }
        }
        return List.copyOf(keys);
    }
}
