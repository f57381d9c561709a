package io.ledgerkv.store;

import io.ledgerkv.api.CorruptEntryException;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvSnapshot;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.LimitExceededException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.ReadOnlyStoreException;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.api.Txn;
import io.ledgerkv.codec.Codec;
import io.ledgerkv.codec.CodecCache;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.codec.Dictionary;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.index.MvccIndex;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.meta.EpochChangedException;
import io.ledgerkv.meta.EpochClaim;
import io.ledgerkv.meta.LedgerList;
import io.ledgerkv.meta.LedgerRef;
import io.ledgerkv.meta.StoreMeta;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.meta.StoreStats;
import io.ledgerkv.meta.Versioned;
import io.ledgerkv.txn.Committer;
import io.ledgerkv.txn.TxnHost;
import io.ledgerkv.txn.TxnImpl;
import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import io.ledgerkv.wal.WalEntry;
import io.ledgerkv.wal.WalFormatException;
import io.ledgerkv.wal.WalReplayer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.bookkeeper.client.BKException;
import org.apache.bookkeeper.client.LedgerHandle;
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
public final class BookKeeperStore implements KvStore, TxnHost {
    private static final Logger LOG = LoggerFactory.getLogger(BookKeeperStore.class);

    private final DefaultLedgerKv client;
    private final String name;
    private final StoreConfig cfg;
    private final boolean readOnly;
    private final StoreMetadata meta;
    private final WalLedgers ledgers;
    private final MvccIndex index;
    private final EpochClaim claim;
    private final Committer committer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile LedgerKvException closedReason;
    private final ScheduledFuture<?> statsTask;
    private volatile StoreStats lastPublished;
    private final ReplayStats replayStats;

    /** What the open-time replay read; {@code entriesByCodec} counts entries per codec (RAW ones under "RAW"). */
    public record ReplayStats(int ledgers, long entries, long transactions, long logicalBytes, long storedBytes, long millis,
                              Map<String, Long> entriesByCodec) {
    }

    private BookKeeperStore(DefaultLedgerKv client, String name, StoreConfig cfg, boolean readOnly, StoreMetadata meta,
                            WalLedgers ledgers, MvccIndex index, EpochClaim claim, Committer committer,
                            ReplayStats replayStats) {
        this.client = client;
        this.name = name;
        this.cfg = cfg;
        this.readOnly = readOnly;
        this.meta = meta;
        this.ledgers = ledgers;
        this.index = index;
        this.claim = claim;
        this.committer = committer;
        this.replayStats = replayStats;
        if (committer != null) {
            long ms = cfg.statsInterval().toMillis();
            this.statsTask = client.scheduler().scheduleWithFixedDelay(this::publishStatsQuietly, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            this.statsTask = null;
        }
    }

    static BookKeeperStore open(DefaultLedgerKv client, String name, StoreConfig cfg, boolean readOnly, WriterHooks hooks) {
        String ns = client.config().namespace();
        StoreMetadata meta = new StoreMetadata(client.zk(), ns, name);
        if (readOnly) {
            if (!meta.exists()) {
                throw new io.ledgerkv.api.StoreNotFoundException(ns, name);
            }
        } else {
            meta.createIfAbsent(StoreMeta.of(cfg, System.currentTimeMillis()));
        }
        WalLedgers ledgers = new WalLedgers(client.bookKeeper(), ns, name, cfg.ledgerPassword());
        if (!readOnly) {
            // Check the password before claiming the epoch: an opener that cannot read the WAL
            // must not fence the writer that can.
            probeAccess(name, ledgers, meta.readLedgers().value());
        }
        EpochClaim claim = readOnly ? null : meta.claimEpoch();
        Versioned<LedgerList> list = meta.readLedgers();
        MvccIndex index = new MvccIndex();
        StoreDictionaries dicts = new StoreDictionaries(meta, ledgers, name);
        long start = System.nanoTime();
        Recovery rec = new Recovery(name, ledgers, index, readOnly, hooks, dicts);
        LedgerList recovered;
        try {
            recovered = rec.replayAll(list.value());
        } finally {
            rec.codecs.close();
        }
        ReplayStats rs = new ReplayStats(list.value().ledgers().size(), rec.replayer.entries(), index.lastSeq(),
                rec.logicalBytes, rec.storedBytes, (System.nanoTime() - start) / 1_000_000, Map.copyOf(rec.byCodec));
        if (readOnly) {
            return new BookKeeperStore(client, name, cfg, true, meta, ledgers, index, null, null, rs);
        }
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
        Committer committer = new Committer(name, cfg, codec, ledgers, meta, claim, new Versioned<>(recovered, list.version()),
                index, client.completions(), hooks, autoTrainer, client.config().operationTimeout(), rec.logicalBytes,
                rec.storedBytes);
        if (autoTrainer != null) {
            autoTrainer.attach(committer);
        }
        committer.start();
        BookKeeperStore store = new BookKeeperStore(client, name, cfg, false, meta, ledgers, index, claim, committer, rs);
        store.publishStatsQuietly();
        return store;
    }

    private static void probeAccess(String name, WalLedgers ledgers, LedgerList list) {
        LedgerRef last = list.last();
        if (last == null) {
            return;
        }
        try {
            WalLedgers.closeQuietly(ledgers.openNoRecovery(last.ledgerId()));
        } catch (BKException.BKNoSuchLedgerExistsException | BKException.BKNoSuchLedgerExistsOnMetadataServerException e) {
            // reported with context during replay
        } catch (BKException e) {
            throw ledgers.failure("opening ledger " + last.ledgerId(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerKvException("interrupted while opening store '" + name + "'", e);
        }
    }

    /** Reads the WAL of every ledger in the list into the index, recovering (fencing) OPEN ledgers when writing. */
    private static final class Recovery {
        final String store;
        final WalLedgers ledgers;
        final LocalIndex index;
        final boolean readOnly;
        final WalReplayer replayer;
        final CodecCache codecs;
        final Map<String, Long> byCodec = new java.util.TreeMap<>();
        long logicalBytes;
        long storedBytes;

        Recovery(String store, WalLedgers ledgers, LocalIndex index, boolean readOnly, WriterHooks hooks,
                 CodecCache.DictionaryLoader dictionaries) {
            this.store = store;
            this.ledgers = ledgers;
            this.index = index;
            this.readOnly = readOnly;
            this.codecs = new CodecCache(dictionaries);
            this.replayer = new WalReplayer(store, index.lastSeq(), (seq, lsn, time, ops) -> index.apply(seq, lsn, ops));
        }

        LedgerList replayAll(LedgerList list) {
            LedgerList out = list;
            for (LedgerRef ref : list.ledgers()) {
                LedgerHandle lh = null;
                try {
                    long last;
                    if (ref.state() == LedgerRef.State.CLOSED) {
                        lh = ledgers.openNoRecovery(ref.ledgerId());
                        last = lh.getLastAddConfirmed();
                    } else if (!readOnly) {
                        lh = ledgers.openRecover(ref.ledgerId()); // fences the previous writer
                        last = lh.getLastAddConfirmed();
                    } else {
                        lh = ledgers.openNoRecovery(ref.ledgerId());
                        last = lh.isClosed() ? lh.getLastAddConfirmed() : lh.readLastConfirmed();
                    }
                    final long ledgerId = ref.ledgerId();
                    WalLedgers.read(lh, 0, last, (entryId, data) -> {
                        WalEntry e;
                        try {
                            e = WalEntry.decode(data, WalEntry.CodecSource.of(codecs));
                        } catch (WalFormatException ex) {
                            throw new CorruptEntryException(store, ledgerId, entryId, ex.getMessage(), ex);
                        }
                        logicalBytes += e.payload().length;
                        storedBytes += data.length;
                        byCodec.merge(e.isRaw() ? "RAW" : e.codec().name(), 1L, Long::sum);
                        replayer.accept(ref.seq(), ledgerId, entryId, e);
                    });
                    if (ref.state() == LedgerRef.State.OPEN && !readOnly) {
                        out = out.replace(ref.closed(last, replayer.lastSeq()));
                    }
                } catch (BKException.BKLedgerFencedException e) {
                    throw new StoreFencedException("store '" + store + "': another writer recovered ledger "
                            + ref.ledgerId() + " while this one was opening", e);
                } catch (BKException e) {
                    throw ledgers.failure("reading ledger " + ref.ledgerId() + " (seq " + ref.seq() + ")", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LedgerKvException("interrupted while replaying store '" + store + "'", e);
                } finally {
                    WalLedgers.closeQuietly(lh);
                }
            }
            return out;
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
    public long maxTxnBytes() {
        return cfg.maxTxnBytes();
    }

    @Override
    public void checkWritable() {
        if (readOnly) {
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
        byte[] record = TxnRecord.encode(ops);
        if (record.length > cfg.maxTxnBytes()) {
            throw new LimitExceededException("transaction (" + ops.size() + " operations)", "maxTxnBytes",
                    record.length, cfg.maxTxnBytes());
        }
        return committer.enqueue(ops, record);
    }

    // ---- KvStore ----------------------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
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
        if (readOnly) {
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
    public LedgerKvException writerFailure() {
        return committer == null ? null : committer.failure();
    }

    /** The codec new entries are written with (for ZSTD_DICT without a dictionary yet: ZSTD). */
    public Codec currentCodec() {
        return committer == null ? null : committer.codec();
    }

    /** Called by the client when its ZooKeeper session is lost: the writer can no longer be sure it is the writer. */
    void sessionLost() {
        if (committer != null) {
            committer.fail(new StoreFencedException("store '" + name + "': ZooKeeper session lost; another writer may take over"));
        }
    }

    // ---- closing ----------------------------------------------------------------------------------

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (committer != null) {
                if (statsTask != null) {
                    statsTask.cancel(false);
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
            client.forget(this);
        }
    }

    /** Simulates a process crash for tests: no flush, no ledger close, no metadata update. */
    void crash() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closedReason = new StoreClosedException("store '" + name + "': writer crashed");
        if (statsTask != null) {
            statsTask.cancel(false);
        }
        if (committer != null) {
            committer.crash();
        }
    }

    @Override
    public String toString() {
        return "BookKeeperStore[" + client.config().namespace() + "/" + name + (readOnly ? ", read-only" : ", epoch " + claim.epoch()) + "]";
    }

    Duration operationTimeout() {
        return client.config().operationTimeout();
    }
}
