package io.ledgerkv.checkpoint;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.EncryptionKeyException;
import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.Progress;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.meta.Json;
import io.ledgerkv.testing.Bytes;
import io.ledgerkv.wal.EntryCipher;
import io.ledgerkv.wal.Mutation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup files on a local disk: written atomically, read back key for key with the manifest they
 * were written with, and every damaged part (trailer, manifest, chunk length, chunk bytes, chunk
 * order, totals) refused before anything is imported, with a message naming the check.
 */
class BackupFileTest {
    private static final Map<String, Object> META = Map.of("codec", "ZSTD");
    private static final EncryptionKeys KEYS = EncryptionKeys.of(1, Map.of(1, Bytes.filled(32, 9)));

    @TempDir
    Path dir;

    /** {@code n} keys in key order; every fourth expires. */
    private static List<LocalIndex.Entry> state(int n) {
        List<LocalIndex.Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new LocalIndex.Entry(b(String.format("key-%05d", i)), b("value-" + i), new Lsn(1, i, 0),
                    i % 4 == 0 ? 5_000_000L + i : Mutation.NEVER));
        }
        return out;
    }

    private static List<String> describe(List<LocalIndex.Entry> state) {
        return state.stream().map(e -> s(e.key()) + "=" + s(e.value()) + "@" + e.expireAt()).toList();
    }

    /** Records progress updates as "phase done/total". */
    private static final class Updates implements Progress {
        final List<String> seen = new ArrayList<>();

        @Override
        public void update(String phase, long done, long total) {
            seen.add(phase + " " + done + "/" + total);
        }

        List<String> of(String phase) {
            return seen.stream().filter(u -> u.startsWith(phase + " ")).toList();
        }
    }

    private BackupFile.Manifest write(Path file, List<LocalIndex.Entry> state, int chunkBytes, EntryCipher cipher, Progress p)
            throws IOException {
        return BackupFile.write(file, state.iterator(), state.size(), "ns", "st", META, "1:2:3", 42, 3, chunkBytes, 777, cipher, p);
    }

    private Path backup(int keys) throws IOException {
        Path file = dir.resolve("b.lkvbak");
        write(file, state(keys), 100, null, Progress.NONE);
        return file;
    }

    private static List<String> readAll(Path file, EncryptionKeys keys) {
        List<String> out = new ArrayList<>();
        BackupFile.read(file, keys, (i, entry, ops) -> ops.forEach(m -> out.add(s(m.key()) + "=" + s(m.value()) + "@" + m.expireAt())),
                Progress.NONE);
        return out;
    }

    /** Replaces the manifest (and its length and CRC in the trailer) the way a damaged or forged file would. */
    private static void rewriteManifest(Path file, UnaryOperator<String> edit) throws IOException {
        byte[] data = Files.readAllBytes(file);
        int len = ByteBuffer.wrap(data).getInt(data.length - 16);
        int start = data.length - 16 - len;
        String json = new String(data, start, len, StandardCharsets.UTF_8);
        byte[] newJson = edit.apply(json).getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(newJson);
        ByteBuffer out = ByteBuffer.allocate(start + newJson.length + 16);
        out.put(data, 0, start).put(newJson).putInt(newJson.length).putInt((int) crc.getValue()).put(BackupFile.END);
        Files.write(file, out.array());
    }

    private static void replaceManifest(Path file, BackupFile.Manifest m) throws IOException {
        rewriteManifest(file, old -> new String(Json.write(m), StandardCharsets.UTF_8));
    }

    private static void setInt(Path file, long offset, int value) throws IOException {
        byte[] data = Files.readAllBytes(file);
        ByteBuffer.wrap(data).putInt((int) offset, value);
        Files.write(file, data);
    }

    @Test
    void aBackupRoundTripsEveryKeyAndItsManifest() throws Exception {
        Path file = dir.resolve("sub/b.lkvbak");
        List<LocalIndex.Entry> state = state(25);
        Updates writing = new Updates();
        BackupFile.Manifest written = write(file, state, 100, null, writing);
        assertThat(writing.seen).containsExactly("writing 25/25");

        BackupFile.Manifest m = BackupFile.readManifest(file);
        assertThat(m).isEqualTo(written);
        assertThat(m.formatVersion()).isEqualTo(BackupFile.FORMAT_VERSION);
        assertThat(List.of(m.namespace(), m.store(), m.lsn())).containsExactly("ns", "st", "1:2:3");
        assertThat(List.of(m.txnSeq(), m.epoch(), m.keyCount())).containsExactly(42L, 3L, 25L);
        assertThat(m.meta()).isEqualTo(META);
        assertThat(m.chunks()).hasSizeGreaterThan(2);

        // chunks follow the 8-byte magic back to back, each after its 4-byte length, each with its CRC32C
        byte[] data = Files.readAllBytes(file);
        assertThat(Arrays.copyOf(data, 8)).isEqualTo(BackupFile.MAGIC);
        assertThat(Arrays.copyOfRange(data, data.length - 8, data.length)).isEqualTo(BackupFile.END);
        long expectedOffset = 8 + 4;
        for (BackupFile.Chunk c : m.chunks()) {
            assertThat(c.offset()).isEqualTo(expectedOffset);
            assertThat(ByteBuffer.wrap(data).getInt((int) c.offset() - 4)).isEqualTo(c.length());
            CRC32C crc = new CRC32C();
            crc.update(data, (int) c.offset(), c.length());
            assertThat(c.crc32c()).isEqualTo((int) crc.getValue());
            expectedOffset += c.length() + 4;
        }

        List<Integer> indexes = new ArrayList<>();
        List<String> read = new ArrayList<>();
        Updates reading = new Updates();
        BackupFile.Manifest back = BackupFile.read(file, (i, entry, ops) -> {
            indexes.add(i);
            assertThat(CheckpointChunks.entryCrc(entry)).isNotZero();
            ops.forEach(op -> read.add(s(op.key()) + "=" + s(op.value()) + "@" + op.expireAt()));
        }, reading);
        assertThat(back).isEqualTo(m);
        assertThat(read).isEqualTo(describe(state));
        assertThat(indexes).isEqualTo(Stream.iterate(0, i -> i + 1).limit(m.chunks().size()).toList());
        int n = m.chunks().size();
        assertThat(reading.seen).isEqualTo(Stream.iterate(1, i -> i + 1).limit(n).map(i -> "reading " + i + "/" + n).toList());
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void writingReportsProgressEvery10000Keys() throws Exception {
        Updates writing = new Updates();
        write(dir.resolve("b.lkvbak"), state(20_000), 64 * 1024, null, writing);
        assertThat(writing.of("writing")).containsExactly("writing 10000/20000", "writing 20000/20000", "writing 20000/20000");
    }

    /** With no chunks the manifest fills the whole file between magic and trailer: the largest length a trailer may give. */
    @Test
    void anEmptyStateIsAManifestOnlyBackup() throws Exception {
        Path file = dir.resolve("empty.lkvbak");
        write(file, List.of(), 100, null, Progress.NONE);
        BackupFile.Manifest m = BackupFile.readManifest(file);
        assertThat(m.chunks()).isEmpty();
        assertThat(Files.size(file)).isEqualTo(8 + Json.write(m).length + 16);
        assertThat(readAll(file, null)).isEmpty();
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoPartialFile() throws Exception {
        Path file = backup(5);
        byte[] before = Files.readAllBytes(file);
        Iterator<LocalIndex.Entry> failing = new Iterator<>() {
            int n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public LocalIndex.Entry next() {
                if (++n > 3) {
                    throw new IllegalStateException("index gone");
                }
                return state(3).get(n - 1);
            }
        };
        assertThatThrownBy(() -> BackupFile.write(file, failing, 10, "ns", "st", META, "1:2:3", 42, 3, 10, 777, null, Progress.NONE))
                .hasMessage("index gone");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        // a complete write replaces the old file
        write(file, state(7), 100, null, Progress.NONE);
        assertThat(BackupFile.readManifest(file).keyCount()).isEqualTo(7);
    }

    private static byte[] trailerOnly(int manifestLength) {
        return ByteBuffer.allocate(24).put(BackupFile.MAGIC).putInt(manifestLength).putInt(0).put(BackupFile.END).array();
    }

    @Test
    void aDamagedTrailerIsNamed() throws Exception {
        Path file = dir.resolve("bad.lkvbak");
        Files.write(file, Arrays.copyOf(trailerOnly(0), 23));
        assertThatThrownBy(() -> BackupFile.readManifest(file)).isInstanceOf(BackupFile.BadBackupException.class)
                .hasMessage("backup file " + file + ": only 23 bytes: truncated or not a ledgerkv backup");
        Files.write(file, trailerOnly(0));
        assertThatThrownBy(() -> BackupFile.readManifest(file)).hasMessageEndingWith("manifest length 0 is impossible: corrupt trailer");
        Files.write(file, trailerOnly(-5));
        assertThatThrownBy(() -> BackupFile.readManifest(file)).hasMessageEndingWith("manifest length -5 is impossible: corrupt trailer");
        byte[] notOurs = trailerOnly(0);
        notOurs[0] = 'X';
        Files.write(file, notOurs);
        assertThatThrownBy(() -> BackupFile.readManifest(file)).hasMessageContaining("does not start with LKVBAK01");

        Path good = backup(5);
        long size = Files.size(good);
        byte[] cut = Arrays.copyOf(Files.readAllBytes(good), (int) size - 1);
        Files.write(file, cut);
        assertThatThrownBy(() -> BackupFile.readManifest(file)).hasMessageContaining("end marker missing");
        Files.copy(good, file, StandardCopyOption.REPLACE_EXISTING);
        int tooLong = (int) size - 24 + 1;
        setInt(file, size - 16, tooLong);
        assertThatThrownBy(() -> BackupFile.readManifest(file)).hasMessageEndingWith("manifest length " + tooLong + " is impossible: corrupt trailer");
        assertThatThrownBy(() -> BackupFile.readManifest(dir.resolve("missing.lkvbak"))).hasMessageContaining("unreadable");
    }

    @Test
    void aDamagedOrNewerManifestIsNamed() throws Exception {
        Path file = backup(5);
        byte[] data = Files.readAllBytes(file);
        int len = ByteBuffer.wrap(data).getInt(data.length - 16);
        data[data.length - 16 - len + 2] ^= 1;
        Path flipped = dir.resolve("flipped.lkvbak");
        Files.write(flipped, data);
        assertThatThrownBy(() -> BackupFile.readManifest(flipped)).hasMessageEndingWith("manifest CRC32C mismatch: the file is corrupt");

        rewriteManifest(file, json -> json.replace("\"formatVersion\":1", "\"formatVersion\":2"));
        assertThatThrownBy(() -> BackupFile.readManifest(file))
                .hasMessageContaining("format version 2 is newer than this ledgerkv reads (1)");
        rewriteManifest(file, json -> json.replace("\"formatVersion\":2", "\"formatVersion\":1")
                .replaceAll("\"chunks\":\\[.*\\]", "\"chunks\":null"));
        assertThatThrownBy(() -> BackupFile.readManifest(file)).hasMessageEndingWith("manifest lists no chunks");
        rewriteManifest(file, json -> "not json");
        assertThatThrownBy(() -> BackupFile.readManifest(file)).isInstanceOf(BackupFile.BadBackupException.class)
                .hasMessageContaining("unreadable");
    }

    @Test
    void everyChunkIsCheckedAgainstTheManifest() throws Exception {
        Path file = backup(25);
        BackupFile.Manifest m = BackupFile.readManifest(file);
        byte[] good = Files.readAllBytes(file);
        BackupFile.Chunk second = m.chunks().get(1);

        setInt(file, second.offset() - 4, second.length() + 1);
        assertThatThrownBy(() -> readAll(file, null)).isInstanceOf(BackupFile.BadBackupException.class).hasMessageEndingWith(
                "chunk 1 at offset " + second.offset() + " has length " + (second.length() + 1) + ", manifest says " + second.length());

        byte[] flipped = good.clone();
        flipped[(int) second.offset() + 60] ^= 1;
        Files.write(file, flipped);
        assertThatThrownBy(() -> readAll(file, null)).hasMessageEndingWith("chunk 1 at offset " + second.offset() + " fails its CRC32C");

        Files.write(file, good);
        List<BackupFile.Chunk> swapped = new ArrayList<>(m.chunks());
        swapped.set(0, m.chunks().get(1));
        swapped.set(1, m.chunks().get(0));
        replaceManifest(file, withChunks(m, swapped, m.keyCount(), m.checksum()));
        assertThatThrownBy(() -> readAll(file, null)).hasMessageContaining("chunk 0 at offset " + second.offset()
                + ": chunk 1 of a snapshot at transaction 42 where chunk 0 at 42 was expected");

        Files.write(file, good);
        replaceManifest(file, withChunks(m, m.chunks(), 26, m.checksum()));
        assertThatThrownBy(() -> readAll(file, null)).hasMessageContaining("holds 25 keys (manifest: 26)");

        Files.write(file, good);
        replaceManifest(file, withChunks(m, m.chunks(), 25, m.checksum() + 1));
        assertThatThrownBy(() -> readAll(file, null)).hasMessageContaining(
                "checksum " + Integer.toHexString(m.checksum()) + " (manifest: " + Integer.toHexString(m.checksum() + 1) + ")");

        Files.write(file, good);
        replaceManifest(file, withChunks(m, m.chunks().subList(0, m.chunks().size() - 1), 25, m.checksum()));
        assertThatThrownBy(() -> readAll(file, null)).as("a chunk left out of the manifest").hasMessageContaining("holds ");

        Files.write(file, good);
        // The reader's own failure (where the chunks go) is passed through as it is, not blamed on the file.
        IOException diskFull = new IOException("disk full");
        assertThatThrownBy(() -> BackupFile.read(file, (i, entry, ops) -> {
            throw diskFull;
        }, Progress.NONE)).isSameAs(diskFull);
    }

    private static BackupFile.Manifest withChunks(BackupFile.Manifest m, List<BackupFile.Chunk> chunks, long keyCount, int checksum) {
        return new BackupFile.Manifest(m.formatVersion(), m.createdAtMillis(), m.namespace(), m.store(), m.meta(), m.lsn(), m.txnSeq(),
                m.epoch(), keyCount, m.logicalBytes(), checksum, chunks);
    }

    @Test
    void anEncryptedBackupIsReadWithTheKeysOfTheBackedUpStore() throws Exception {
        Path file = dir.resolve("enc.lkvbak");
        List<LocalIndex.Entry> state = state(10);
        write(file, state, 100, EntryCipher.forStore(KEYS, "ns", "st"), Progress.NONE);
        assertThat(Bytes.contains(Files.readAllBytes(file), b("value-3"))).as("plaintext in the file").isFalse();
        assertThat(readAll(file, KEYS)).isEqualTo(describe(state));
        assertThatThrownBy(() -> readAll(file, null)).isInstanceOf(EncryptionKeyException.class);
    }
}
