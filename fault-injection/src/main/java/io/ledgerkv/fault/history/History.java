package io.ledgerkv.fault.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerkv.meta.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** A run's events in the order they were recorded; appended to by many threads; saved as JSON lines. */
public final class History {
    private static final ObjectMapper JSON = Json.MAPPER;
    private final List<Event> events = new ArrayList<>();
    private final long start;
    private final Map<String, Object> meta;

    public History(Map<String, Object> meta) {
        this(meta, System.nanoTime());
    }

    /**
     * A history whose clock starts at {@code startNanos} ({@link System#nanoTime}). The campaign's
     * writer processes pass the orchestrator's start: on Linux every JVM's {@code nanoTime} reads
     * the system-wide {@code CLOCK_MONOTONIC}, so their event times and the orchestrator's are on
     * one clock.
     */
    public History(Map<String, Object> meta, long startNanos) {
        this.start = startNanos;
        this.meta = meta;
    }

    /** Called with every event added (a writer process streams its events to the orchestrator this way). */
    private volatile Consumer<Event> sink = e -> { };

    public void sink(Consumer<Event> sink) {
        this.sink = sink;
    }

    /** Nanoseconds on this history's clock for a {@link System#nanoTime} reading. */
    public long since(long nanoTime) {
        return nanoTime - start;
    }

    private History(Map<String, Object> meta, List<Event> events) {
        this.start = 0;
        this.meta = meta;
        this.events.addAll(events);
    }

    /** Nanoseconds since the run started, on the same clock as event times. */
    public long now() {
        return System.nanoTime() - start;
    }

    public Map<String, Object> meta() {
        return meta;
    }

    public synchronized Event add(int process, Event.Type type, String f, Map<String, Object> value, long epoch, String lsn,
                                  String error) {
        Event e = new Event(events.size(), process, type, f, value, System.nanoTime() - start, epoch, lsn, error);
        events.add(e);
        sink.accept(e);
        return e;
    }

    /** Adds an event recorded elsewhere (a writer process) at its own time; its index becomes its place here. */
    public synchronized Event addRecorded(Event recorded) {
        Event e = new Event(events.size(), recorded.process(), recorded.type(), recorded.f(), recorded.value(), recorded.nanos(),
                recorded.epoch(), recorded.lsn(), recorded.error());
        events.add(e);
        return e;
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** First line: {"meta": {...}}; then one event per line. Gzip-compressed when the file name ends in {@code .gz}. */
    public synchronized void save(Path file) {
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(gzipped(file)
                ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file),
                StandardCharsets.UTF_8))) {
            w.write(JSON.writeValueAsString(Map.of("meta", meta)));
            w.newLine();
            for (Event e : events) {
                w.write(JSON.writeValueAsString(e));
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history " + file, e);
        }
    }

    @SuppressWarnings("unchecked")
    public static History load(Path file) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(gzipped(file)
                ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            String first = r.readLine();
            if (first == null) {
                throw new IllegalArgumentException("history " + file + " is empty");
            }
            Map<String, Object> head = JSON.readValue(first, Map.class);
            if (!head.containsKey("meta")) {
                throw new IllegalArgumentException("history " + file + " does not start with a meta line: not a ledgerkv history");
            }
            List<Event> events = new ArrayList<>();
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    events.add(JSON.readValue(line, Event.class));
                } catch (IOException e) {
                    String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                    throw new IllegalArgumentException("history " + file + " line " + n + " is not an event: " + why, e);
                }
            }
            return new History((Map<String, Object>) head.get("meta"), events);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history " + file, e);
        }
    }

    private static boolean gzipped(Path file) {
        return file.getFileName().toString().endsWith(".gz");
    }
}
