package io.ledgerkv.checkpoint;

import io.ledgerkv.api.EncryptionKeyException;
import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Progress;
import io.ledgerkv.codec.CodecCache;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.meta.Json;
import io.ledgerkv.wal.EntryCipher;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.WalEntry;
import io.ledgerkv.wal.WalFormatException;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A portable backup of one consistent state of a store, readable on any cluster:
 *
 * <pre>
 * "LKVBAK01"                                   8 bytes
 * chunk*: u32 length, CHECKPOINT_CHUNK entry   (WAL-framed: codec ZSTD, CRC32C; no dictionary needed)
 * manifest                                     UTF-8 JSON ({@link Manifest})
 * u32 manifest length, u32 CRC32C of manifest, "LKVBEND1"
 * </pre>
 *
 * The manifest lists every chunk's offset, length and CRC32C. A reader checks the end marker,
 * the manifest's CRC and format version, then every chunk, before anything is imported.
 */
public final class BackupFile {
    public static final int FORMAT_VERSION = 1;
    static final byte[] MAGIC = "LKVBAK01".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "LKVBEND1".getBytes(StandardCharsets.US_ASCII);

    private BackupFile() {
    }

    /** One chunk's place in the file. */
    public record Chunk(long offset, int length, int crc32c) {
    }

    /** What a backup holds. */
    public record Manifest(int formatVersion, long createdAtMillis, String namespace, String store, Map<String, Object> meta,
                           String lsn, long txnSeq, long epoch, long keyCount, long logicalBytes, int checksum,
                           List<Chunk> chunks) {
    }


    /**
     * Writes a backup of {@code entries} (key order) to {@code file} atomically: through a temporary
     * file in the same directory, moved into place only when complete. {@code stateTimeMillis} is the
     * writer time the state was judged at (expiry); a restored store starts its log time there.
     */
    public static Manifest write(Path file, Iterator<LocalIndex.Entry> entries, long keyCount, String namespace, String store,
                                 Map<String, Object> meta, String lsn, long txnSeq, long epoch, int chunkBytes,
                                 long stateTimeMillis, EntryCipher cipher, Progress progress) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".partial");
        try {
            Manifest m;
            try (OutputStream fos = Files.newOutputStream(tmp);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fos, 1 << 20))) {
                out.write(MAGIC);
                long[] offset = {MAGIC.length};
                List<Chunk> chunks = new ArrayList<>();
                long[] keys = {0};
                Iterator<LocalIndex.Entry> counted = new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return entries.hasNext();
                    }

                    @Override
                    public LocalIndex.Entry next() {
                        LocalIndex.Entry kv = entries.next();
                        if (++keys[0] % 10_000 == 0) {
                            progress.update("writing", keys[0], keyCount);
                        }
                        return kv;
                    }
                };
                WalEntry.Encoder enc = new WalEntry.Encoder(CodecType.ZSTD.newCodec(), 64, 0.05, cipher);
                CheckpointChunks.Summary s = CheckpointChunks.write(counted, enc, epoch, txnSeq, chunkBytes,
                        stateTimeMillis, (index, entry) -> {
                            CRC32C crc = new CRC32C();
                            crc.update(entry);
                            out.writeInt(entry.length);
                            out.write(entry);
                            chunks.add(new Chunk(offset[0] + 4, entry.length, (int) crc.getValue()));
                            offset[0] += 4 + entry.length;
                        });
                m = new Manifest(FORMAT_VERSION, System.currentTimeMillis(), namespace, store, meta, lsn, txnSeq, epoch,
                        s.keyCount(), s.logicalBytes(), s.checksum(), chunks);
                byte[] json = Json.write(m);
                CRC32C crc = new CRC32C();
                crc.update(json);
                out.write(json);
                out.writeInt(json.length);
                out.writeInt((int) crc.getValue());
                out.write(END);
                out.flush();
                fos.flush();
                progress.update("writing", s.keyCount(), s.keyCount());
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
            try (var ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return m;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A backup file that failed a check; the message names the file, the check and where. */
    public static class BadBackupException extends LedgerKvException {
        private static final long serialVersionUID = 1L;

        public BadBackupException(Path file, String message) {
            super("backup file " + file + ": " + message);
        }

        public BadBackupException(Path file, String message, Throwable cause) {
            super("backup file " + file + ": " + message, cause);
        }
    }

    /** Reads and checks the manifest (end marker, length, CRC, format version). */
    public static Manifest readManifest(Path file) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long size = raf.length();
            if (size < MAGIC.length + 16) {
                throw new BadBackupException(file, "only " + size + " bytes: truncated or not a ledgerkv backup");
            }
            byte[] magic = new byte[MAGIC.length];
            raf.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new BadBackupException(file, "does not start with " + new String(MAGIC, StandardCharsets.US_ASCII)
                        + ": not a ledgerkv backup (or one of an unknown format)");
            }
            raf.seek(size - 16);
            int len = raf.readInt();
            int crc = raf.readInt();
            byte[] end = new byte[END.length];
            raf.readFully(end);
            if (!Arrays.equals(end, END)) {
                throw new BadBackupException(file, "end marker missing: the file is truncated (or was cut while being written)");
            }
            if (len <= 0 || len > size - MAGIC.length - 16) {
                throw new BadBackupException(file, "manifest length " + len + " is impossible: corrupt trailer");
            }
            byte[] json = new byte[len];
            raf.seek(size - 16 - len);
            raf.readFully(json);
            CRC32C c = new CRC32C();
            c.update(json);
            if ((int) c.getValue() != crc) {
                throw new BadBackupException(file, "manifest CRC32C mismatch: the file is corrupt");
            }
            Manifest m = Json.read(json, Manifest.class, file.toString());
            if (m.formatVersion() > FORMAT_VERSION) {
                throw new BadBackupException(file, "format version " + m.formatVersion() + " is newer than this ledgerkv reads ("
                        + FORMAT_VERSION + "); restore it with a newer ledgerkv");
            }
            if (m.chunks() == null) {
                throw new BadBackupException(file, "manifest lists no chunks");
            }
            return m;
        } catch (BadBackupException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadBackupException(file, "unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Receives chunk entries in order while a backup is read. What it throws is its own failure (a
     * ledger add that failed, say), not the file's: {@code read} passes it through as it is.
     */
    @FunctionalInterface
    public interface ChunkReader<E extends Exception> {
        void accept(int index, byte[] entry, List<Mutation> ops) throws E;
    }

    /** Carries a {@link ChunkReader}'s own exception past the handlers that blame the file. */
    private static final class ReaderFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReaderFailure(Exception cause) {
            super(cause);
        }
    }

    /**
     * Reads every chunk, checking its CRC32C, its entry framing, its index and snapshot position,
     * and finally the key count and aggregate checksum against the manifest.
     */
    public static <E extends Exception> Manifest read(Path file, ChunkReader<E> reader, Progress progress) throws E {
        return read(file, null, reader, progress);
    }

    /**
     * {@link #read(Path, ChunkReader, Progress)} for a backup that may be encrypted: {@code encryption}
     * (null: none) decrypt chunks sealed for the backed-up store (the manifest's namespace/store).
     */
    public static <E extends Exception> Manifest read(Path file, EncryptionKeys encryption, ChunkReader<E> reader, Progress progress)
            throws E {
        Manifest m = readManifest(file);
        EntryCipher cipher = EntryCipher.forStore(encryption, m.namespace(), m.store());
        CheckpointChunks.Aggregate agg = new CheckpointChunks.Aggregate();
        long keys = 0;
        // One codec per codec id for the whole file (a plain source would create, and leave to the
        // garbage collector, a native Zstandard context per chunk).
        try (CodecCache cache = new CodecCache(CodecCache.NO_DICTIONARIES);
             RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            WalEntry.CodecSource codecs = WalEntry.CodecSource.of(cache);
            for (int i = 0; i < m.chunks().size(); i++) {
                Chunk ch = m.chunks().get(i);
                raf.seek(ch.offset() - 4);
                int len = raf.readInt();
                if (len != ch.length()) {
                    throw new BadBackupException(file, "chunk " + i + " at offset " + ch.offset() + " has length " + len
                            + ", manifest says " + ch.length());
                }
                byte[] entry = new byte[len];
                raf.readFully(entry);
                CRC32C crc = new CRC32C();
                crc.update(entry);
                if ((int) crc.getValue() != ch.crc32c()) {
                    throw new BadBackupException(file, "chunk " + i + " at offset " + ch.offset() + " fails its CRC32C");
                }
                List<Mutation> ops;
                try {
                    ops = CheckpointChunks.decode(entry, i, m.txnSeq(), codecs, cipher);
                } catch (WalFormatException e) {
                    throw new BadBackupException(file, "chunk " + i + " at offset " + ch.offset() + ": " + e.getMessage(), e);
                }
                agg.add(entry);
                keys += ops.size();
                try {
                    reader.accept(i, entry, ops);
                } catch (Exception e) {
                    throw new ReaderFailure(e);
                }
                progress.update("reading", i + 1, m.chunks().size());
            }
        } catch (ReaderFailure f) {
            @SuppressWarnings("unchecked")
            E e = (E) f.getCause(); // an E or a RuntimeException: what accept may throw
            throw e;
        } catch (BadBackupException | EncryptionKeyException e) {
            throw e;
        } catch (Exception e) {
            throw new BadBackupException(file, "cannot read: " + e.getMessage(), e);
        }
        if (keys != m.keyCount() || agg.value() != m.checksum()) {
            throw new BadBackupException(file, "holds " + keys + " keys (manifest: " + m.keyCount() + ") and checksum "
                    + Integer.toHexString(agg.value()) + " (manifest: " + Integer.toHexString(m.checksum()) + ")");
        }
        return m;
    }
}
