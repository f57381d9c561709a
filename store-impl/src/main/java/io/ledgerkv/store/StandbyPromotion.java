package io.ledgerkv.store;

import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.checkpoint.CheckpointInfo;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.log.WriteLedger;
import io.ledgerkv.meta.EpochClaim;
import io.ledgerkv.meta.LedgerList;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.meta.StoreStats;
import io.ledgerkv.meta.Versioned;
import io.ledgerkv.metrics.StoreMetrics;
import io.ledgerkv.store.BookKeeperStore.ReplayStats;
import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.WalGapException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standby becoming the writer ({@link BookKeeperStore#promote}), once its tailing has stopped and
 * its handle is closed: claims the epoch (fencing the current writer), recovers the writer's open
 * ledger and reads only what the standby had not applied yet (or, if the standby fell behind a
 * checkpoint that trimmed the WAL it needed, starts from that checkpoint), checks that nothing the
 * writer published is missing, and starts a writer on the standby's index.
 */
final class StandbyPromotion {
    private static final Logger LOG = LoggerFactory.getLogger(StandbyPromotion.class);

    private StandbyPromotion() {
    }

    static BookKeeperStore promote(DefaultLedgerKv client, String name, StoreConfig cfg, StoreMetadata meta, WalLedgers ledgers,
                                   StoreDictionaries dicts, CheckpointStore checkpoints, StandbyTailer tailer, WriterHooks hooks,
                                   ReplayStats replayStats, StoreMetrics metrics, StoreOpener.Opening opening) {
        EpochClaim newClaim = meta.claimEpoch();
        Versioned<LedgerList> list = meta.readLedgers();
        long start = System.nanoTime();
        LogReader standbyReader = tailer.reader();
        LogReader reader = standbyReader;
        long entriesBefore = reader.entries();
        long seqBefore = reader.index().lastSeq();
        LedgerList recovered = null;
        try {
            List<CheckpointInfo> cps = checkpoints.list();
            // A standby behind the newest checkpoint may have missed WAL the writer has trimmed since; if
            // the ledger it recovers is empty, no entry would show the gap. It starts from that checkpoint.
            if (cps.isEmpty() || reader.index().lastSeq() >= cps.get(cps.size() - 1).txnSeq()) {
                try {
                    recovered = reader.catchUp(list.value(), LogReader.Mode.RECOVER);
                } catch (WalGapException e) {
                    LOG.info("store '{}': the promoted standby fell behind a checkpoint: {}", name, e.getMessage());
                }
            }
            if (recovered == null) {
                reader.close();
                reader = tailer.fromNewestCheckpoint();
                entriesBefore = 0;
                seqBefore = reader.checkpointTxnSeq();
                tailer.countResync();
                recovered = reader.catchUp(list.value(), LogReader.Mode.RECOVER);
            }
            StoreOpener.checkNothingLost(name, reader.index().lastSeq(), meta.readStats().value());
        } finally {
            reader.close();
        }
        ReplayStats rs = new ReplayStats(list.value().ledgers().size(), reader.entries() - entriesBefore,
                reader.index().lastSeq(), reader.logicalBytes(), reader.storedBytes(), (System.nanoTime() - start) / 1_000_000,
                reader.entriesByCodec(), reader.checkpoint() != null && reader != standbyReader ? reader.checkpoint().id()
                : replayStats.checkpointId(), replayStats.checkpointFallbacks());
        metrics.close();
        StoreMetrics writerMetrics = StoreOpener.metrics(client, name, cfg, BookKeeperStore.Role.WRITER);
        writerMetrics.replayed(Duration.ofNanos(System.nanoTime() - start), rs.entries(), rs.transactions() - seqBefore);
        StoreStats published = meta.readStats().value();
        WriteLedger first = opening.first;
        opening.first = null;
        return client.track(StoreOpener.startWriter(client, name, cfg, meta, ledgers, dicts, checkpoints, reader.index(), newClaim,
                new Versioned<>(recovered, list.version()), hooks, rs,
                new long[] {Math.max(published.logicalBytes(), reader.logicalBytes()),
                    Math.max(published.storedBytes(), reader.storedBytes())}, writerMetrics, first));
    }

}
