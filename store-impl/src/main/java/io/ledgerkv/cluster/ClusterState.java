package io.ledgerkv.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What a {@link LocalCluster} records in its data directory ({@code cluster.properties}) so that a
 * cluster started on the same directory again is the same cluster: ZooKeeper's port and each
 * bookie's port (a bookie's identity is its address).
 */
record ClusterState(int zkPort, List<Integer> bookiePorts) {
    private static final String FILE = "cluster.properties";

    static Path file(Path dir) {
        return dir.resolve(FILE);
    }

    /** The state a cluster left in {@code dir}, or null if none ran there. */
    static ClusterState read(Path dir) throws IOException {
        Path f = file(dir);
        if (!Files.exists(f)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            int zk = Integer.parseInt(p.getProperty("zookeeper.port", "").trim());
            List<Integer> ports = new ArrayList<>();
            int n = Integer.parseInt(p.getProperty("bookies", "").trim());
            for (int i = 0; i < n; i++) {
                ports.add(Integer.parseInt(p.getProperty("bookie." + i + ".port", "").trim()));
            }
            return new ClusterState(zk, ports);
        } catch (NumberFormatException e) {
            throw new IOException(f + " is damaged (" + e.getMessage() + "); it records the ports of the cluster that ran on this"
                    + " data directory", e);
        }
    }

    /** Writes the state atomically (a crash leaves the old file or the new one). */
    void write(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("zookeeper.port", Integer.toString(zkPort));
        p.setProperty("bookies", Integer.toString(bookiePorts.size()));
        for (int i = 0; i < bookiePorts.size(); i++) {
            p.setProperty("bookie." + i + ".port", Integer.toString(bookiePorts.get(i)));
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "ports of the ledgerkv LocalCluster that runs on this directory; a restart reuses them");
        }
        Files.move(tmp, file(dir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
