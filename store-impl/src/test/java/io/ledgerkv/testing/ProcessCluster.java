package io.ledgerkv.testing;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.cluster.MultiProcessCluster;
import io.ledgerkv.meta.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A cluster in another JVM: {@code ledgerkv cluster --bookies N} started as a child process, so
 * the client code under test reaches ZooKeeper and the bookies only over the network, exactly as
 * it reaches an external cluster. The child uses this JVM's class path and {@code --add-opens}
 * flags; it is stopped with SIGTERM (its shutdown hook closes the bookies and ZooKeeper) and
 * killed if it does not exit within 30 s, also when this JVM exits first.
 */
public final class ProcessCluster implements AutoCloseable {
    private final Process process;
    private final String connectString;
    private final List<String> output = new ArrayList<>();
    private final Thread reaper;

    private ProcessCluster(Process process, String connectString, Thread reaper) {
        this.process = process;
        this.connectString = connectString;
        this.reaper = reaper;
    }

    public static ProcessCluster start(int bookies) {
        return start(bookies, null);
    }

    /** A cluster process keeping its data in {@code data} (null: a temporary directory it removes on exit). */
    public static ProcessCluster start(int bookies, Path data) {
        List<String> cmd = new ArrayList<>(MultiProcessCluster.childJava());
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.ledgerkv.cli.LedgerKvCli");
        cmd.add("cluster");
        cmd.add("--bookies=" + bookies);
        cmd.add("-o");
        cmd.add("json"); // the cluster's description as scripts read it: these tests depend on its field names
        if (data != null) {
            cmd.add("--data=" + data);
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the cluster process: " + cmd, e);
        }
        Thread reaper = new Thread(p::destroyForcibly, "ledgerkv-process-cluster-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        List<String> seen = new ArrayList<>();
        CompletableFuture<String> connect = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                StringBuilder json = null;
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (seen) {
                        seen.add(line);
                    }
                    if (line.equals("{")) {
                        json = new StringBuilder();
                    }
                    if (json != null) {
                        json.append(line).append('\n');
                        if (line.equals("}")) {
                            connect.complete((String) Json.MAPPER.readValue(json.toString(), Map.class)
                                    .get("connectString"));
                            json = null;
                        }
                    }
                }
            } catch (IOException e) {
                connect.completeExceptionally(e);
            }
            connect.completeExceptionally(new IllegalStateException("the cluster process ended before printing its connect string"));
        }, "ledgerkv-process-cluster-output");
        pump.setDaemon(true);
        pump.start();
        try {
            String cs = connect.get(90, TimeUnit.SECONDS);
            ProcessCluster c = new ProcessCluster(p, cs, reaper);
            synchronized (seen) {
                c.output.addAll(seen);
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while starting the cluster process", e);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            String out;
            synchronized (seen) {
                out = String.join("\n", seen);
            }
            throw new IllegalStateException("the cluster process did not come up within 90 s: " + e + "\n--- its output:\n" + out, e);
        }
    }

    public String connectString() {
        return connectString;
    }

    public String metadataServiceUri() {
        return clientConfig().build().metadataServiceUri();
    }

    public ClientConfig.Builder clientConfig() {
        return ClientConfig.builder(connectString);
    }

    /** The child's process id (to show it is not this JVM). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process dies at once, without its shutdown hook (no bookie or ZooKeeper shutdown). */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }
}
