package io.ledgerkv.store;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.CheckpointStatus;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.EncryptionKeyException;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvSnapshot;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.LimitExceededException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.ReadOnlyStoreException;
import io.ledgerkv.api.StandbyLag;
import io.ledgerkv.api.StandbyStore;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.api.StoreNotFoundException;
import io.ledgerkv.api.Txn;
import io.ledgerkv.api.VersionedValue;
import io.ledgerkv.checkpoint.CheckpointInfo;
import io.ledgerkv.codec.Codec;
import io.ledgerkv.codec.CodecCache;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.codec.Dictionary;
import io.ledgerkv.index.LocalIndex;
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
import io.ledgerkv.txn.Committer;
import io.ledgerkv.txn.Deferred;
import io.ledgerkv.txn.TxnHost;
import io.ledgerkv.txn.TxnImpl;
import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.EntryCipher;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import io.ledgerkv.wal.WalEntry;
import io.ledgerkv.wal.WalFormatException;
import io.ledgerkv.wal.WalGapException;
import io.ledgerkv.wal.WalReplayer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store: an in-memory {@link MvccIndex} materialized from a WAL in BookKeeper ledgers, written
 * by a {@link Committer} when the handle is the store's writer.
 *
 * <p>Opening for writing follows the fencing protocol: claim the next writer epoch in ZooKeeper
 * (compare-and-set), open the previous writer's OPEN ledgers with recovery (which fences them at the
 * bookies and fixes their last entry), replay every ledger into the index, then append a new ledger
 * to the ledger list in a compare-and-set guarded by the epoch.
 */
public final class BookKeeperStore implements StandbyStore, TxnHost {
    private static final Logger LOG = LoggerFactory.getLogger(BookKeeperStore.class);

    /** What a handle does. */
    enum Role {
        /** Holds the writer epoch and commits. */
        WRITER,
        /** Shows the state as of its open. */
        READER,
        /** Read-only, and keeps tailing the writer's WAL. */
        STANDBY
    }

    private final DefaultLedgerKv client;
    private final String name;
    private final StoreConfig cfg;
    private final Role role;
    private final StoreMetadata meta;
    private final WalLedgers ledgers;
    private final StoreDictionaries dicts;
    private final CheckpointStore checkpoints;
    private volatile MvccIndex index;
    private final EpochClaim claim;
    private final Committer committer;
    private final WriterHooks hooks;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile LedgerKvException closedReason;
    private final ScheduledFuture<?> periodicTask;
    private volatile StoreStats lastPublished;
    private final ReplayStats replayStats;
    private final StoreMetrics metrics;
    private final Object checkpointLock = new Object();
    private volatile long lastCheckpointLogicalBytes;
    private volatile long lastCheckpointNanos = System.nanoTime();
    private volatile boolean checkpointRunning;
    // Standby only.
    private volatile LogReader standbyReader;
    private volatile Thread standbyThread;
    private volatile LedgerKvException standbyFailure;
    private volatile long standbyLagEntries;

    /**
     * What the open-time replay read; {@code entriesByCodec} counts entries per codec (RAW ones under
     * "RAW"); {@code checkpointId} is the checkpoint the index started from (0 = none) and
     * {@code checkpointFallbacks} says why newer ones were not used.
     */
    public record ReplayStats(int ledgers, long entries, long transactions, long logicalBytes, long storedBytes, long millis,
                              Map<String, Long> entriesByCodec, int checkpointId, List<String> checkpointFallbacks) {
    }

    private BookKeeperStore(DefaultLedgerKv client, String name, StoreConfig cfg, Role role, StoreMetadata meta,
                            WalLedgers ledgers, StoreDictionaries dicts, CheckpointStore checkpoints, MvccIndex index,
                            EpochClaim claim, Committer committer, WriterHooks hooks, ReplayStats replayStats,
                            LogReader standbyReader, StoreMetrics metrics) {
        this.client = client;
        this.name = name;
        this.cfg = cfg;
        this.role = role;
        this.meta = meta;
        this.ledgers = ledgers;
        this.dicts = dicts;
        this.checkpoints = checkpoints;
        this.index = index;
        this.claim = claim;
        this.committer = committer;
        this.hooks = hooks;
        this.replayStats = replayStats;
        this.standbyReader = standbyReader;
        this.metrics = metrics;
        // The WAL this open replayed was written since the checkpoint it started from (all of it when
        // there is none): it counts towards the next one, or a writer that crashes before writing
        // checkpointEveryBytes would leave its successor a longer replay each time.
        this.lastCheckpointLogicalBytes = committer == null ? 0 : committer.logicalBytes() - replayStats.logicalBytes();
        if (committer != null) {
            long ms = cfg.statsInterval().toMillis();
            this.periodicTask = client.scheduler().scheduleWithFixedDelay(this::periodic, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            this.periodicTask = null;
        }
        if (role == Role.STANDBY) {
            metrics.gauge("ledgerkv.standby.lag", "Transactions the writer committed that this standby has not applied yet",
                    "transactions", this, s -> s.lag().lagTxns());
            Thread t = new Thread(this::tail, "ledgerkv-standby-" + name);
            t.setDaemon(true);
            standbyThread = t;
            t.start();
        }
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
    private static final class Opening {
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
    private static WriteLedger createFirstLedger(String name, StoreConfig cfg, WalLedgers ledgers, StoreMetadata meta) {
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

    private static BookKeeperStore open(DefaultLedgerKv client, String name, StoreConfig cfg, Role role, AsOf asOf,
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

    private static StoreMetrics metrics(DefaultLedgerKv client, String name, StoreConfig cfg, Role role) {
        return new StoreMetrics(client.config().meterRegistry(), client.config().namespace(), name,
                role.name().toLowerCase(Locale.ROOT), cfg.codec().name());
    }

    private static BookKeeperStore startWriter(DefaultLedgerKv client, String name, StoreConfig cfg, StoreMetadata meta,
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
    private static void probeAccess(String name, WalLedgers ledgers, LedgerList list, CheckpointStore checkpoints) {
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

    private static byte[] firstEntry(ReadLedger lh) throws LogException {
        byte[][] first = new byte[1][];
        lh.read(0, 0, (entryId, data) -> first[0] = data);
        return first[0];
    }

    private static void probeEntry(String name, String where, byte[] entry, EntryCipher cipher, String consequence) {
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

    // ---- TxnHost: checks shared by every write path ------------------------------------------------

    @Override
    public byte[] checkKey(byte[] key, String op) {
        if (key == null) {
            throw new NullPointerException(op + ": key must not be null");
        }
        if (key.length > cfg.maxKeyBytes()) {
            throw new LimitExceededException(op + ": key", "maxKeyBytes", key.length, cfg.maxKeyBytes());
        }
        return key.clone();
    }

    @Override
    public byte[] checkValue(byte[] value, String op) {
        if (value == null) {
            throw new NullPointerException(op + ": value must not be null (use delete to remove a key)");
        }
        if (value.length > cfg.maxValueBytes()) {
            throw new LimitExceededException(op + ": value", "maxValueBytes", value.length, cfg.maxValueBytes());
        }
        return value.clone();
    }

    @Override
    public long expireAt(Duration ttl, String op) {
        if (ttl == null) {
            throw new NullPointerException(op + ": ttl must not be null (use put without a ttl for a value that never expires)");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException(op + ": ttl must be > 0, got " + ttl + "; nothing was written");
        }
        long now = index.now();
        long millis;
        try {
            millis = Math.addExact(now, ttl.toMillis()); // toMillis itself overflows for ttls beyond ~292 million years
        } catch (ArithmeticException e) {
            millis = Long.MAX_VALUE;
        }
        if (millis >= Mutation.NEVER) {
            throw new IllegalArgumentException(op + ": ttl " + ttl + " runs past the end of time; use put without a ttl");
        }
        return Math.max(millis, now + 1); // a sub-millisecond ttl still expires after now, not at it
    }

    @Override
    public long maxTxnBytes() {
        return cfg.maxTxnBytes();
    }

    @Override
    public void checkWritable() {
        if (role != Role.WRITER) {
            throw new ReadOnlyStoreException(name);
        }
        if (closed.get()) {
            throw closedReason != null ? closedReason : new StoreClosedException("store '" + name + "' is closed");
        }
        LedgerKvException f = committer.failure();
        if (f instanceof StoreFencedException) {
            throw f;
        }
    }

    @Override
    public CompletableFuture<Lsn> commit(List<Mutation> ops) {
        checkWritable();
        if (ops.isEmpty()) {
            return CompletableFuture.completedFuture(index.lastLsn());
        }
        return enqueue(ops, null);
    }

    @Override
    public CompletableFuture<Lsn> commit(List<Mutation> ops, Deferred deferred) {
        checkWritable();
        return enqueue(ops, deferred);
    }

    /** Checks the size limit and hands the transaction to the committer ({@code deferred} null for a plain one). */
    private CompletableFuture<Lsn> enqueue(List<Mutation> ops, Deferred deferred) {
        int size = TxnRecord.encodedSize(ops);
        if (size > cfg.maxTxnBytes()) {
            throw new LimitExceededException("transaction (" + ops.size() + " operations)", "maxTxnBytes", size, cfg.maxTxnBytes());
        }
        return committer.enqueue(ops, size, deferred);
    }

    @Override
    public VersionedValue getWithVersion(byte[] key) {
        checkOpen();
        if (key == null) {
            throw new NullPointerException("getWithVersion: key must not be null");
        }
        VersionedValue v = index.getVersioned(key);
        return v == null ? null : new VersionedValue(v.value().clone(), v.version(), v.expireAtMillis());
    }

    // ---- KvStore ----------------------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isReadOnly() {
        return role != Role.WRITER;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw closedReason != null ? closedReason : new StoreClosedException("store '" + name + "' is closed");
        }
    }

    @Override
    public byte[] get(byte[] key) {
        checkOpen();
        if (key == null) {
            throw new NullPointerException("get: key must not be null");
        }
        byte[] v = index.get(key);
        return v == null ? null : v.clone();
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        checkOpen();
        if (keys == null) {
            throw new NullPointerException("getAll: keys must not be null");
        }
        List<byte[]> out = new ArrayList<>(keys.size());
        try (LocalIndex.Pin pin = index.pin()) {
            for (int i = 0; i < keys.size(); i++) {
                byte[] k = keys.get(i);
                if (k == null) {
                    throw new NullPointerException("getAll: key #" + i + " must not be null");
                }
                byte[] v = pin.get(k);
                out.add(v == null ? null : v.clone());
            }
        }
        return out;
    }

    @Override
    public KvIterator range(byte[] from, byte[] to) {
        checkOpen();
        LocalIndex.Pin pin = index.pin();
        return iterator(pin.scan(from, to), pin::close);
    }

    @Override
    public KvIterator all() {
        return range(null, null);
    }

    @Override
    public KvIterator reverseRange(byte[] from, byte[] to) {
        checkOpen();
        LocalIndex.Pin pin = index.pin();
        return iterator(pin.scan(from, to, true), pin::close);
    }

    /** Copies entries out of the index; {@code release} runs once, on close or exhaustion. */
    private static KvIterator iterator(Iterator<byte[][]> it, Runnable release) {
        return new KvIterator() {
            private boolean closed;

            @Override
            public boolean hasNext() {
                if (closed) {
                    return false;
                }
                if (!it.hasNext()) {
                    close();
                    return false;
                }
                return true;
            }

            @Override
            public KvEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                byte[][] kv = it.next();
                return new KvEntry(kv[0].clone(), kv[1].clone());
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    release.run();
                }
            }
        };
    }

    @Override
    public KvSnapshot snapshot(byte[] from, byte[] to) {
        checkOpen();
        LocalIndex.Pin pin = index.pin();
        return new KvSnapshot() {
            private final AtomicBoolean snapClosed = new AtomicBoolean();

            @Override
            public Lsn lsn() {
                return pin.lsn();
            }

            @Override
            public KvIterator iterator() {
                if (snapClosed.get()) {
                    throw new IllegalStateException("snapshot at " + pin.lsn() + " is closed");
                }
                return BookKeeperStore.iterator(pin.scan(from, to), () -> { }); // the snapshot owns the pin
            }

            @Override
            public void close() {
                if (snapClosed.compareAndSet(false, true)) {
                    pin.close();
                }
            }
        };
    }

    @Override
    public long keyCount() {
        return index.keyCount();
    }

    /** A pinned read position of the whole index, for backups (close it). */
    LocalIndex.Pin pinForExport() {
        checkOpen();
        return index.pin();
    }

    /** Sum of live keys' and values' sizes. */
    public long liveBytes() {
        return index.liveBytes();
    }

    @Override
    public Lsn lastAppliedLsn() {
        return index.lastLsn();
    }

    @Override
    public CompletableFuture<Lsn> putAsync(byte[] key, byte[] value) {
        checkWritable();
        return commit(List.of(new Mutation(checkKey(key, "put"), checkValue(value, "put"))));
    }

    @Override
    public CompletableFuture<Lsn> putAllAsync(Map<byte[], byte[]> entries) {
        if (entries == null) {
            throw new NullPointerException("putAll: entries must not be null");
        }
        List<KvEntry> list = new ArrayList<>(entries.size());
        entries.forEach((k, v) -> list.add(new KvEntry(k, v)));
        return putAllAsync(list);
    }

    @Override
    public CompletableFuture<Lsn> putAllAsync(List<KvEntry> entries) {
        checkWritable();
        if (entries == null) {
            throw new NullPointerException("putAll: entries must not be null");
        }
        List<Mutation> ops = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            KvEntry e = entries.get(i);
            String op = "putAll entry #" + i;
            if (e == null) {
                throw new NullPointerException(op + " must not be null");
            }
            ops.add(new Mutation(checkKey(e.key(), op), checkValue(e.value(), op)));
        }
        return commit(ops);
    }

    @Override
    public CompletableFuture<Lsn> deleteAsync(byte[] key) {
        checkWritable();
        return commit(List.of(new Mutation(checkKey(key, "delete"), null)));
    }

    @Override
    public CompletableFuture<Lsn> deleteAllAsync(List<byte[]> keys) {
        checkWritable();
        if (keys == null) {
            throw new NullPointerException("deleteAll: keys must not be null");
        }
        List<Mutation> ops = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            ops.add(new Mutation(checkKey(keys.get(i), "deleteAll key #" + i), null));
        }
        return commit(ops);
    }

    @Override
    public Txn begin() {
        checkWritable();
        return new TxnImpl(this);
    }

    @Override
    public void flush() {
        checkOpen();
        if (role != Role.WRITER) {
            return;
        }
        CompletableFuture<Lsn> last = committer.lastEnqueued();
        if (last != null) {
            try {
                last.join();
            } catch (RuntimeException e) {
                // that commit's caller hears about its failure; flush reports the store's state below
            }
        }
        LedgerKvException f = committer.failure();
        if (f != null && !(f instanceof StoreClosedException && closed.get())) {
            throw f;
        }
        publishStats();
    }

    // ---- stats ------------------------------------------------------------------------------------

    private StoreStats currentStats() {
        return new StoreStats(index.keyCount(), committer.logicalBytes(), committer.storedBytes(),
                index.lastLsn().toString(), index.lastSeq(), System.currentTimeMillis());
    }

    private void publishStats() {
        StoreStats s = currentStats();
        StoreStats prev = lastPublished;
        if (prev != null && prev.lastTxnSeq() == s.lastTxnSeq() && prev.keyCount() == s.keyCount()
                && prev.logicalBytes() == s.logicalBytes()) {
            return;
        }
        try {
            meta.writeStats(claim, s);
            lastPublished = s;
        } catch (EpochChangedException e) {
            committer.fail(new StoreFencedException("store '" + name + "': " + e.getMessage()));
            throw committer.failure();
        }
    }

    private void publishStatsQuietly() {
        if (closed.get() || committer.failure() != null) {
            return;
        }
        try {
            publishStats();
        } catch (RuntimeException e) {
            LOG.debug("store '{}': stats not published: {}", name, e.toString());
        }
    }

    /** Most deletes one reaper transaction carries. */
    static final int REAP_BATCH_KEYS = 1000;
    private final AtomicBoolean reaping = new AtomicBoolean();

    /**
     * Deletes values whose time to live has run out, through ordinary WAL deletes (one transaction of
     * up to {@value #REAP_BATCH_KEYS} keys and half of maxTxnBytes), so that replicas and replay see
     * them go at the same LSN. A key rewritten between this call and the commit keeps its new value.
     * Runs every statsInterval; completes with the number of keys deleted (0 when nothing was due,
     * or a reap is already running, or this handle cannot write).
     */
    public CompletableFuture<Integer> reapExpired() {
        if (role != Role.WRITER || closed.get() || committer.failure() != null || !reaping.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(0);
        }
        try {
            TreeMap<byte[], Lsn> due = new TreeMap<>(Arrays::compareUnsigned);
            List<Mutation> ops = new ArrayList<>();
            long bytes = 5;
            for (LocalIndex.Entry e : index.expired(index.now(), REAP_BATCH_KEYS)) {
                Mutation m = new Mutation(e.key(), null);
                if (bytes + m.encodedSize() > cfg.maxTxnBytes() / 2) {
                    break;
                }
                bytes += m.encodedSize();
                due.put(e.key(), e.version());
                ops.add(m);
            }
            if (ops.isEmpty()) {
                reaping.set(false);
                return CompletableFuture.completedFuture(0);
            }
            Deferred d = Deferred.reaping(due);
            return enqueue(ops, d).handle((lsn, err) -> {
                reaping.set(false);
                if (err != null) {
                    throw err instanceof CompletionException c ? c : new CompletionException(err);
                }
                return d.reaped();
            });
        } catch (RuntimeException e) {
            reaping.set(false);
            throw e;
        }
    }

    /** Runs every statsInterval on the client's scheduler: publishes stats, reaps expired values, starts due checkpoints. */
    private void periodic() {
        try {
            periodicOnce();
        } catch (RuntimeException e) {
            // A task of scheduleWithFixedDelay that throws is never run again: stats, reaping and
            // scheduled checkpoints would stop for good.
            LOG.warn("store '{}': periodic stats, reaping or checkpoint check failed (retried next time): {}", name, e.toString());
        } finally {
            periodicRuns.incrementAndGet();
        }
    }

    private final AtomicLong periodicRuns = new AtomicLong();

    /** How many times {@link #periodic} has finished: a test waits for a run to know a check happened. */
    long periodicRuns() {
        return periodicRuns.get();
    }

    /**
     * True when a scheduled checkpoint should start: the WAL since the last one reached
     * {@link StoreConfig#checkpointThresholdBytes} for the live state now, or
     * {@code checkpointInterval} passed with transactions since the last one.
     */
    boolean checkpointDue() {
        boolean bySize = walBytesSinceCheckpoint() >= cfg.checkpointThresholdBytes(index.liveBytes());
        boolean byTime = !cfg.checkpointInterval().isZero()
                && System.nanoTime() - lastCheckpointNanos >= cfg.checkpointInterval().toNanos()
                && index.lastSeq() > (lastCheckpointSeq());
        return bySize || byTime;
    }

    private void periodicOnce() {
        publishStatsQuietly();
        try {
            reapExpired().exceptionally(e -> {
                LOG.debug("store '{}': reaping expired values failed: {}", name, e.toString());
                return 0;
            });
        } catch (RuntimeException e) {
            LOG.debug("store '{}': reaping expired values failed: {}", name, e.toString());
        }
        if (closed.get() || committer.failure() != null || checkpointRunning || checkpointInProgress) {
            return;
        }
        if (checkpointDue()) {
            checkpointRunning = true;
            Thread t = new Thread(() -> {
                try {
                    checkpoint();
                } catch (RuntimeException e) {
                    LOG.warn("store '{}': scheduled checkpoint failed: {}", name, e.getMessage());
                } finally {
                    checkpointRunning = false;
                }
            }, "ledgerkv-checkpoint-" + name);
            t.setDaemon(true);
            t.start();
        }
    }

    private volatile long lastCheckpointSeq = -1;

    /**
     * Uncompressed WAL bytes written (or, right after an open, replayed) since the last checkpoint
     * this writer knows of; a checkpoint starts once they reach
     * {@link StoreConfig#checkpointThresholdBytes}. 0 for a reader.
     */
    public long walBytesSinceCheckpoint() {
        return committer == null ? 0 : Math.max(0, committer.logicalBytes() - lastCheckpointLogicalBytes);
    }

    /** True while a checkpoint of this writer runs (scheduled or called). */
    public boolean checkpointRunning() {
        return checkpointRunning || checkpointInProgress;
    }

    private volatile boolean checkpointInProgress;

    /**
     * The last transaction the newest checkpoint holds (0: none). Read from the store's checkpoint
     * list the first time (a reopened store may be covered by one already: it is not due again until
     * a transaction comes), then kept by {@link #checkpoint}.
     */
    private long lastCheckpointSeq() {
        long seq = lastCheckpointSeq;
        if (seq < 0) {
            List<CheckpointInfo> all = checkpoints.list();
            seq = all.isEmpty() ? 0 : all.get(all.size() - 1).txnSeq();
            lastCheckpointSeq = seq;
        }
        return seq;
    }

    // ---- checkpoints ----------------------------------------------------------------------------

    /** Steps of {@link #checkpoint()}, reported to {@link WriterHooks#checkpointStep} (tests crash at each). */
    public enum CheckpointStep {
        /** The snapshot is pinned; nothing written yet. */
        PINNED,
        /** The chunks are in a closed ledger that nothing references yet. */
        WRITTEN,
        /** The ledger was read back and matched. */
        VERIFIED,
        /** The checkpoint is registered in ZooKeeper. */
        REGISTERED,
        /** WAL ledgers wholly before the oldest retained checkpoint are out of the ledger list. */
        WAL_TRIMMED,
        /** Their ledgers and the checkpoints beyond the retention count are deleted. */
        DONE
    }

    /**
     * Writes the current state as a checkpoint: pins a stable snapshot (writers continue), streams
     * it as compressed, checksummed chunks into a new ledger, reads it back to verify it, registers
     * it in ZooKeeper, then deletes WAL ledgers wholly before the oldest retained checkpoint and
     * checkpoints beyond {@code checkpointRetention}. A crash at any step leaves a store that
     * reopens to exactly its committed state. One checkpoint runs at a time.
     */
    @Override
    public CheckpointStatus checkpoint() {
        checkWritable();
        synchronized (checkpointLock) {
            checkpointInProgress = true;
            try {
                return checkpointLocked();
            } finally {
                checkpointInProgress = false;
            }
        }
    }

    private CheckpointStatus checkpointLocked() {
        long t0 = System.nanoTime();
        long bytesAtStart = committer.logicalBytes();
        CheckpointInfo cp;
        try (LocalIndex.Pin pin = index.pin()) {
            step(CheckpointStep.PINNED);
            Codec codec = cfg.codec() == CodecType.ZSTD_DICT ? committer.codec() : cfg.codec().newCodec(cfg.codecLevel(), null);
            WalEntry.Encoder enc = new WalEntry.Encoder(codec, cfg.minCompressBytes(), cfg.minCompressionSavings(),
                    ledgers.cipher());
            CheckpointInfo written = checkpoints.write(pin, claim.epoch(), cfg, enc);
            step(CheckpointStep.WRITTEN);
            try (CodecCache codecs = new CodecCache(dicts)) {
                long[] n = {0};
                checkpoints.read(written, codecs, (k, v, version, expireAt) -> n[0]++);
            } catch (RuntimeException e) {
                checkpoints.deleteQuietly(written.ledgerId());
                throw new LedgerKvException("store '" + name + "': checkpoint did not read back intact; not registered: "
                        + e.getMessage(), e);
            }
            step(CheckpointStep.VERIFIED);
            try {
                cp = checkpoints.register(claim, written);
            } catch (EpochChangedException e) {
                checkpoints.deleteQuietly(written.ledgerId());
                committer.fail(new StoreFencedException("store '" + name + "': " + e.getMessage()));
                throw committer.failure();
            }
            step(CheckpointStep.REGISTERED);
        }
        metrics.checkpointed(System.nanoTime() - t0, cp.storedBytes());
        lastCheckpointLogicalBytes = bytesAtStart;
        lastCheckpointNanos = System.nanoTime();
        lastCheckpointSeq = cp.txnSeq();
        collectGarbage();
        LOG.info("store '{}': checkpoint {} at {} ({} keys, {} chunks) in {} ms", name, cp.id(), cp.lsn(), cp.keyCount(),
                cp.chunks(), (System.nanoTime() - t0) / 1_000_000);
        return toStatus(cp);
    }

    private void step(CheckpointStep s) {
        hooks.checkpointStep(s);
    }

    /** Keeps {@code checkpointRetention} checkpoints and the WAL back to the oldest of them. */
    private void collectGarbage() {
        List<CheckpointInfo> all = checkpoints.list();
        if (all.isEmpty()) {
            return;
        }
        int keepFrom = Math.max(0, all.size() - cfg.checkpointRetention());
        CheckpointInfo oldestKept = all.get(keepFrom);
        List<LedgerRef> removed;
        try {
            removed = committer.trimLedgers(oldestKept.txnSeq()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            LOG.warn("store '{}': WAL not trimmed: {}", name, e.getCause().getMessage());
            return;
        }
        step(CheckpointStep.WAL_TRIMMED);
        for (LedgerRef r : removed) {
            checkpoints.deleteQuietly(r.ledgerId());
        }
        for (CheckpointInfo old : all.subList(0, keepFrom)) {
            try {
                checkpoints.delete(claim, old);
            } catch (EpochChangedException e) {
                committer.fail(new StoreFencedException("store '" + name + "': " + e.getMessage()));
                return;
            }
        }
        step(CheckpointStep.DONE);
    }

    @Override
    public List<CheckpointStatus> checkpoints() {
        return checkpoints.list().stream().map(BookKeeperStore::toStatus).toList();
    }

    static CheckpointStatus toStatus(CheckpointInfo c) {
        return new CheckpointStatus(c.id(), c.lsn(), c.txnSeq(), c.keyCount(), c.logicalBytes(), c.storedBytes(), c.chunks(),
                c.codec(), c.ledgerId(), c.epoch(), c.createdAtMillis());
    }

    // ---- standby ----------------------------------------------------------------------------------

    /** The standby's loop: read what the writer added, every standbyPollInterval. */
    private void tail() {
        long pause = cfg.standbyPollInterval().toNanos();
        while (!closed.get() && standbyThread == Thread.currentThread()) {
            if (!pollStandby()) {
                return;
            }
            LockSupport.parkNanos(pause);
        }
    }

    private final Object standbyLock = new Object();
    private final AtomicInteger standbyResyncs = new AtomicInteger();

    /** How often this standby had to reload from a checkpoint because the WAL it needed was trimmed. */
    public int standbyResyncs() {
        return standbyResyncs.get();
    }

    private final AtomicLong standbyPolls = new AtomicLong();

    /** How many catch-up rounds this standby has finished (its thread's and tests'): a test waits for the first. */
    long standbyPolls() {
        return standbyPolls.get();
    }

    /** One catch-up round of the standby; false if it must stop (a corrupt entry). */
    boolean pollStandby() {
        try {
            return pollStandbyOnce();
        } finally {
            standbyPolls.incrementAndGet();
        }
    }

    private boolean pollStandbyOnce() {
        synchronized (standbyLock) {
            if (closed.get()) {
                return false;
            }
            try {
                standbyReader.catchUp(meta.readLedgers().value(), LogReader.Mode.TAIL);
                standbyFailure = null;
            } catch (WalGapException e) {
                // The writer checkpointed and trimmed WAL this standby had not read yet: start again
                // from the newest checkpoint (readers keep the old index until the switch).
                resyncStandby(e);
            } catch (CorruptEntryException e) {
                standbyFailure = e; // stop: never apply past a bad entry
                LOG.error("store '{}': standby stopped at a corrupt entry: {}", name, e.getMessage());
                return false;
            } catch (RuntimeException e) {
                standbyFailure = e instanceof LedgerKvException l ? l : new LedgerKvException(e.toString(), e);
            }
            return true;
        }
    }

    private void resyncStandby(WalGapException cause) {
        LogReader fresh = null;
        try {
            fresh = fromNewestCheckpoint();
            if (fresh.index().lastSeq() <= index.lastSeq()) {
                throw cause; // no newer checkpoint covers the gap: the WAL really is missing transactions
            }
            fresh.catchUp(meta.readLedgers().value(), LogReader.Mode.TAIL);
        } catch (RuntimeException e) {
            if (fresh != null) {
                fresh.close();
            }
            standbyFailure = e instanceof LedgerKvException l ? l : new LedgerKvException(e.toString(), e);
            return;
        }
        LogReader old = standbyReader;
        standbyReader = fresh;
        index = fresh.index();
        old.close();
        standbyResyncs.incrementAndGet();
        LOG.info("store '{}': standby fell behind a checkpoint; reloaded from checkpoint {}", name, fresh.checkpoint().id());
    }

    /**
     * For a standby: how far it is behind, as the writer's position (the newest transaction the
     * standby knows the writer committed, from the stats the writer publishes and the entries the
     * standby has read) and the number of transactions not yet applied here.
     */
    @Override
    public StandbyLag lag() {
        if (role != Role.STANDBY) {
            throw new IllegalStateException("store '" + name + "' is not a standby");
        }
        long writerSeq = Math.max(meta.readStats().value().lastTxnSeq(), standbyReader.lastSeq());
        return new StandbyLag(index.lastLsn(), index.lastSeq(), writerSeq, Math.max(0, writerSeq - index.lastSeq()),
                standbyFailure == null ? null : standbyFailure.getMessage());
    }

    /**
     * Turns this standby into the writer: stops tailing, claims the epoch (fencing the current
     * writer), recovers and reads only what the standby had not applied yet, and starts
     * committing. This handle is closed; use the returned one.
     */
    @Override
    public BookKeeperStore promote() {
        if (role != Role.STANDBY) {
            throw new IllegalStateException("store '" + name + "' is not a standby");
        }
        Thread t = standbyThread;
        standbyThread = null;
        if (t != null) {
            t.interrupt();
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (standbyLock) {
            if (!closed.compareAndSet(false, true)) {
                throw new StoreClosedException("store '" + name + "' is closed");
            }
        }
        client.forget(this);
        probeAccess(name, ledgers, meta.readLedgers().value(), checkpoints);
        Opening opening = new Opening();
        opening.ledgers = ledgers;
        opening.first = createFirstLedger(name, cfg, ledgers, meta);
        try {
            return promoteWith(opening);
        } catch (RuntimeException e) {
            opening.abandon();
            throw e;
        }
    }

    private BookKeeperStore promoteWith(Opening opening) {
        EpochClaim newClaim = meta.claimEpoch();
        Versioned<LedgerList> list = meta.readLedgers();
        long start = System.nanoTime();
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
                reader = fromNewestCheckpoint();
                entriesBefore = 0;
                seqBefore = reader.checkpointTxnSeq();
                standbyResyncs.incrementAndGet();
                recovered = reader.catchUp(list.value(), LogReader.Mode.RECOVER);
            }
            checkNothingLost(name, reader.index().lastSeq(), meta.readStats().value());
        } finally {
            reader.close();
        }
        ReplayStats rs = new ReplayStats(list.value().ledgers().size(), reader.entries() - entriesBefore,
                reader.index().lastSeq(), reader.logicalBytes(), reader.storedBytes(), (System.nanoTime() - start) / 1_000_000,
                reader.entriesByCodec(), reader.checkpoint() != null && reader != standbyReader ? reader.checkpoint().id()
                : replayStats.checkpointId(), replayStats.checkpointFallbacks());
        metrics.close();
        StoreMetrics writerMetrics = metrics(client, name, cfg, Role.WRITER);
        writerMetrics.replayed(Duration.ofNanos(System.nanoTime() - start), rs.entries(), rs.transactions() - seqBefore);
        StoreStats published = meta.readStats().value();
        WriteLedger first = opening.first;
        opening.first = null;
        return client.track(startWriter(client, name, cfg, meta, ledgers, dicts, checkpoints, reader.index(), newClaim,
                new Versioned<>(recovered, list.version()), hooks, rs,
                new long[] {Math.max(published.logicalBytes(), reader.logicalBytes()),
                    Math.max(published.storedBytes(), reader.storedBytes())}, writerMetrics, first));
    }

    /** A reader positioned at the newest checkpoint that reads back intact (or at the start of the log). */
    private LogReader fromNewestCheckpoint() {
        LogReader fresh = new LogReader(name, ledgers, dicts, null, hooks);
        List<CheckpointInfo> newestFirst = new ArrayList<>(checkpoints.list());
        Collections.reverse(newestFirst);
        fresh.loadCheckpoint(checkpoints, newestFirst);
        return fresh;
    }

    /**
     * A writer's recovered log must reach every transaction the previous writer published as
     * applied (its stats): those were acknowledged. A recovery that ends before that has lost
     * acknowledged writes, and starting a writer on it would reuse their sequence numbers.
     */
    private static void checkNothingLost(String name, long recoveredSeq, StoreStats published) {
        if (recoveredSeq < published.lastTxnSeq()) {
            throw new CorruptEntryException(name, -1, -1, "the log recovers transactions up to " + recoveredSeq
                    + ", but the store's writer published " + published.lastTxnSeq() + " as applied; not opening a writer on it");
        }
    }

    /** What the replay on open read: ledgers, entries, transactions, bytes and time. */
    public ReplayStats replayStats() {
        return replayStats;
    }

    /** The writer epoch this handle holds (0 for read-only handles). */
    public long epoch() {
        return claim == null ? 0 : claim.epoch();
    }

    /** BookKeeper ledger currently written (-1 for read-only handles). */
    public long currentLedgerId() {
        return committer == null ? -1 : committer.currentLedgerId();
    }

    /** Number of times the writer moved to a new ledger. */
    public long ledgerRolls() {
        return committer == null ? 0 : committer.ledgerRolls();
    }

    /** Number of times the writer started moving to a new ledger (including a move still waiting for bookies). */
    public long rollAttempts() {
        return committer == null ? 0 : committer.rollAttempts();
    }

    /** The writer's failure (fenced, failed, closed), or null while it is healthy. */
    /**
     * What this writer has written so far: acknowledged WAL entries (this session), and the store's
     * lifetime WAL bytes before and after compression. For benchmarks and monitoring.
     */
    public record WriteStats(long entries, long logicalBytes, long storedBytes) {
    }

    public WriteStats writeStats() {
        return committer == null ? new WriteStats(0, 0, 0)
                : new WriteStats(committer.entriesWritten(), committer.logicalBytes(), committer.storedBytes());
    }

    public LedgerKvException writerFailure() {
        return committer == null ? null : committer.failure();
    }

    /** The codec new entries are written with (for ZSTD_DICT without a dictionary yet: ZSTD). */
    public Codec currentCodec() {
        return committer == null ? null : committer.codec();
    }

    /** Called by the client when its ZooKeeper session is lost: the writer can no longer be sure it is the writer. */
    void sessionLost() {
        failWriter(new StoreFencedException("store '" + name + "': ZooKeeper session lost; another writer may take over"));
    }

    /** Fails the writer (if this handle is one) with {@code error}; reads of applied state go on. */
    void failWriter(LedgerKvException error) {
        if (committer != null) {
            committer.fail(error);
        }
    }

    // ---- closing ----------------------------------------------------------------------------------

    @Override
    public void close() {
        standbyThread = null;
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (standbyReader != null) {
            standbyReader.close();
        }
        try {
            if (committer != null) {
                if (periodicTask != null) {
                    periodicTask.cancel(false);
                }
                boolean clean = committer.shutdown(client.config().operationTimeout());
                if (clean) {
                    try {
                        publishStats();
                    } catch (RuntimeException e) {
                        LOG.debug("store '{}': final stats not published: {}", name, e.toString());
                    }
                    meta.releaseOwner(claim);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("store '{}': error while closing: {}", name, e.toString());
        } finally {
            metrics.close();
            client.forget(this);
        }
    }

    /** Simulates a process crash for tests: no flush, no ledger close, no metadata update. */
    void crash() {
        standbyThread = null;
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closedReason = new StoreClosedException("store '" + name + "': writer crashed");
        if (periodicTask != null) {
            periodicTask.cancel(false);
        }
        if (committer != null) {
            committer.crash();
        }
        metrics.close();
    }

    @Override
    public String toString() {
        return "BookKeeperStore[" + client.config().namespace() + "/" + name + (claim == null ? ", " + role.name().toLowerCase(Locale.ROOT) : ", epoch " + claim.epoch()) + "]";
    }

    Duration operationTimeout() {
        return client.config().operationTimeout();
    }
}
