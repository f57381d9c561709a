package io.ledgerkv.bench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where a result was measured: commit, JDK, CPU, memory, disk. Best effort: what cannot be read says so. */
public final class Environment {
    private Environment() {
    }

    public static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("commit", run("git", "rev-parse", "--short", "HEAD") + (run("git", "status", "--porcelain", "--untracked-files=no")
                .isBlank() ? "" : " (with uncommitted changes)"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("cpu", firstMatch(Path.of("/proc/cpuinfo"), "model name") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores available to the JVM");
        m.put("memory", firstMatch(Path.of("/proc/meminfo"), "MemTotal"));
        m.put("disk (temp dir, where bookies keep journals and ledgers)", run("df", "-hT", System.getProperty("java.io.tmpdir"))
                .lines().skip(1).findFirst().orElse("unknown").replaceAll("\\s+", " "));
        return m;
    }

    private static String firstMatch(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown (" + file + " unreadable)";
        }
        return "unknown";
    }

    static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
