package io.ledgerkv.cli;

import io.ledgerkv.meta.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * {@code -o/--output text|json|table} on every command that prints results (etcdctl's {@code -w}
 * is the model). {@code text} is what people read and what the commands printed before the flag;
 * {@code json} is one JSON document on standard output (an object for one result, an array for a
 * list, streamed element by element), with the field names listed in {@code docs/cli-output.md};
 * {@code table} is aligned columns under a header (a list is held until its end to align it).
 * Errors and progress always go to standard error as text, so standard output stays parseable;
 * the exit code says what happened ({@link ExitCodes}).
 */
final class OutputOptions {
    enum Format { TEXT, JSON, TABLE }

    // No picocli defaultValue: picocli would apply it after the hidden --json below and undo it.
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text, json or table (default: text); field names: "
            + "docs/cli-output.md")
    Format format = Format.TEXT;

    /** The flag some commands had before {@code -o}; kept so scripts that pass it keep working. */
    @Option(names = "--json", hidden = true, description = "Same as -o json")
    void json(boolean on) {
        if (on) {
            format = Format.JSON;
        }
    }

    boolean text() {
        return format == Format.TEXT;
    }

    /** Prints one result: {@code text} in text mode, else {@code fields} as a JSON object or a one-row table. */
    void one(PrintWriter out, Map<String, ?> fields, Runnable text) {
        Rows rows = new Rows(out, false);
        rows.add(fields, text);
        rows.end();
    }

    /**
     * A list of results; {@link Rows#end} ends the JSON array or prints the table. A command that
     * fails part way does not call it, so a cut-off list is not valid JSON and cannot pass for a
     * whole one.
     */
    Rows rows(PrintWriter out) {
        return new Rows(out, true);
    }

    /** An ordered map of fields for {@link #one} and {@link Rows#add}; null values are kept (JSON {@code null}). */
    static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static String json(Object value, boolean pretty) {
        try {
            return pretty ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) : Json.MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    final class Rows {
        private final PrintWriter out;
        private final boolean list;
        private final List<Map<String, ?>> held = new ArrayList<>();
        private int count;

        private Rows(PrintWriter out, boolean list) {
            this.out = out;
            this.list = list;
        }

        void add(Map<String, ?> fields, Runnable text) {
            switch (format) {
                case TEXT -> text.run();
                case JSON -> {
                    if (!list) {
                        out.println(json(fields, true));
                    } else {
                        out.print(count == 0 ? "[\n  " : ",\n  ");
                        out.print(json(fields, false));
                    }
                }
                case TABLE -> held.add(fields);
            }
            count++;
        }

        void end() {
            if (format == Format.JSON && list) {
                out.println(count == 0 ? "[]" : "\n]");
            } else if (format == Format.TABLE) {
                table(out, held);
            }
            out.flush();
        }
    }

    /** Columns are the fields in first-seen order, headed by their names in capitals; lists are joined with ", ". */
    static void table(PrintWriter out, List<Map<String, ?>> rows) {
        List<String> columns = new ArrayList<>();
        for (Map<String, ?> r : rows) {
            r.keySet().stream().filter(k -> !columns.contains(k)).forEach(columns::add);
        }
        List<List<String>> cells = new ArrayList<>();
        cells.add(columns.stream().map(c -> c.toUpperCase(Locale.ROOT)).toList());
        for (Map<String, ?> r : rows) {
            cells.add(columns.stream().map(c -> cell(r.get(c))).toList());
        }
        int[] width = new int[columns.size()];
        for (List<String> row : cells) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : cells) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                sb.append(i == width.length - 1 ? row.get(i) : String.format(Locale.ROOT, "%-" + width[i] + "s  ", row.get(i)));
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(OutputOptions::cell).collect(Collectors.joining(", "));
        }
        if (v instanceof Map<?, ?>) {
            return json(v, false);
        }
        return v.toString().replace('\n', ' ').replace('\t', ' ');
    }
}
