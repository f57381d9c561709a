package io.ledgerkv.store;

import io.ledgerkv.api.BackupSummary;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.Progress;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.checkpoint.BackupFile;
import io.ledgerkv.checkpoint.CheckpointInfo;
import io.ledgerkv.log.LogError;
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.log.WriteLedger;
import io.ledgerkv.meta.EpochChangedException;
import io.ledgerkv.meta.EpochClaim;
import io.ledgerkv.meta.Json;
import io.ledgerkv.meta.LedgerList;
import io.ledgerkv.meta.StoreMeta;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.meta.StoreStats;
import io.ledgerkv.meta.Versioned;
import io.ledgerkv.wal.EntryCipher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Imports a backup file as a new store: verify the whole file, create the store marked RESTORING,
 * write the chunks into a checkpoint ledger, register the checkpoint, start the ledger list after
 * the backup's LSN, publish stats, and only then mark the store READY. Any failure removes the
 * half-made store.
 */
final class StoreRestorer {
    private final DefaultLedgerKv client;

    StoreRestorer(DefaultLedgerKv client) {
        this.client = client;
    }

    BackupSummary restore(Path file, String store, StoreConfig cfg, boolean force, Progress progress) {
        BackupFile.Manifest m = BackupFile.read(file, cfg.encryption(), (i, entry, ops) -> { }, (phase, done, total) ->
                progress.update("verifying", done, total));
        String ns = client.config().namespace();
        StoreMetadata meta = new StoreMetadata(client.nodes(), ns, store);
        if (meta.exists()) {
            if (!force) {
                throw new LedgerKvException("store '" + store + "' already exists in namespace '" + ns
                        + "'; it was not touched (restore with force to replace it)");
            }
            client.deleteStore(store, cfg);
        }
        if (!meta.createIfAbsent(StoreMeta.of(cfg, System.currentTimeMillis(), StoreMeta.RESTORING))) {
            throw new LedgerKvException("store '" + store + "' was created by someone else while restoring; nothing was written");
        }
        try {
            return importInto(file, m, store, cfg, meta, progress);
        } catch (RuntimeException e) {
            try {
                client.deleteStore(store, cfg);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private BackupSummary importInto(Path file, BackupFile.Manifest m, String store, StoreConfig cfg, StoreMetadata meta,
                                     Progress progress) {
        WalLedgers ledgers = new WalLedgers(client.log(), client.config().namespace(), store, cfg.ledgerPassword(), cfg.encryption());
        EpochClaim claim = meta.claimEpoch();
        long ledgerId;
        WriteLedger lh = null;
        try {
            lh = ledgers.create(WalLedgers.Kind.CHECKPOINT, cfg, claim.epoch());
            WriteLedger target = lh;
            ledgerId = lh.id();
            BackupFile.read(file, cfg.encryption(), (i, entry, ops) -> target.append(entry), (phase, done, total) ->
                    progress.update("importing", done, total));
            lh.close();
        } catch (LedgerKvException e) {
            if (lh != null) {
                ledgers.deleteQuietly(lh.id()); // registered nowhere yet
            }
            throw e;
        } catch (LogException e) {
            if (lh != null) {
                ledgers.deleteQuietly(lh.id());
            }
            if (e.error() == LogError.INTERRUPTED) {
                throw new LedgerKvException("interrupted while restoring '" + store + "'", e);
            }
            throw ledgers.failure("writing the restored checkpoint", e);
        } catch (Exception e) {
            if (lh != null) {
                ledgers.deleteQuietly(lh.id());
            }
            throw new LedgerKvException("store '" + store + "': writing the restored checkpoint: " + e, e);
        }
        CheckpointStore checkpoints = new CheckpointStore(meta, ledgers, store);
        long storedBytes = m.chunks().stream().mapToLong(BackupFile.Chunk::length).sum();
        CheckpointInfo cp = new CheckpointInfo(0, ledgerId, m.lsn(), m.txnSeq(), m.epoch(), m.keyCount(), m.logicalBytes(),
                storedBytes, m.chunks().size(), m.checksum(), "ZSTD", System.currentTimeMillis(),
                // The chunks are copied as they are: encrypted ones stay bound to the backed-up store.
                EntryCipher.identity(m.namespace(), m.store()));
        try {
            checkpoints.register(claim, cp);
            Versioned<LedgerList> list = meta.readLedgers();
            // New WAL ledgers continue after the backup's LSN, so LSNs keep increasing.
            meta.casLedgers(claim, new LedgerList(List.of(), Lsn.parse(m.lsn()).ledgerSeq() + 1), list.version());
            meta.writeStats(claim, new StoreStats(m.keyCount(), 0, 0, m.lsn(), m.txnSeq(), System.currentTimeMillis()));
            StoreMeta ready = Json.MAPPER.convertValue(m.meta(), StoreMeta.class);
            StoreMeta current = meta.readMeta().value();
            meta.writeMeta(claim, new StoreMeta(current.formatVersion(), current.createdAtMillis(), current.ensembleSize(),
                    current.writeQuorum(), current.ackQuorum(), current.digestType(),
                    ready == null || ready.codec() == null ? current.codec() : ready.codec(), current.maxKeyBytes(),
                    current.maxValueBytes(), current.maxTxnBytes(), current.maxBatchBytes(), StoreMeta.READY));
        } catch (EpochChangedException e) {
            throw new LedgerKvException("restore of '" + store + "' was interrupted by another writer: " + e.getMessage(), e);
        }
        meta.releaseOwner(claim);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            size = -1;
        }
        return new BackupSummary(store, m.lsn(), m.txnSeq(), m.keyCount(), m.chunks().size(), size, file);
    }
}
