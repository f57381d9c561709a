package io.ledgerkv.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.BackupSummary;
import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.DictionaryStatus;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.Progress;
import io.ledgerkv.api.StoreClosedException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFailedException;
import io.ledgerkv.api.StoreNotFoundException;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.checkpoint.BackupFile;
import io.ledgerkv.codec.Dictionary;
import io.ledgerkv.codec.DictionaryTrainer;
import io.ledgerkv.index.LocalIndex;
import io.ledgerkv.log.LedgerLog;
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.TlsFiles;
import io.ledgerkv.log.WalLedgers;
import io.ledgerkv.log.bookkeeper.BookKeeperLog;
import io.ledgerkv.meta.DictionaryInfo;
import io.ledgerkv.meta.Json;
import io.ledgerkv.meta.LedgerRef;
import io.ledgerkv.meta.OwnerInfo;
import io.ledgerkv.meta.StoreMetadata;
import io.ledgerkv.meta.StoreStats;
import io.ledgerkv.meta.Versioned;
import io.ledgerkv.meta.WriterEpoch;
import io.ledgerkv.meta.ZkException;
import io.ledgerkv.meta.ZkNodes;
import io.ledgerkv.meta.zookeeper.CuratorNodes;
import io.ledgerkv.txn.WriterHooks;
import io.ledgerkv.wal.EntryCipher;
import io.ledgerkv.wal.Mutation;
import io.ledgerkv.wal.TxnRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The {@link LedgerKv} implementation: the store's two doors, {@link ZkNodes} (the ZooKeeper session
 * writers are fenced on) and {@link LedgerLog} (BookKeeper), and the stores opened through them.
 */
public final class DefaultLedgerKv implements LedgerKv {
    private static final Pattern STORE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,127}");

    private final ClientConfig config;
    private final ZkNodes zk;
    private final LedgerLog log;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService completions;
    private final Set<BookKeeperStore> stores = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private DefaultLedgerKv(ClientConfig config, ZkNodes zk, LedgerLog log) {
        this.config = config;
        this.zk = zk;
        this.log = log;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("ledgerkv-stats"));
        this.completions = Executors.newCachedThreadPool(daemon("ledgerkv-completions"));
        zk.onSessionLost(() -> {
            for (BookKeeperStore s : stores) {
                s.sessionLost();
            }
        });
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** See {@link LedgerKv#connect(ClientConfig)}. */
    public static DefaultLedgerKv connect(ClientConfig config) {
        if (config == null) {
            throw new InvalidConfigException("config", "must not be null");
        }
        // Before anything connects: TLS files that cannot be used are a configuration error, not an unreachable cluster.
        TlsFiles.checkTls(config);
        CuratorNodes zk = CuratorNodes.connect(config);
        AtomicReference<DefaultLedgerKv> self = new AtomicReference<>();
        LedgerLog log;
        try {
            checkLedgersRoot(config, zk);
            log = BookKeeperLog.connect(config, () -> {
                DefaultLedgerKv k = self.get();
                if (k != null) {
                    k.metadataSessionExpired();
                }
            });
        } catch (RuntimeException e) {
            zk.close();
            throw e;
        }
        DefaultLedgerKv kv = new DefaultLedgerKv(config, zk, log);
        self.set(kv);
        return kv;
    }

    /**
     * A client over the given doors, for the simulation tests: {@code zk} and {@code log} keep the
     * real systems' semantics (see {@link ZkNodes} and {@link LedgerLog}); the client owns and closes
     * them.
     */
    public static DefaultLedgerKv over(ClientConfig config, ZkNodes zk, LedgerLog log) {
        checkLedgersRoot(config, zk);
        return new DefaultLedgerKv(config, zk, log);
    }

    private static void checkLedgersRoot(ClientConfig config, ZkNodes zk) {
        int root;
        try {
            root = zk.exists(config.ledgersRootPath());
        } catch (ZkException e) {
            throw new ClusterUnavailableException("cannot reach ZooKeeper at " + config.connectString() + ": " + e.getMessage(), e);
        }
        if (root < 0) {
            throw new ClusterUnavailableException("ZooKeeper at " + config.connectString() + " has no BookKeeper metadata at "
                    + config.ledgersRootPath() + " (is this the right cluster, and is BookKeeper formatted?)");
        }
    }

    /**
     * BookKeeper's TLS ZooKeeper handle lost its session: it cannot be replaced under BookKeeper, so
     * no writer of this client can create or close a ledger any more. Writers fail now with what to
     * do; reads of applied state go on.
     */
    private void metadataSessionExpired() {
        for (BookKeeperStore s : stores) {
            // StoreFailedException, not ClusterUnavailableException: a commit in flight when the writer
            // stops may already be on the bookies, so its outcome is indeterminate (see StoreFailedException).
            s.failWriter(new StoreFailedException("the ZooKeeper session of this client's BookKeeper metadata handle"
                    + " expired; close this LedgerKv client and connect again (a commit that failed with this may or may"
                    + " not be in the store: read it after reconnecting)", null));
        }
    }

    private static void checkName(String store) {
        if (store == null || !STORE_NAME.matcher(store).matches()) {
            throw new IllegalArgumentException("store name must be 1-128 characters of [A-Za-z0-9._-] starting with a "
                    + "letter or digit, got '" + store + "'");
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new StoreClosedException("this LedgerKv client is closed");
        }
    }

    @Override
    public KvStore open(String store, StoreConfig cfg) {
        return open(store, cfg, WriterHooks.NONE);
    }

    /** Opens for writing with hooks into the write path; for tests and fault injection. */
    public BookKeeperStore open(String store, StoreConfig cfg, WriterHooks hooks) {
        checkOpen();
        checkName(store);
        if (cfg == null) {
            throw new InvalidConfigException("config", "must not be null");
        }
        return track(StoreOpener.open(this, store, cfg, BookKeeperStore.Role.WRITER, AsOf.latest(), hooks));
    }

    @Override
    public KvStore openReadOnly(String store, StoreConfig cfg) {
        return openReadOnly(store, cfg, AsOf.latest());
    }

    @Override
    public BookKeeperStore openReadOnly(String store, StoreConfig cfg, AsOf asOf) {
        checkOpen();
        checkName(store);
        if (cfg == null) {
            throw new InvalidConfigException("config", "must not be null");
        }
        if (asOf == null) {
            throw new NullPointerException("asOf must not be null (use AsOf.latest())");
        }
        return track(StoreOpener.open(this, store, cfg, BookKeeperStore.Role.READER, asOf, WriterHooks.NONE));
    }

    @Override
    public BookKeeperStore openStandby(String store, StoreConfig cfg) {
        return openStandby(store, cfg, WriterHooks.NONE);
    }

    /** A standby whose promotion uses {@code hooks}; for tests and fault injection. */
    public BookKeeperStore openStandby(String store, StoreConfig cfg, WriterHooks hooks) {
        checkOpen();
        checkName(store);
        if (cfg == null) {
            throw new InvalidConfigException("config", "must not be null");
        }
        return track(StoreOpener.open(this, store, cfg, BookKeeperStore.Role.STANDBY, AsOf.latest(), hooks));
    }

    BookKeeperStore track(BookKeeperStore s) {
        stores.add(s);
        return s;
    }

    void forget(BookKeeperStore s) {
        stores.remove(s);
    }

    @Override
    public void deleteStore(String store, StoreConfig cfg) {
        checkOpen();
        checkName(store);
        StoreMetadata md = new StoreMetadata(zk, config.namespace(), store);
        if (!md.exists()) {
            throw new StoreNotFoundException(config.namespace(), store);
        }
        WalLedgers wl = new WalLedgers(log, config.namespace(), store, cfg.ledgerPassword(), cfg.encryption());
        // BookKeeper deletes a ledger without asking for its password: check the password and keys
        // first, as an open does, so that a caller who could not read the store cannot delete it.
        StoreOpener.probeAccess(store, wl, md.readLedgers().value(), new CheckpointStore(md, wl, store),
                "the store was not deleted");
        md.claimEpoch(); // fences the writer at the next metadata update
        List<Long> owned = new ArrayList<>();
        for (LedgerRef r : md.readLedgers().value().ledgers()) {
            owned.add(r.ledgerId());
        }
        CheckpointStore cps = new CheckpointStore(md, wl, store);
        for (var cp : cps.list()) {
            owned.add(cp.ledgerId());
        }
        for (DictionaryInfo d : new StoreDictionaries(md, wl, store).list()) {
            owned.add(d.ledgerId());
        }
        for (long id : owned) {
            try {
                wl.openRecover(id).close(); // fence before deleting: a live writer's adds fail
            } catch (LogException e) {
                // deleted below anyway
            }
            cps.deleteQuietly(id);
        }
        md.deleteAll();
    }

    @Override
    public BackupSummary backup(String store, StoreConfig cfg, AsOf asOf, Path file, Progress progress) {
        checkOpen();
        checkName(store);
        try (BookKeeperStore s = StoreOpener.open(this, store, cfg, BookKeeperStore.Role.READER, asOf, WriterHooks.NONE);
             LocalIndex.Pin pin = s.pinForExport()) {
            Map<String, Object> meta = Json.MAPPER.convertValue(new StoreMetadata(zk, config.namespace(), store).readMeta().value(),
                    new TypeReference<Map<String, Object>>() { });
            BackupFile.Manifest m = BackupFile.write(file, pin.scanVersioned(false), s.keyCount(), config.namespace(),
                    store, meta, pin.lsn().toString(), pin.seq(), s.epoch(), cfg.checkpointChunkBytes(), pin.now(),
                    EntryCipher.forStore(cfg.encryption(), config.namespace(), store), progress);
            return new BackupSummary(store, m.lsn(), m.txnSeq(), m.keyCount(), m.chunks().size(), Files.size(file), file);
        } catch (IOException e) {
            throw new LedgerKvException("cannot write backup file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public BackupSummary restore(Path file, String store, StoreConfig cfg, boolean force, Progress progress) {
        checkOpen();
        checkName(store);
        return new StoreRestorer(this).restore(file, store, cfg, force, progress);
    }

    /** Point-in-time copy: {@code source} as of {@code asOf} becomes a new store {@code target} on this cluster. */
    public BackupSummary copyStore(String source, AsOf asOf, String target, StoreConfig cfg) {
        checkOpen();
        checkName(source);
        checkName(target); // before the source is read, not after
        Path tmp = null;
        try {
            tmp = Files.createTempFile("ledgerkv-copy-", ".lkvbak");
            backup(source, cfg, asOf, tmp, Progress.NONE);
            return restore(tmp, target, cfg, false, Progress.NONE);
        } catch (IOException e) {
            throw new LedgerKvException("cannot stage a copy of '" + source + "': " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // temporary file
                }
            }
        }
    }

    @Override
    public boolean exists(String store) {
        checkOpen();
        checkName(store);
        return new StoreMetadata(zk, config.namespace(), store).exists();
    }

    @Override
    public List<String> listStores() {
        checkOpen();
        return StoreMetadata.listStores(zk, config.namespace());
    }

    @Override
    public SortedMap<String, List<String>> storesByNamespace() {
        checkOpen();
        return StoreMetadata.storesByNamespace(zk);
    }

    @Override
    public StoreStatus status(String store) {
        checkOpen();
        checkName(store);
        StoreMetadata md = new StoreMetadata(zk, config.namespace(), store);
        if (!md.exists()) {
            throw new StoreNotFoundException(config.namespace(), store);
        }
        @SuppressWarnings("unchecked") // Jackson turns an object into a LinkedHashMap of strings to values
        Map<String, Object> meta = Json.MAPPER.convertValue(md.readMeta().value(), LinkedHashMap.class);
        Versioned<WriterEpoch> epoch = md.readEpoch();
        OwnerInfo owner = md.readOwner();
        StoreStats st = md.readStats().value();
        LedgerLog.Bookies bookies;
        try {
            bookies = log.bookies();
        } catch (LogException e) {
            throw new ClusterUnavailableException("cannot list bookies: " + e.getMessage(), e);
        }
        List<String> up = bookies.writable();
        List<String> ro = bookies.readOnly();
        List<StoreStatus.LedgerStatus> ls = new ArrayList<>();
        for (LedgerRef r : md.readLedgers().value().ledgers()) {
            List<StoreStatus.Fragment> frags = new ArrayList<>();
            long last = r.lastEntryId();
            long length = -1;
            String state = r.state().name();
            try {
                LedgerLog.LedgerInfo lm = log.info(r.ledgerId());
                for (Map.Entry<Long, List<String>> e : lm.ensembles().entrySet()) {
                    List<String> down = new ArrayList<>();
                    for (String b : e.getValue()) {
                        if (!up.contains(b) && !ro.contains(b)) {
                            down.add(b);
                        }
                    }
                    frags.add(new StoreStatus.Fragment(e.getKey(), List.copyOf(e.getValue()), down));
                }
                if (lm.closed()) {
                    last = lm.lastEntryId();
                    length = lm.length();
                }
            } catch (LogException e) {
                state = state + " (metadata unreadable: " + rootCause(e) + ")";
            }
            ls.add(new StoreStatus.LedgerStatus(r.seq(), r.ledgerId(), r.epoch(), state, last, length, frags));
        }
        List<DictionaryStatus> dicts = new ArrayList<>();
        for (DictionaryInfo d : new StoreDictionaries(md, null, store).list()) {
            dicts.add(toStatus(d));
        }
        return new StoreStatus(config.namespace(), store, meta, epoch.value().epoch(),
                owner == null ? null : owner.host() + " pid " + owner.pid() + " (epoch " + owner.epoch() + ")",
                ls, new StoreStatus.Stats(st.keyCount(), st.logicalBytes(), st.storedBytes(), st.lastLsn(),
                st.lastTxnSeq(), st.updatedAtMillis()), up, ro, dicts,
                new CheckpointStore(md, null, store).list().stream().map(Checkpointer::toStatus).toList());
    }

    private static DictionaryStatus toStatus(DictionaryInfo d) {
        return new DictionaryStatus(d.id(), d.bytes(), d.samples(), d.sampleBytes(), d.ledgerId(), d.createdAtMillis());
    }

    @Override
    public DictionaryStatus trainDictionary(String store, StoreConfig cfg) {
        checkOpen();
        checkName(store);
        try (BookKeeperStore s = StoreOpener.open(this, store, cfg, BookKeeperStore.Role.READER, AsOf.latest(),
                WriterHooks.NONE)) {
            DictionaryTrainer trainer = new DictionaryTrainer(cfg.dictSizeBytes(), cfg.dictSampleBytes());
            double p = Math.min(1.0, cfg.dictSampleBytes() / (double) Math.max(1, s.liveBytes()));
            SplittableRandom random = new SplittableRandom(store.hashCode());
            try (KvIterator it = s.all()) {
                while (it.hasNext() && !trainer.isFull()) {
                    KvEntry e = it.next();
                    if (random.nextDouble() < p) {
                        trainer.add(TxnRecord.encode(List.of(new Mutation(e.key(), e.value()))));
                    }
                }
            }
            byte[] bytes = trainer.train();
            StoreMetadata md = new StoreMetadata(zk, config.namespace(), store);
            StoreDictionaries dicts = new StoreDictionaries(md, new WalLedgers(log, config.namespace(), store, cfg.ledgerPassword(), cfg.encryption()), store);
            Dictionary d = dicts.register(bytes, trainer.samples(), trainer.sampleBytes(), cfg);
            return dicts.list().stream().filter(i -> i.id() == d.id()).map(DefaultLedgerKv::toStatus).findFirst().orElseThrow();
        }
    }

    private static String rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    @Override
    public ClientConfig config() {
        return config;
    }

    /** This client's door to ZooKeeper (tests reach the session through it). */
    public ZkNodes nodes() {
        return zk;
    }

    /** This client's door to BookKeeper. */
    public LedgerLog log() {
        return log;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    ExecutorService completions() {
        return completions;
    }

    /** Stores currently open through this client. */
    public Collection<BookKeeperStore> openStores() {
        return List.copyOf(stores);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (BookKeeperStore s : List.copyOf(stores)) {
            s.close();
        }
        shutdownClients();
    }

    /**
     * Simulates the death of this process, for tests and fault injection: every store stops at
     * once without flushing, closing its ledger or touching ZooKeeper, and both clients are torn
     * down (the ZooKeeper session closes, so the ephemeral owner znode disappears).
     */
    public void crash() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (BookKeeperStore s : List.copyOf(stores)) {
            s.crash();
        }
        stores.clear();
        // A dead process does not wait for its clients to wind down; BookKeeper's close can take
        // seconds while its executors drain.
        Thread t = new Thread(this::shutdownClients, "ledgerkv-crash-teardown");
        t.setDaemon(true);
        t.start();
    }

    private void shutdownClients() {
        scheduler.shutdownNow();
        try {
            log.close();
        } catch (RuntimeException e) {
            // closing anyway
        } finally {
            zk.close();
            completions.shutdown();
        }
    }
}
