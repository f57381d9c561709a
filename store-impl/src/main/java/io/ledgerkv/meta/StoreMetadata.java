package io.ledgerkv.meta;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.StoreNotFoundException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads and writes one store's znodes through the {@link ZkNodes} door. Every update by the writer
 * is a multi-op that first checks the writer's {@link EpochClaim}, so a writer that has been
 * superseded cannot change anything: its update fails with {@link EpochChangedException}.
 */
public final class StoreMetadata {
    private final ZkNodes zk;
    private final ZkLayout paths;

    public StoreMetadata(ZkNodes zk, String namespace, String store) {
        this.zk = zk;
        this.paths = new ZkLayout(namespace, store);
    }

    public ZkLayout paths() {
        return paths;
    }

    public boolean exists() {
        return call(() -> zk.exists(paths.meta()) >= 0);
    }

    /** Creates every znode of the store in one multi-op; returns false if the store already existed. */
    public boolean createIfAbsent(StoreMeta meta) {
        return call(() -> {
            try {
                zk.create(ZkLayout.storesPath(paths.namespace()), new byte[0], ZkNodes.Mode.PERSISTENT, true);
            } catch (ZkException e) {
                if (e.code() != ZkException.Code.NODE_EXISTS) {
                    throw e;
                }
            }
            byte[] metaBytes = Json.write(meta);
            try {
                zk.multi(List.of(
                        create(paths.storePath(), new byte[0]),
                        create(paths.meta(), metaBytes),
                        create(paths.ledgers(), Json.write(LedgerList.EMPTY)),
                        create(paths.epoch(), Json.write(new WriterEpoch(0, "", 0))),
                        create(paths.checkpoints(), new byte[0]),
                        create(paths.dicts(), new byte[0]),
                        create(paths.stats(), Json.write(StoreStats.EMPTY))));
                return true;
            } catch (ZkException e) {
                if (e.code() == ZkException.Code.NODE_EXISTS) {
                    // The client resends a multi whose response was lost even when the server applied it;
                    // the resend then finds our own nodes. They are ours if the meta holds exactly what we
                    // wrote (creation time to the millisecond and the whole config). Without this a restore
                    // refused its own RESTORING store, leaving one that nothing may open.
                    return createdByUs(metaBytes);
                }
                throw e;
            }
        });
    }

    private boolean createdByUs(byte[] metaBytes) throws ZkException {
        try {
            return Arrays.equals(zk.get(paths.meta()).data(), metaBytes);
        } catch (ZkException e) {
            if (e.code() == ZkException.Code.NO_NODE) {
                return false; // someone else's store, deleted meanwhile
            }
            throw e;
        }
    }

    private static ZkNodes.Op create(String path, byte[] data) {
        return new ZkNodes.Create(path, data, ZkNodes.Mode.PERSISTENT);
    }

    public Versioned<StoreMeta> readMeta() {
        return read(paths.meta(), StoreMeta.class);
    }

    public Versioned<WriterEpoch> readEpoch() {
        return read(paths.epoch(), WriterEpoch.class);
    }

    public Versioned<LedgerList> readLedgers() {
        return read(paths.ledgers(), LedgerList.class);
    }

    public Versioned<StoreStats> readStats() {
        return read(paths.stats(), StoreStats.class);
    }

    /** The current owner, or null if no writer holds the store. */
    public OwnerInfo readOwner() {
        return call(() -> {
            try {
                return Json.read(zk.get(paths.owner()).data(), OwnerInfo.class, paths.owner());
            } catch (ZkException e) {
                if (e.code() == ZkException.Code.NO_NODE) {
                    return null;
                }
                throw e;
            }
        });
    }

    private <T> Versioned<T> read(String path, Class<T> type) {
        return call(() -> {
            try {
                ZkNodes.Node n = zk.get(path);
                return new Versioned<>(Json.read(n.data(), type, path), n.version());
            } catch (ZkException e) {
                if (e.code() == ZkException.Code.NO_NODE) {
                    throw new StoreNotFoundException(paths.namespace(), paths.store());
                }
                throw e;
            }
        });
    }

    /**
     * Becomes the writer: increments the epoch (compare-and-set on its version) and installs this
     * process as the ephemeral owner, in one multi-op. Retries when racing another opener.
     */
    public EpochClaim claimEpoch() {
        return call(() -> {
            ZkException last = null;
            for (int attempt = 0; attempt < 20; attempt++) {
                Versioned<WriterEpoch> cur = readEpoch();
                long next = cur.value().epoch() + 1;
                long now = System.currentTimeMillis();
                List<ZkNodes.Op> ops = new ArrayList<>();
                ops.add(new ZkNodes.SetData(paths.epoch(), Json.write(new WriterEpoch(next, describeProcess(), now)), cur.version()));
                int owner = zk.exists(paths.owner());
                if (owner >= 0) {
                    ops.add(new ZkNodes.Delete(paths.owner(), owner));
                }
                ops.add(new ZkNodes.Create(paths.owner(), Json.write(new OwnerInfo(next, host(), pid(), now)), ZkNodes.Mode.EPHEMERAL));
                try {
                    List<ZkNodes.Result> r = zk.multi(ops);
                    return new EpochClaim(next, r.get(0).version());
                } catch (ZkException e) {
                    if (e.code() != ZkException.Code.BAD_VERSION && e.code() != ZkException.Code.NO_NODE
                            && e.code() != ZkException.Code.NODE_EXISTS) {
                        throw e;
                    }
                    last = e; // another opener got in between; read again
                }
            }
            throw new MetadataException("could not claim the writer epoch of store '" + paths.store()
                    + "': other writers keep opening it concurrently", last);
        });
    }

    /** Replaces the ledger list if this writer still holds its epoch and the list is still at {@code expectedVersion}. */
    public int casLedgers(EpochClaim claim, LedgerList list, int expectedVersion) throws EpochChangedException {
        return guarded(claim, new ZkNodes.SetData(paths.ledgers(), Json.write(list), expectedVersion), "update the ledger list");
    }

    public void writeStats(EpochClaim claim, StoreStats stats) throws EpochChangedException {
        guarded(claim, new ZkNodes.SetData(paths.stats(), Json.write(stats), -1), "publish stats");
    }

    public void writeMeta(EpochClaim claim, StoreMeta meta) throws EpochChangedException {
        guarded(claim, new ZkNodes.SetData(paths.meta(), Json.write(meta), -1), "update store meta");
    }

    private int guarded(EpochClaim claim, ZkNodes.SetData op, String what) throws EpochChangedException {
        Object r = call(() -> {
            try {
                return zk.multi(List.of(new ZkNodes.Check(paths.epoch(), claim.zkVersion()), op)).get(1).version();
            } catch (ZkException e) {
                if (e.code() != ZkException.Code.BAD_VERSION && e.code() != ZkException.Code.NO_NODE) {
                    throw e;
                }
                Versioned<WriterEpoch> now = readEpoch();
                if (now.version() != claim.zkVersion()) {
                    return new EpochChangedException("cannot " + what + " of store '" + paths.store() + "': writer epoch is now "
                            + now.value().epoch() + " (" + now.value().owner() + "), this writer holds epoch " + claim.epoch());
                }
                // Our epoch still holds, so nobody else wrote here. Curator sends a request again after
                // a lost connection even when the server had applied it; the second attempt then meets
                // the version our first one made. If the znode holds what we wrote, it was ours.
                ZkNodes.Node target = zk.get(op.path());
                if (Arrays.equals(target.data(), op.data())) {
                    return target.version();
                }
                return new EpochChangedException("cannot " + what + " of store '" + paths.store()
                        + "': it was changed by someone else while this writer held epoch " + claim.epoch());
            }
        });
        if (r instanceof EpochChangedException e) {
            throw e;
        }
        return (Integer) r;
    }

    // ---- checkpoints and dictionaries: sequential children ------------------------------------------

    /** A child znode (a checkpoint's or a dictionary's registration): its name and data. */
    public record Child(String name, byte[] data) {
    }

    /** Registered checkpoints' znodes, in name (= registration) order. */
    public List<Child> checkpointNodes() {
        return children(paths.checkpoints());
    }

    /** Dictionaries' znodes, in name (= registration) order. */
    public List<Child> dictionaryNodes() {
        return children(paths.dicts());
    }

    private List<Child> children(String parent) {
        return call(() -> {
            List<String> names;
            try {
                names = new ArrayList<>(zk.children(parent));
            } catch (ZkException e) {
                if (e.code() == ZkException.Code.NO_NODE) {
                    return List.of();
                }
                throw e;
            }
            names.sort(null);
            List<Child> out = new ArrayList<>(names.size());
            for (String n : names) {
                try {
                    out.add(new Child(n, zk.get(parent + "/" + n).data()));
                } catch (ZkException e) {
                    if (e.code() != ZkException.Code.NO_NODE) {
                        throw e; // one deleted between the listing and the read is simply gone
                    }
                }
            }
            return out;
        });
    }

    /** One dictionary's znode, or null if there is none of that name. */
    public Child dictionaryNode(String name) {
        return call(() -> {
            try {
                return new Child(name, zk.get(paths.dicts() + "/" + name).data());
            } catch (ZkException e) {
                if (e.code() == ZkException.Code.NO_NODE) {
                    return null;
                }
                throw e;
            }
        });
    }

    /**
     * Registers a checkpoint as the sequential znode {@code checkpoints/<prefix>N} if {@code claim}
     * still holds the epoch; returns the name created.
     */
    public String registerCheckpoint(EpochClaim claim, String prefix, byte[] data) throws EpochChangedException {
        Object r = call(() -> {
            try {
                List<ZkNodes.Result> res = zk.multi(List.of(new ZkNodes.Check(paths.epoch(), claim.zkVersion()),
                        new ZkNodes.Create(paths.checkpoints() + "/" + prefix, data, ZkNodes.Mode.PERSISTENT_SEQUENTIAL)));
                String created = res.get(1).path();
                return created.substring(created.lastIndexOf('/') + 1);
            } catch (ZkException e) {
                if (e.code() == ZkException.Code.BAD_VERSION || e.code() == ZkException.Code.NO_NODE) {
                    return new EpochChangedException("cannot register a checkpoint of store '" + paths.store()
                            + "': another writer holds the store now (this writer held epoch " + claim.epoch() + ")");
                }
                throw e;
            }
        });
        if (r instanceof EpochChangedException e) {
            throw e;
        }
        return (String) r;
    }

    /** Unregisters a checkpoint if {@code claim} still holds the epoch; one that is gone already counts as removed. */
    public void deleteCheckpoint(EpochClaim claim, String name) throws EpochChangedException {
        Object r = call(() -> {
            try {
                zk.multi(List.of(new ZkNodes.Check(paths.epoch(), claim.zkVersion()),
                        new ZkNodes.Delete(paths.checkpoints() + "/" + name, -1)));
                return null;
            } catch (ZkException e) {
                if (e.code() == ZkException.Code.BAD_VERSION) {
                    return new EpochChangedException("cannot delete checkpoint " + name + " of store '" + paths.store()
                            + "': another writer holds the store now");
                }
                if (e.code() == ZkException.Code.NO_NODE) {
                    return null; // already gone
                }
                throw e;
            }
        });
        if (r instanceof EpochChangedException e) {
            throw e;
        }
    }

    /** Registers a dictionary as the sequential znode {@code dicts/<prefix>N}; returns the name created. */
    public String registerDictionary(String prefix, byte[] data) {
        return call(() -> {
            String created = zk.create(paths.dicts() + "/" + prefix, data, ZkNodes.Mode.PERSISTENT_SEQUENTIAL, true);
            return created.substring(created.lastIndexOf('/') + 1);
        });
    }

    /**
     * Removes a store that its creator never wrote: no ledger registered (the list never updated),
     * no checkpoint, no dictionary, and the epoch still at {@code epochVersion} (the version the
     * failed opener claimed, or 0 if it never got that far). For an open that created the store and
     * then failed: a store that never opened must not exist. Returns false, touching nothing, if
     * anyone wrote to it or claimed it meanwhile.
     */
    public boolean dropIfUnused(int epochVersion) {
        return call(() -> {
            List<ZkNodes.Op> ops = new ArrayList<>();
            ops.add(new ZkNodes.Check(paths.epoch(), epochVersion));
            ops.add(new ZkNodes.Check(paths.ledgers(), 0));
            if (zk.exists(paths.owner()) >= 0) {
                ops.add(new ZkNodes.Delete(paths.owner(), -1));
            }
            for (String p : List.of(paths.meta(), paths.ledgers(), paths.epoch(), paths.checkpoints(), paths.dicts(), paths.stats(),
                    paths.storePath())) {
                ops.add(new ZkNodes.Delete(p, -1)); // checkpoints/ and dicts/ fail NOT_EMPTY if anything was registered
            }
            try {
                zk.multi(ops);
                return true;
            } catch (ZkException e) {
                if (e.code() == ZkException.Code.BAD_VERSION || e.code() == ZkException.Code.NO_NODE
                        || e.code() == ZkException.Code.NOT_EMPTY) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Removes every znode of the store. */
    public void deleteAll() {
        call(() -> {
            try {
                zk.deleteTree(paths.storePath());
            } catch (ZkException e) {
                if (e.code() != ZkException.Code.NO_NODE) {
                    throw e;
                }
            }
            return null;
        });
    }

    /** Removes the owner znode if it is still ours. */
    public void releaseOwner(EpochClaim claim) {
        call(() -> {
            try {
                ZkNodes.Node n = zk.get(paths.owner());
                OwnerInfo o = Json.read(n.data(), OwnerInfo.class, paths.owner());
                if (o.epoch() == claim.epoch()) {
                    // A writer claiming between our read and this delete recreates the owner znode, at
                    // version 0 again: only the epoch's version tells that it happened.
                    zk.multi(List.of(new ZkNodes.Check(paths.epoch(), claim.zkVersion()),
                            new ZkNodes.Delete(paths.owner(), n.version())));
                }
            } catch (ZkException e) {
                if (e.code() != ZkException.Code.NO_NODE && e.code() != ZkException.Code.BAD_VERSION) {
                    throw e; // else gone already, or taken over
                }
            }
            return null;
        });
    }

    public static List<String> listStores(ZkNodes zk, String namespace) {
        return call(() -> {
            try {
                List<String> names = new ArrayList<>(zk.children(ZkLayout.storesPath(namespace)));
                names.sort(null);
                return names;
            } catch (ZkException e) {
                if (e.code() == ZkException.Code.NO_NODE) {
                    return List.of();
                }
                throw e;
            }
        });
    }

    /**
     * Every namespace under the chroot that holds stores, with its stores, sorted. A namespace this
     * client's identity may not list (another service's) is left out rather than failing the call.
     */
    public static SortedMap<String, List<String>> storesByNamespace(ZkNodes zk) {
        SortedMap<String, List<String>> out = new TreeMap<>();
        List<String> namespaces;
        try {
            namespaces = call(() -> {
                try {
                    return zk.children(ZkLayout.ROOT);
                } catch (ZkException e) {
                    if (e.code() == ZkException.Code.NO_NODE) {
                        return List.of();
                    }
                    throw e;
                }
            });
        } catch (AccessDeniedException e) {
            return out;
        }
        for (String ns : namespaces) {
            try {
                List<String> stores = listStores(zk, ns);
                if (!stores.isEmpty()) {
                    out.put(ns, stores);
                }
            } catch (AccessDeniedException e) {
                // another identity's namespace: not ours to list
            }
        }
        return out;
    }

    static String describeProcess() {
        return host() + "/" + pid();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }

    private static long pid() {
        try {
            return ProcessHandle.current().pid();
        } catch (UnsupportedOperationException e) {
            return Long.parseLong(ManagementFactory.getRuntimeMXBean().getName().split("@")[0]);
        }
    }

    @FunctionalInterface
    interface ZkCall<T> {
        T call() throws ZkException;
    }

    /** ZooKeeper's "not authenticated" refusal, as the error a caller can act on. */
    static AccessDeniedException accessDenied(ZkException e) {
        return new AccessDeniedException("ZooKeeper refused access to " + (e.path() == null ? "a store's metadata"
                : e.path()) + ": this client's identity (ClientConfig.zkDigest or zkSaslLoginContext) is not the one the namespace belongs to; nothing "
                + "was changed", e);
    }

    /** Runs a ZooKeeper call, turning connection problems into {@link ClusterUnavailableException}. */
    static <T> T call(ZkCall<T> c) {
        try {
            return c.call();
        } catch (ZkException e) {
            switch (e.code()) {
                case CONNECTION_LOSS, SESSION_EXPIRED, OPERATION_TIMEOUT ->
                        throw new ClusterUnavailableException("ZooKeeper unavailable: " + e.getMessage(), e);
                case NO_AUTH -> throw accessDenied(e);
                case INTERRUPTED -> {
                    Thread.currentThread().interrupt();
                    throw new MetadataException("interrupted during a ZooKeeper call", e);
                }
                default -> throw new MetadataException("ZooKeeper call failed: " + e.getMessage(), e);
            }
        }
    }
}
