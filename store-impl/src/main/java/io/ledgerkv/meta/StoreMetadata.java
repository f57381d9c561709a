package io.ledgerkv.meta;

import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.StoreNotFoundException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads and writes one store's znodes. Every update by the writer is a ZooKeeper multi-op that
 * first checks the writer's {@link EpochClaim}, so a writer that has been superseded cannot change
 * anything: its update fails with {@link EpochChangedException}.
 */
public final class StoreMetadata {
    private final CuratorFramework zk;
    private final ZkLayout paths;

    public StoreMetadata(CuratorFramework zk, String namespace, String store) {
        this.zk = zk;
        this.paths = new ZkLayout(namespace, store);
    }

    public ZkLayout paths() {
        return paths;
    }

    public CuratorFramework zk() {
        return zk;
    }

    public boolean exists() {
        return call(() -> zk.checkExists().forPath(paths.meta()) != null);
    }

    /** Creates every znode of the store in one multi-op; returns false if the store already existed. */
    public boolean createIfAbsent(StoreMeta meta) {
        return call(() -> {
            try {
                zk.create().creatingParentsIfNeeded().forPath(ZkLayout.storesPath(paths.namespace()));
            } catch (KeeperException.NodeExistsException e) {
                // namespace already there
            }
            try {
                zk.transaction().forOperations(
                        zk.transactionOp().create().forPath(paths.storePath()),
                        zk.transactionOp().create().forPath(paths.meta(), Json.write(meta)),
                        zk.transactionOp().create().forPath(paths.ledgers(), Json.write(LedgerList.EMPTY)),
                        zk.transactionOp().create().forPath(paths.epoch(), Json.write(new WriterEpoch(0, "", 0))),
                        zk.transactionOp().create().forPath(paths.checkpoints()),
                        zk.transactionOp().create().forPath(paths.dicts()),
                        zk.transactionOp().create().forPath(paths.stats(), Json.write(StoreStats.EMPTY)));
                return true;
            } catch (KeeperException.NodeExistsException e) {
                return false;
            }
        });
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
                return Json.read(zk.getData().forPath(paths.owner()), OwnerInfo.class, paths.owner());
            } catch (KeeperException.NoNodeException e) {
                return null;
            }
        });
    }

    private <T> Versioned<T> read(String path, Class<T> type) {
        return call(() -> {
            Stat st = new Stat();
            try {
                byte[] data = zk.getData().storingStatIn(st).forPath(path);
                return new Versioned<>(Json.read(data, type, path), st.getVersion());
            } catch (KeeperException.NoNodeException e) {
                throw new StoreNotFoundException(paths.namespace(), paths.store());
            }
        });
    }

    /**
     * Becomes the writer: increments the epoch (compare-and-set on its version) and installs this
     * process as the ephemeral owner, in one multi-op. Retries when racing another opener.
     */
    public EpochClaim claimEpoch() {
        return call(() -> {
            KeeperException last = null;
            for (int attempt = 0; attempt < 20; attempt++) {
                Versioned<WriterEpoch> cur = readEpoch();
                long next = cur.value().epoch() + 1;
                long now = System.currentTimeMillis();
                List<CuratorOp> ops = new ArrayList<>();
                ops.add(zk.transactionOp().setData().withVersion(cur.version())
                        .forPath(paths.epoch(), Json.write(new WriterEpoch(next, describeProcess(), now))));
                Stat owner = zk.checkExists().forPath(paths.owner());
                if (owner != null) {
                    ops.add(zk.transactionOp().delete().withVersion(owner.getVersion()).forPath(paths.owner()));
                }
                ops.add(zk.transactionOp().create().withMode(CreateMode.EPHEMERAL)
                        .forPath(paths.owner(), Json.write(new OwnerInfo(next, host(), pid(), now))));
                try {
                    List<CuratorTransactionResult> r = zk.transaction().forOperations(ops);
                    return new EpochClaim(next, r.get(0).getResultStat().getVersion());
                } catch (KeeperException.BadVersionException | KeeperException.NoNodeException
                         | KeeperException.NodeExistsException e) {
                    last = e; // another opener got in between; read again
                }
            }
            throw new MetadataException("could not claim the writer epoch of store '" + paths.store()
                    + "': other writers keep opening it concurrently", last);
        });
    }

    /** Replaces the ledger list if this writer still holds its epoch and the list is still at {@code expectedVersion}. */
    public int casLedgers(EpochClaim claim, LedgerList list, int expectedVersion) throws EpochChangedException {
        return guarded(claim, () -> zk.transactionOp().setData().withVersion(expectedVersion)
                .forPath(paths.ledgers(), Json.write(list)), "update the ledger list");
    }

    public void writeStats(EpochClaim claim, StoreStats stats) throws EpochChangedException {
        guarded(claim, () -> zk.transactionOp().setData().forPath(paths.stats(), Json.write(stats)), "publish stats");
    }

    public void writeMeta(EpochClaim claim, StoreMeta meta) throws EpochChangedException {
        guarded(claim, () -> zk.transactionOp().setData().forPath(paths.meta(), Json.write(meta)), "update store meta");
    }

    private int guarded(EpochClaim claim, ZkCall<CuratorOp> op, String what) throws EpochChangedException {
        Object r = call(() -> {
            try {
                List<CuratorTransactionResult> res = zk.transaction().forOperations(
                        zk.transactionOp().check().withVersion(claim.zkVersion()).forPath(paths.epoch()), op.call());
                return res.get(1).getResultStat().getVersion();
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
                Versioned<WriterEpoch> now = readEpoch();
                if (now.version() != claim.zkVersion()) {
                    return new EpochChangedException("cannot " + what + " of store '" + paths.store() + "': writer epoch is now "
                            + now.value().epoch() + " (" + now.value().owner() + "), this writer holds epoch " + claim.epoch());
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

    /** Removes every znode of the store. */
    public void deleteAll() {
        call(() -> {
            try {
                zk.delete().deletingChildrenIfNeeded().forPath(paths.storePath());
            } catch (KeeperException.NoNodeException e) {
                // gone already
            }
            return null;
        });
    }

    /** Removes the owner znode if it is still ours. */
    public void releaseOwner(EpochClaim claim) {
        call(() -> {
            try {
                Stat st = new Stat();
                OwnerInfo o = Json.read(zk.getData().storingStatIn(st).forPath(paths.owner()), OwnerInfo.class, paths.owner());
                if (o.epoch() == claim.epoch()) {
                    zk.delete().withVersion(st.getVersion()).forPath(paths.owner());
                }
            } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
                // gone already, or taken over
            }
            return null;
        });
    }

    public static List<String> listStores(CuratorFramework zk, String namespace) {
        return call(() -> {
            try {
                List<String> names = new ArrayList<>(zk.getChildren().forPath(ZkLayout.storesPath(namespace)));
                names.sort(null);
                return names;
            } catch (KeeperException.NoNodeException e) {
                return List.of();
            }
        });
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
        T call() throws Exception;
    }

    /** ZooKeeper's "not authenticated" refusal, as the error a caller can act on. */
    static io.ledgerkv.api.AccessDeniedException accessDenied(KeeperException e) {
        return new io.ledgerkv.api.AccessDeniedException("ZooKeeper refused access to " + (e.getPath() == null ? "a store's metadata"
                : e.getPath()) + ": this client's identity (ClientConfig.zkDigest or zkSaslLoginContext) is not the one the namespace belongs to; nothing "
                + "was changed", e);
    }

    /** Runs a ZooKeeper call, turning connection problems into {@link ClusterUnavailableException}. */
    static <T> T call(ZkCall<T> c) {
        try {
            return c.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
                 | KeeperException.OperationTimeoutException e) {
            throw new ClusterUnavailableException("ZooKeeper unavailable: " + e.getMessage(), e);
        } catch (KeeperException.NoAuthException e) {
            throw accessDenied(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetadataException("interrupted during a ZooKeeper call", e);
        } catch (Exception e) {
            throw new MetadataException("ZooKeeper call failed: " + e, e);
        }
    }
}
