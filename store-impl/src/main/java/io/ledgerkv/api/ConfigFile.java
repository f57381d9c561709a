package io.ledgerkv.api;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Settings files: Java {@code .properties}, or YAML ({@code .yaml}/{@code .yml}; nested maps
 * flatten to dotted keys, so {@code a: {b: 1}} is {@code a.b=1}). Keys are the names of the
 * {@link StoreConfig} settings ({@code ensembleSize}, {@code codec}, {@code maxBatchBytes}, ...)
 * plus whatever the reader of the file adds (the CLI adds {@code zk}, {@code namespace}, ...).
 * Values are strings; {@link #duration} reads {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or
 * ISO-8601. Also holds the "did you mean" helper every config reader uses for unknown keys.
 */
public final class ConfigFile {
    private ConfigFile() {
    }

    /** The file's settings, in file order. */
    public static Map<String, String> read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Map<String, String> out = new LinkedHashMap<>();
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
                if (doc != null && !(doc instanceof Map)) {
                    throw new InvalidConfigException("--config", file + ": expected a map of settings at the top level");
                }
                flatten("", doc == null ? Map.of() : (Map<?, ?>) doc, out, file);
            } else if (name.endsWith(".properties")) {
                Properties p = new Properties();
                p.load(r);
                for (String k : p.stringPropertyNames()) {
                    out.put(k, p.getProperty(k).trim());
                }
            } else {
                throw new InvalidConfigException("--config", file + ": use a .properties, .yaml or .yml file");
            }
            return out;
        } catch (IOException e) {
            throw new InvalidConfigException("--config", "cannot read " + file + ": " + e);
        } catch (YAMLException e) {
            throw new InvalidConfigException("--config", file + " is not valid YAML: " + e.getMessage());
        }
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out, Path file) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                flatten(key + ".", m, out, file);
            } else if (v instanceof List<?> || v == null) {
                throw new InvalidConfigException(key, file + ": expected a single value, got " + v);
            } else {
                out.put(key, v.toString());
            }
        }
    }

    /**
     * The error for a settings key that is not one of {@code valid}: names the key, the source, the
     * nearest valid key for a typo, the whole list when it is short, and where a password belongs
     * when the key looks like one (secrets never go in settings files).
     */
    public static InvalidConfigException unknownSetting(String key, Collection<String> valid, String source) {
        return new InvalidConfigException(key, "unknown setting in " + source + didYouMean(key, valid)
                + (valid.size() <= 10 ? "; valid: " + new TreeSet<>(valid) : "")
                + (key.toLowerCase(Locale.ROOT).contains("password")
                ? "; the ledger password never goes in a settings file (use passwordFile, --password-file or LEDGERKV_PASSWORD)" : ""));
    }

    /** {@code " (did you mean X?)"} for the valid key closest to a mistyped one, or {@code ""} if none is close. */
    public static String didYouMean(String key, Collection<String> valid) {
        LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : valid) {
            int d = distance.apply(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 3) ? " (did you mean " + best + "?)" : "";
    }

    /** Durations like 500ms, 10s, 2m, 1h, or ISO-8601 (PT10S). */
    public static Duration duration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("pt")) {
                return Duration.parse(v.trim());
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("duration '" + v + "': use e.g. 500ms, 10s, 2m, 1h or PT10S");
        }
    }

    /**
     * A duration as users type it in settings and flags, the inverse of {@link #duration}: {@code 10s},
     * {@code 500ms}, {@code 2m}, {@code 1h}; ISO-8601 only for what those cannot say (sub-millisecond).
     */
    public static String format(Duration d) {
        if (d == null) {
            return "null";
        }
        long ms = d.toMillis();
        if (!d.equals(Duration.ofMillis(ms))) {
            return d.toString();
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
