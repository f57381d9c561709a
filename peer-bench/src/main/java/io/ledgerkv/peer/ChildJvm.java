package io.ledgerkv.peer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JVM of its own (a broker, a task), started from this JVM's class path with the same
 * {@code --add-opens} and log settings. Its stdout and stderr go to {@code log}; lines starting
 * with {@link #SIGNAL} are also queued for {@link #awaitSignal}, which is how a task reports
 * progress to the harness.
 */
final class ChildJvm implements AutoCloseable {
    /** Prefix of the lines a task prints for the harness. */
    static final String SIGNAL = "PEER ";

    private final String name;
    private final Process process;
    private final Path log;
    private final long startedNanos;
    private final BlockingQueue<String> signals = new LinkedBlockingQueue<>();

    private ChildJvm(String name, Process process, Path log, long startedNanos) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
        Thread pump = new Thread(this::pump, name + "-out");
        pump.setDaemon(true);
        pump.start();
    }

    static ChildJvm start(String name, List<String> jvmArgs, String mainClass, List<String> args, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-XX:+UseG1GC");
        for (String open : List.of("java.base/java.nio", "java.base/sun.nio.ch", "java.base/java.lang", "java.base/java.util.zip",
                "java.base/java.io")) {
            cmd.add("--add-opens=" + open + "=ALL-UNNAMED");
        }
        cmd.add("-Dlog4j2.configurationFile=classpath:ledgerkv-log4j2.xml");
        cmd.add("-cp");
        cmd.add(PeerClasspath.get());
        cmd.add(mainClass);
        cmd.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            return new ChildJvm(name, p, log, t0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                out.flush();
                if (line.startsWith(SIGNAL)) {
                    signals.add(line.substring(SIGNAL.length()));
                }
            }
        } catch (IOException e) {
            signals.add("EXIT pump failed: " + e);
        }
        signals.add("EXIT");
    }

    /** The next signal line whose first word is {@code word}; fails on another process exit or after {@code timeout}. */
    String awaitSignal(String word, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String s = left <= 0 ? null : signals.poll(left, TimeUnit.NANOSECONDS);
            if (s == null) {
                throw new TimeoutException(name + ": no " + word + " within " + timeout + " (log: " + log + ")");
            }
            if (s.startsWith("EXIT")) {
                throw new IllegalStateException(name + " exited before " + word + " (log: " + log + "): " + s);
            }
            if (s.startsWith("FAILED")) {
                throw new IllegalStateException(name + " failed (log: " + log + "): " + s);
            }
            if (s.equals(word) || s.startsWith(word + " ")) {
                return s;
            }
        }
    }

    /** Writes one line to the process's standard input (how the harness tells a standby to take over). */
    void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    long pid() {
        return process.pid();
    }

    /**
     * CPU time (user + system) a process has used so far, from {@code /proc/<pid>/stat} (Linux), in milliseconds;
     * 0 if it has exited.
     */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime and stime, fields 14 and 15
            return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException e) {
            return 0;
        }
    }

    /** {@code getconf CLK_TCK}: 100 on Linux on x86-64 and arm64. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    String name() {
        return name;
    }

    /** {@link System#nanoTime()} just before the process was started. */
    long startedNanos() {
        return startedNanos;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as when the machine or the JVM dies: no shutdown hook runs. */
    void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** SIGTERM (shutdown hooks run); SIGKILL if it has not exited after {@code grace}. */
    void stop(Duration grace) {
        process.destroy();
        if (!waitFor(grace)) {
            kill();
        }
    }

    void beginStop() {
        process.destroy();
    }

    boolean waitFor(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
