package io.ledgerkv.peer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The class path child JVMs get. {@code -Dpeer.classpath=...} wins; otherwise this JVM's own
 * {@code java.class.path}, which under surefire is a manifest-only jar whose {@code Class-Path}
 * lists the test class path (a child started with it sees the same classes).
 */
final class PeerClasspath {
    private PeerClasspath() {
    }

    static String get() {
        String explicit = System.getProperty("peer.classpath");
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        String file = System.getProperty("peer.classpath.file");
        if (file != null) {
            try {
                return Files.readString(Path.of(file)).trim();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return System.getProperty("java.class.path");
    }
}
