package io.ledgerkv.cli;

import static io.ledgerkv.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.testing.CliRun.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledgerkv keygen}: creates a key file, rotates it (old keys kept, a new active one), never
 * prints a key, writes owner-only files, refuses what it cannot use and then leaves the file alone;
 * a store written under the first key stays readable after rotation and takes writes under the new one.
 */
class KeygenTest {
    @TempDir
    Path dir;

    private static String keyText(EncryptionKeys k, int id) {
        return Base64.getEncoder().encodeToString(k.key(id).getEncoded());
    }

    @Test
    void createsRotatesAndNeverPrintsAKey() throws Exception {
        Path file = dir.resolve("conf/scores.keys");
        Result created = run("keygen", "--key-file", file.toString());
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("created " + file + ": key 1 (AES-256) is active; key ids [1]");
        EncryptionKeys first = EncryptionKeys.read(file);
        assertThat(first.activeId()).isEqualTo(1);
        assertThat(first.key(1).getEncoded()).hasSize(32);
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(created.out()).doesNotContain(keyText(first, 1));

        Result rotated = run("keygen", "--key-file", file.toString(), "--bytes", "16");
        assertThat(rotated.out()).contains("rotated " + file + ": key 2 (AES-128) is active; key ids [1, 2]");
        EncryptionKeys second = EncryptionKeys.read(file);
        assertThat(second.activeId()).isEqualTo(2);
        assertThat(second.key(1).getEncoded()).as("the old key is kept as it was").isEqualTo(first.key(1).getEncoded());
        assertThat(second.key(2).getEncoded()).hasSize(16).isNotEqualTo(first.key(1).getEncoded());
        assertThat(rotated.out()).doesNotContain(keyText(second, 1)).doesNotContain(keyText(second, 2));
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertThat(left).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void badInputIsRefusedAndTheFileIsLeftAlone() throws Exception {
        Path file = dir.resolve("k.keys");
        assertThat(run("keygen", "--key-file", file.toString(), "--bytes", "20").err()).contains("AES keys are 16, 24 or 32 bytes");
        assertThat(file).doesNotExist();
        String broken = "active=1\nkey.1=not base64!\n";
        Files.writeString(file, broken);
        Result r = run("keygen", "--key-file", file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("entry 'key.1' is not key.<id>=<base64>").doesNotContain("not base64!");
        assertThat(Files.readString(file)).isEqualTo(broken);
    }

    @Test
    void aStoreWrittenUnderTheOldKeyIsReadableAfterRotationAndWritesUnderTheNewOne() throws Exception {
        Path file = dir.resolve("store.keys");
        Path pw = Files.writeString(dir.resolve("pw"), "secret");
        assertThat(run("keygen", "--key-file", file.toString()).code()).isZero();
        try (LocalCluster c = LocalCluster.start(3)) {
            String[] conn = {"--zk=" + c.connectString(), "--password-file=" + pw, "--encryption-key-file=" + file, "--store", "enc"};
            assertThat(run(concat("put", conn, "acct-1", "0.93")).code()).isZero();
            assertThat(run("keygen", "--key-file", file.toString()).code()).isZero();
            assertThat(run(concat("put", conn, "acct-2", "0.12")).code()).isZero();
            assertThat(run(concat("get", conn, "acct-1")).out()).isEqualTo("0.93\n");
            assertThat(run(concat("get", conn, "acct-2")).out()).isEqualTo("0.12\n");
            // With only the new key, the entry written under key 1 is refused by name, not read as garbage.
            EncryptionKeys both = EncryptionKeys.read(file);
            Path onlyNew = dir.resolve("only-new.keys");
            EncryptionKeys.of(2, Map.of(2, both.key(2).getEncoded())).write(onlyNew);
            String[] connNew = {"--zk=" + c.connectString(), "--password-file=" + pw, "--encryption-key-file=" + onlyNew, "--store", "enc"};
            Result refused = run(concat("get", connNew, "acct-1"));
            assertThat(refused.code()).as("access denied: wrong keys").isEqualTo(6);
            assertThat(refused.err()).contains("key id 1");
        }
    }

    private static String[] concat(String command, String[] conn, String... rest) {
        String[] all = new String[1 + conn.length + rest.length];
        all[0] = command;
        System.arraycopy(conn, 0, all, 1, conn.length);
        System.arraycopy(rest, 0, all, 1 + conn.length, rest.length);
        return all;
    }
}
