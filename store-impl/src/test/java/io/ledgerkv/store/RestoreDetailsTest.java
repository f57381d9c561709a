package io.ledgerkv.store;

import static io.ledgerkv.testing.Bytes.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.BackupSummary;
import io.ledgerkv.api.CheckpointStatus;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.checkpoint.BackupFile;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.txn.WriterHooks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restore leaves behind, on the simulated cluster (the real-cluster suite restores into a
 * second cluster, which the simulation skips): the summary it returns, the restored checkpoint's
 * figures, the source's codec kept over the restoring configuration's, no owner left holding the
 * store, and a writer that continues the log after the backup's position.
 */
class RestoreDetailsTest extends SimClusterFixture {
    private static final StoreConfig SOURCE = StoreConfig.builder().ledgerPassword("sim").quorum(3, 3, 2).checkpointEveryBytes(0)
            .codec(CodecType.LZ4).checkpointChunkBytes(4096).build();
    private static final StoreConfig TARGET = SOURCE.toBuilder().ledgerPassword("another-secret").codec(CodecType.NONE).build();

    @TempDir
    Path dir;

    @Test
    void theSummaryTheCheckpointTheCodecAndNoOwnerLeft() throws Exception {
        Path file = dir.resolve("src.lkvbak");
        try (DefaultLedgerKv kv = connect()) {
            try (BookKeeperStore s = kv.open("src", SOURCE, WriterHooks.NONE)) {
                for (int i = 0; i < 400; i++) {
                    s.put(b(String.format("k%04d", i)), b("value-" + i + "-padding-padding-padding"));
                }
                s.put(b("last"), b("x")); // confirms the entries before it to the backup's reader
            }
            BackupSummary written = kv.backup("src", SOURCE, AsOf.latest(), file, (phase, done, total) -> { });
            assertThat(written.keyCount()).isEqualTo(401);
            assertThat(written.chunks()).isGreaterThan(1);

            BackupSummary restored = kv.restore(file, "copy", TARGET, false, (phase, done, total) -> { });
            assertThat(restored.store()).isEqualTo("copy");
            assertThat(restored.lsn()).isEqualTo(written.lsn());
            assertThat(restored.txnSeq()).isEqualTo(written.txnSeq());
            assertThat(restored.keyCount()).isEqualTo(401);
            assertThat(restored.chunks()).isEqualTo(written.chunks());
            assertThat(restored.fileBytes()).isEqualTo(Files.size(file));
            assertThat(restored.file()).isEqualTo(file);

            StoreStatus st = kv.status("copy");
            assertThat(st.owner()).as("the restore released the store").isNull();
            assertThat(st.meta().get("codec")).as("the source's codec, not the restoring configuration's").isEqualTo("LZ4");
            assertThat(st.checkpoints()).hasSize(1);
            CheckpointStatus cp = st.checkpoints().get(0);
            long chunkBytes = BackupFile.readManifest(file).chunks().stream().mapToLong(BackupFile.Chunk::length).sum();
            assertThat(cp.storedBytes()).isEqualTo(chunkBytes);
            assertThat(cp.keyCount()).isEqualTo(401);
            assertThat(cp.chunks()).isEqualTo(written.chunks());
            assertThat(cp.txnSeq()).isEqualTo(written.txnSeq());
            assertThat(st.stats().keyCount()).isEqualTo(401);
            assertThat(st.stats().lastLsn()).isEqualTo(written.lsn());

            try (BookKeeperStore copy = kv.open("copy", TARGET, WriterHooks.NONE)) {
                assertThat(copy.get(b("k0150"))).isEqualTo(b("value-150-padding-padding-padding"));
                assertThat(copy.keyCount()).isEqualTo(401);
                assertThat(copy.put(b("new"), b("1"))).as("the log continues after the backup's position")
                        .isGreaterThan(Lsn.parse(written.lsn()));
            }
        }
    }
}
