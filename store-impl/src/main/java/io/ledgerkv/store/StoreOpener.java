package io.ledgerkv.store;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.EncryptionKeyException;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.api.StoreNotFoundException;
import io.ledgerkv.checkpoint.CheckpointInfo;
import io.ledgerkv.codec.Codec;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.codec.Dictionary;
import io.ledgerkv.index.MvccIndex;
import io.ledgerkv.log.LedgerLog;
import io.ledgerkv.log.LogError;
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.ReadLedger;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.log.WriteLedger;
import io.ledgerkv.meta.EpochChangedException;
import io.ledgerkv.meta.EpochClaim;
import io.ledgerkv.meta.LedgerList;
import io.ledgerkv.meta.LedgerRef;
import io.ledgerkv.meta.StoreMeta;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.meta.StoreStats;
import io.ledgerkv.meta.Versioned;
import io.ledgerkv.metrics.StoreMetrics;
import io.ledgerkv.store.BookKeeperStore.ReplayStats;
import io.ledgerkv.store.BookKeeperStore.Role;
import io.ledgerkv.txn.Committer;
import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.EntryCipher;
import io.ledgerkv.wal.WalEntry;
import io.ledgerkv.wal.WalFormatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * How a store handle comes to be (issue 21: one job per class): the checks that must pass before
 * anything changes (the password and keys read the store, enough writable bookies, the writer's first
 * ledger created before the epoch claim fences anyone), the claim, the replay from the newest
 * checkpoint that reads back intact, and starting a writer's committer. A failed writer open undoes
 * what it made ({@link Opening}); a store that never opened does not exist afterwards. Decision 33
 * records the order of the checks.
 */
final class StoreOpener {
    private StoreOpener() {
    }

    static BookKeeperStore open(DefaultLedgerKv client, String name, StoreConfig cfg, Role role, AsOf asOf, WriterHooks hooks) {
        String ns = client.config().namespace();
        StoreMetadata meta = new StoreMetadata(client.nodes(), ns, name);
        if (role != Role.WRITER) {
            if (!meta.exists()) {
                throw new StoreNotFoundException(ns, name);
            }
            return open(client, name, cfg, role, asOf, hooks, meta, new Opening());
        }
        Opening opening = new Opening();
        boolean created = meta.createIfAbsent(StoreMeta.of(cfg, System.currentTimeMillis()));
        try {
            return open(client, name, cfg, role, asOf, hooks, meta, opening);
        } catch (RuntimeException e) {
            opening.abandon();
            if (created) {
                // A store that never opened must not exist (nor be listed): drop it unless someone wrote to it meanwhile.
                try {
                    meta.dropIfUnused(opening.claim == null ? 0 : opening.claim.zkVersion());
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    /** What a writer's open has made so far, to undo if it fails. */
    static final class Opening {
        EpochClaim claim;
        /** The first ledger, created before the epoch claim; deleted if the open fails before the committer takes it. */
        WalLedgers ledgers;
        WriteLedger first;

        void abandon() {
            if (first != null) {
                try {
                    first.close();
                } catch (LogException e) {
                    // an empty ledger; nothing to lose
                }
                ledgers.deleteQuietly(first.id());
                first = null;
            }
        }
    }

    /**
     * Before a writer claims the epoch: enough writable bookies for the ensemble, and the writer's
     * first ledger created. The claim fences the current writer; a cluster that cannot serve the
     * new one must make the open fail before it, not after.
     */
    static WriteLedger createFirstLedger(String name, StoreConfig cfg, WalLedgers ledgers, StoreMetadata meta) {
        String consequence = "; the store was not opened and its writer was not fenced";
        LedgerLog.Bookies bookies;
        try {
            bookies = ledgers.log().bookies();
        } catch (LogException e) {
            throw new ClusterUnavailableException("store '" + name + "': cannot list the bookies: " + e.getMessage()
                    + consequence, e);
        }
        if (bookies.writable().size() < cfg.ensembleSize()) {
            throw new ClusterUnavailableException("store '" + name + "': ensembleSize " + cfg.ensembleSize() + " needs "
                    + cfg.ensembleSize() + " writable bookies, the cluster has " + bookies.writable().size() + " " + bookies.writable()
                    + (bookies.readOnly().isEmpty() ? "" : " (and read-only " + bookies.readOnly() + ")") + consequence);
        }
        try {
            // Tagged with the epoch the claim will most likely take; the tag is informational.
            return ledgers.create(WalLedgers.Kind.WAL, cfg, meta.readEpoch().value().epoch() + 1);
        } catch (LogException e) {
            if (e.error() == LogError.INTERRUPTED) {
                throw new LedgerKvException("interrupted while opening store '" + name + "'", e);
            }
            LedgerKvException f = ledgers.failure("creating the first ledger", e);
            throw f instanceof ClusterUnavailableException
                    ? new ClusterUnavailableException(f.getMessage() + consequence, e)
                    : new LedgerKvException(f.getMessage() + consequence, e);
        }
    }

    static BookKeeperStore open(DefaultLedgerKv client, String name, StoreConfig cfg, Role role, AsOf asOf,
                                        WriterHooks hooks, StoreMetadata meta, Opening opening) {
        String ns = client.config().namespace();
        StoreMeta stored = meta.readMeta().value();
        if (stored.isRestoring()) {
            throw new LedgerKvException("store '" + name + "' is the target of a restore that has not finished (or failed "
                    + "part way); delete it (ledgerkv drop) and restore again");
        }
        WalLedgers ledgers = new WalLedgers(client.log(), ns, name, cfg.ledgerPassword(), cfg.encryption());
        if (role == Role.WRITER) {
            // Check the password before claiming the epoch: an opener that cannot read the WAL
            // must not fence the writer that can.
            probeAccess(name, ledgers, meta.readLedgers().value(), new CheckpointStore(meta, ledgers, name));
        }
        if (role == Role.WRITER) {
            opening.ledgers = ledgers;
            opening.first = createFirstLedger(name, cfg, ledgers, meta);
            opening.claim = meta.claimEpoch();
        }
        EpochClaim claim = opening.claim;
        Versioned<LedgerList> list = meta.readLedgers();
        StoreDictionaries dicts = new StoreDictionaries(meta, ledgers, name);
        CheckpointStore checkpoints = new CheckpointStore(meta, ledgers, name);
        long start = System.nanoTime();
        LogReader reader = new LogReader(name, ledgers, dicts, asOf.lsn(), hooks);
        StoreStats published = meta.readStats().value();
        reader.countBytesAfter(published.lastTxnSeq());
        LedgerList recovered = list.value();
        try {
            List<CheckpointInfo> newestFirst = new ArrayList<>(checkpoints.list());
            Collections.reverse(newestFirst);
            if (asOf.checkpointId() != null) {
                CheckpointInfo cp = newestFirst.stream().filter(c -> c.id() == asOf.checkpointId()).findFirst()
                        .orElseThrow(() -> new LedgerKvException("store '" + name + "' has no checkpoint " + asOf.checkpointId()
                                + " (it has " + newestFirst.stream().map(c -> Integer.toString(c.id())).toList() + ")"));
                reader.loadExactly(checkpoints, cp);
            } else {
                reader.loadCheckpoint(checkpoints, newestFirst);
                try {
                    recovered = reader.catchUp(list.value(), role == Role.WRITER ? LogReader.Mode.RECOVER : LogReader.Mode.TAIL);
                    if (role == Role.WRITER) {
                        checkNothingLost(name, reader.index().lastSeq(), published);
                    }
                } catch (CorruptEntryException e) {
                    if (asOf.lsn() != null && e.getMessage().contains("are missing from the log")) {
                        throw new LedgerKvException("store '" + name + "': " + asOf + " is older than the oldest retained "
                                + "position (checkpoints start at " + (newestFirst.isEmpty() ? "none"
                                : newestFirst.get(newestFirst.size() - 1).lsn()) + ")", e);
                    }
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
        MvccIndex index = reader.index();
        ReplayStats rs = new ReplayStats(list.value().ledgers().size(), reader.entries(), index.lastSeq(),
                reader.logicalBytes(), reader.storedBytes(), (System.nanoTime() - start) / 1_000_000,
                reader.entriesByCodec(), reader.checkpoint() == null ? 0 : reader.checkpoint().id(),
                List.copyOf(reader.fallbacks()));
        if (role != Role.STANDBY) {
            reader.close();
        }
        StoreMetrics metrics = metrics(client, name, cfg, role);
        long replayedTxns = rs.transactions() - reader.checkpointTxnSeq();
        metrics.replayed(Duration.ofNanos(System.nanoTime() - start), rs.entries(), replayedTxns);
        if (role != Role.WRITER) {
            return new BookKeeperStore(client, name, cfg, role, meta, ledgers, dicts, checkpoints, index, null, null, hooks, rs,
                    role == Role.STANDBY ? reader : null, metrics);
        }
        // The stats' byte counters cover the store's whole life: what was published, plus what
        // replay found after the published position (a crashed writer's last, unpublished bytes).
        long[] unpublished = reader.unpublishedBytes();
        try {
            WriteLedger first = opening.first;
            opening.first = null; // the committer takes it from here (and gives it up itself if it must)
            return startWriter(client, name, cfg, meta, ledgers, dicts, checkpoints, index, claim, new Versioned<>(recovered,
                    list.version()), hooks, rs, new long[] {published.logicalBytes() + unpublished[0],
                    published.storedBytes() + unpublished[1]}, metrics, first);
        } catch (RuntimeException e) {
            metrics.close(); // the open failed: no handle will ever close them
            throw e;
        }
    }

    static StoreMetrics metrics(DefaultLedgerKv client, String name, StoreConfig cfg, Role role) {
        return new StoreMetrics(client.config().meterRegistry(), client.config().namespace(), name,
                role.name().toLowerCase(Locale.ROOT), cfg.codec().name());
    }

    static BookKeeperStore startWriter(DefaultLedgerKv client, String name, StoreConfig cfg, StoreMetadata meta,
                                               WalLedgers ledgers, StoreDictionaries dicts, CheckpointStore checkpoints,
                                               MvccIndex index, EpochClaim claim, Versioned<LedgerList> list,
                                               WriterHooks hooks, ReplayStats rs, long[] walBytes, StoreMetrics metrics,
                                               WriteLedger first) {
        try {
            meta.writeMeta(claim, StoreMeta.of(cfg, meta.readMeta().value().createdAtMillis()));
        } catch (EpochChangedException e) {
            throw new StoreFencedException("store '" + name + "': " + e.getMessage());
        }
        Codec codec;
        DictionaryAutoTrainer autoTrainer = null;
        if (cfg.codec() == CodecType.ZSTD_DICT) {
            Dictionary d = dicts.newest();
            if (d != null) {
                codec = CodecType.ZSTD_DICT.newCodec(cfg.codecLevel(), d);
            } else {
                // No dictionary yet: plain Zstandard until one is trained (automatically or with `ledgerkv dict train`).
                codec = CodecType.ZSTD.newCodec(cfg.codecLevel(), null);
                if (cfg.dictTrainAfterBytes() > 0) {
                    autoTrainer = new DictionaryAutoTrainer(name, cfg, dicts);
                }
            }
        } else {
            codec = cfg.codec().newCodec(cfg.codecLevel(), null);
        }
        Committer committer = new Committer(name, cfg, codec, ledgers, meta, claim, list, index, client.completions(), hooks,
                autoTrainer, client.config(), walBytes[0], walBytes[1], metrics);
        if (autoTrainer != null) {
            autoTrainer.attach(committer);
        }
        index.useWriterClock(client.config().clock()::millis);
        committer.start(first);
        BookKeeperStore store = new BookKeeperStore(client, name, cfg, Role.WRITER, meta, ledgers, dicts, checkpoints, index,
                claim, committer, hooks, rs, null, metrics);
        store.publishStatsQuietly();
        return store;
    }

    /** Ledgers (newest first) {@link #probeAccess} looks through for an entry, for a store without keys. */
    private static final int PROBE_LEDGERS = 3;

    /**
     * Checks the ledger password and the encryption keys before a writer claims the store: opens the
     * newest WAL ledger (a wrong password fails here) and checks that the configured keys read the
     * first entry of every retained WAL ledger (one writer session, so one key id, per ledger) and
     * the first chunk of the newest checkpoint; without keys, that the newest entries are not
     * encrypted. Wrong, missing or dropped-too-early keys fail here, so an opener that could not
     * read the store does not fence the writer that can.
     */
    static void probeAccess(String name, WalLedgers ledgers, LedgerList list, CheckpointStore checkpoints) {
        probeAccess(name, ledgers, list, checkpoints, "the store was not opened and its writer was not fenced");
    }

    /**
     * {@link #probeAccess(String, WalLedgers, LedgerList, CheckpointStore)} for any request that must
     * be refused before it changes anything; {@code consequence} ends the refusal's message
     * ("the store was not deleted").
     */
    static void probeAccess(String name, WalLedgers ledgers, LedgerList list, CheckpointStore checkpoints, String consequence) {
        List<LedgerRef> refs = list.ledgers();
        int budget = ledgers.cipher() != null ? refs.size() : PROBE_LEDGERS;
        for (int i = refs.size() - 1, seen = 0; i >= 0 && seen < budget; i--, seen++) {
            long id = refs.get(i).ledgerId();
            ReadLedger lh = null;
            try {
                lh = ledgers.openNoRecovery(id);
                if (lh.lastAddConfirmed() >= 0) {
                    probeEntry(name, "ledger " + id + " entry 0", firstEntry(lh), ledgers.cipher(), consequence);
                    if (ledgers.cipher() == null) {
                        break;
                    }
                }
            } catch (LogException e) {
                if (e.error() == LogError.NO_SUCH_LEDGER) {
                    break; // reported with context during replay
                }
                if (e.error() == LogError.INTERRUPTED) {
                    throw new LedgerKvException("interrupted while opening store '" + name + "'", e);
                }
                LedgerKvException f = ledgers.failure("opening ledger " + id, e);
                if (e.error() == LogError.UNAUTHORIZED) {
                    throw new AccessDeniedException(f.getMessage() + "; " + consequence, e);
                }
                throw f;
            } finally {
                if (lh != null) {
                    lh.close();
                }
            }
        }
        List<CheckpointInfo> cps = checkpoints.list();
        if (!cps.isEmpty()) {
            CheckpointInfo cp = cps.get(cps.size() - 1);
            try (ReadLedger lh = ledgers.openNoRecovery(cp.ledgerId())) {
                if (lh.lastAddConfirmed() >= 0) {
                    probeEntry(name, "checkpoint " + cp.id() + " (ledger " + cp.ledgerId() + ")", firstEntry(lh),
                            ledgers.cipher(cp.sealedFor()), consequence);
                }
            } catch (LogException e) {
                if (e.error() == LogError.INTERRUPTED) {
                    throw new LedgerKvException("interrupted while opening store '" + name + "'", e);
                }
                // a damaged checkpoint is reported (and fallen back from) during replay
            }
        }
    }

    static byte[] firstEntry(ReadLedger lh) throws LogException {
        byte[][] first = new byte[1][];
        lh.read(0, 0, (entryId, data) -> first[0] = data);
        return first[0];
    }

    static void probeEntry(String name, String where, byte[] entry, EntryCipher cipher, String consequence) {
        try {
            WalEntry.checkReadable(entry, cipher);
        } catch (EncryptionKeyException e) {
            throw new EncryptionKeyException("store '" + name + "': cannot read " + where + ": " + e.getMessage()
                    + "; " + consequence);
        } catch (WalFormatException e) {
            throw new EncryptionKeyException("store '" + name + "': cannot read " + where + " with the configured "
                    + "keys: " + e.getMessage() + "; " + consequence);
        }
    }


    /**
     * A writer's recovered log must reach every transaction the previous writer published as
     * applied (its stats): those were acknowledged. A recovery that ends before that has lost
     * acknowledged writes, and starting a writer on it would reuse their sequence numbers.
     */
    static void checkNothingLost(String name, long recoveredSeq, StoreStats published) {
        if (recoveredSeq < published.lastTxnSeq()) {
            throw new CorruptEntryException(name, -1, -1, "the log recovers transactions up to " + recoveredSeq
                    + ", but the store's writer published " + published.lastTxnSeq() + " as applied; not opening a writer on it");
        }
    }
}
