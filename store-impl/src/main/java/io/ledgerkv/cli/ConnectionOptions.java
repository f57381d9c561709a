package io.ledgerkv.cli;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.codec.CodecType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options shared by the commands that talk to a cluster: where it is, which store, and the store's secret. */
final class ConnectionOptions {
    @Option(names = "--zk", defaultValue = "${env:LEDGERKV_ZK}",
            description = "ZooKeeper connect string host:port[,host:port...][/chroot] (default: $LEDGERKV_ZK)")
    String zk;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace (default: ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--password-file", description = "File holding the store's ledger password (default: $LEDGERKV_PASSWORD)")
    Path passwordFile;

    @Option(names = "--connect-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to try reaching ZooKeeper (default: ${DEFAULT-VALUE})")
    Duration connectTimeout;

    ClientConfig clientConfig() {
        if (zk == null || zk.isBlank()) {
            throw new InvalidConfigException("--zk", "no cluster given: pass --zk host:port or set LEDGERKV_ZK"
                    + " (./ledgerkv cluster prints one)");
        }
        return ClientConfig.builder(zk).namespace(namespace).connectTimeout(connectTimeout).build();
    }

    byte[] password() {
        try {
            if (passwordFile != null) {
                byte[] pw = Files.readAllBytes(passwordFile);
                int end = pw.length;
                while (end > 0 && (pw[end - 1] == '\n' || pw[end - 1] == '\r')) {
                    end--;
                }
                return java.util.Arrays.copyOf(pw, end);
            }
        } catch (IOException e) {
            throw new InvalidConfigException("--password-file", "cannot read " + passwordFile + ": " + e.getMessage());
        }
        String env = System.getenv("LEDGERKV_PASSWORD");
        if (env == null || env.isEmpty()) {
            throw new InvalidConfigException("ledgerPassword", "no ledger password: set LEDGERKV_PASSWORD or pass --password-file FILE");
        }
        return env.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    StoreConfig.Builder storeConfig() {
        return StoreConfig.builder().ledgerPassword(password());
    }

    /** Replication and codec options for commands that may create a store. */
    static final class WriteOptions {
        @Option(names = "--ensemble", defaultValue = "3", description = "Ensemble size for new ledgers (default: ${DEFAULT-VALUE})")
        int ensemble;

        @Option(names = "--write-quorum", defaultValue = "3", description = "Write quorum (default: ${DEFAULT-VALUE})")
        int writeQuorum;

        @Option(names = "--ack-quorum", defaultValue = "2", description = "Ack quorum (default: ${DEFAULT-VALUE})")
        int ackQuorum;

        @Option(names = "--codec", defaultValue = "NONE", converter = CodecConverter.class,
                description = "WAL codec for new entries: NONE, LZ4, LZ4_HC, ZSTD, ZSTD_DICT (default: ${DEFAULT-VALUE})")
        CodecType codec;

        @Option(names = "--codec-level", defaultValue = "0", description = "Codec level, 0 = the codec's default")
        int codecLevel;

        StoreConfig.Builder apply(StoreConfig.Builder b) {
            return b.quorum(ensemble, writeQuorum, ackQuorum).codec(codec, codecLevel);
        }
    }

    static final class CodecConverter implements picocli.CommandLine.ITypeConverter<CodecType> {
        @Override
        public CodecType convert(String value) {
            return CodecType.parse(value);
        }
    }

    /** Durations like 500ms, 10s, 2m or ISO-8601 (PT10S). */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase(java.util.Locale.ROOT);
            if (s.startsWith("pt")) {
                return Duration.parse(v);
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException("duration '" + v + "': use e.g. 500ms, 10s, 2m, 1h");
            };
        }
    }
}
