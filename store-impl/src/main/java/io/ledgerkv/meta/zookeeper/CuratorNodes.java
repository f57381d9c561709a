package io.ledgerkv.meta.zookeeper;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.meta.ZkException;
import io.ledgerkv.meta.ZkNodes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;

/**
 * {@link ZkNodes} through Curator: the only main class of the store that talks to ZooKeeper's
 * client libraries (besides {@link ZkClients}, which configures them). Curator retries an operation
 * after a lost connection, whether or not the server had applied it; callers keep that in mind.
 */
public final class CuratorNodes implements ZkNodes {
    private final CuratorFramework zk;
    private final List<Runnable> lostListeners = new CopyOnWriteArrayList<>();

    private CuratorNodes(CuratorFramework zk) {
        this.zk = zk;
        zk.getConnectionStateListenable().addListener((c, state) -> {
            if (state == ConnectionState.LOST) {
                for (Runnable r : lostListeners) {
                    r.run();
                }
            }
        });
    }

    /** Connects to the ensemble {@code config} names, with its TLS, SASL and digest settings. */
    public static CuratorNodes connect(ClientConfig config) {
        CuratorFrameworkFactory.Builder zb = CuratorFrameworkFactory.builder()
                .connectString(config.connectString())
                .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) config.connectTimeout().toMillis())
                .retryPolicy(new BoundedExponentialBackoffRetry(100, 2000, 5));
        ZKClientConfig zkSettings = ZkClients.clientConfig(config);
        if (zkSettings != null) {
            zb.zkClientConfig(zkSettings);
        }
        if (config.zkDigest() != null) {
            zb.authorization("digest", config.zkDigest().getBytes(StandardCharsets.UTF_8));
        }
        if (config.zkDigest() != null || config.zkSaslLoginContext() != null) {
            zb.aclProvider(new ZkAcls());
        }
        CuratorFramework zk = zb.build();
        zk.start();
        try {
            if (!zk.blockUntilConnected((int) config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ClusterUnavailableException("cannot reach ZooKeeper at " + config.connectString()
                        + " within connectTimeout=" + ConfigFile.format(config.connectTimeout()) + ZkClients.hint(config));
            }
            // A first round trip: a server that refuses this client's login says so here.
            zk.checkExists().forPath("/");
            return new CuratorNodes(zk);
        } catch (InterruptedException e) {
            zk.close();
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("interrupted while connecting to " + config.connectString(), e);
        } catch (RuntimeException e) {
            zk.close();
            throw e;
        } catch (KeeperException.AuthFailedException e) {
            zk.close();
            throw new AccessDeniedException("ZooKeeper at " + config.connectString() + " refused the "
                    + (config.zkSaslLoginContext() == null ? "authentication of this client"
                    : "SASL login of JAAS section '" + config.zkSaslLoginContext() + "'")
                    + " (wrong credentials, or a user the server does not know); nothing was changed", e);
        } catch (Exception e) {
            zk.close();
            throw new ClusterUnavailableException("cannot reach ZooKeeper at " + config.connectString() + ": " + e, e);
        }
    }

    /** This client's ZooKeeper session handle, for tests that expire it or read ACLs. */
    public ZooKeeper zooKeeper() throws Exception {
        return zk.getZookeeperClient().getZooKeeper();
    }

    /** {@link #zooKeeper()} of a client's nodes (tests; throws if they are not Curator's). */
    public static ZooKeeper zooKeeperOf(ZkNodes nodes) throws Exception {
        return ((CuratorNodes) nodes).zooKeeper();
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T call(Call<T> c) throws ZkException {
        try {
            return c.call();
        } catch (KeeperException e) {
            throw new ZkException(code(e.code()), e.getPath(), e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ZkException(ZkException.Code.INTERRUPTED, null, "interrupted during a ZooKeeper call", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ZkException(ZkException.Code.OTHER, null, e.toString(), e);
        }
    }

    static ZkException.Code code(KeeperException.Code c) {
        return switch (c) {
            case NONODE -> ZkException.Code.NO_NODE;
            case NODEEXISTS -> ZkException.Code.NODE_EXISTS;
            case BADVERSION -> ZkException.Code.BAD_VERSION;
            case NOTEMPTY -> ZkException.Code.NOT_EMPTY;
            case CONNECTIONLOSS -> ZkException.Code.CONNECTION_LOSS;
            case SESSIONEXPIRED -> ZkException.Code.SESSION_EXPIRED;
            case OPERATIONTIMEOUT -> ZkException.Code.OPERATION_TIMEOUT;
            case NOAUTH -> ZkException.Code.NO_AUTH;
            case AUTHFAILED -> ZkException.Code.AUTH_FAILED;
            default -> ZkException.Code.OTHER;
        };
    }

    private static CreateMode mode(Mode m) {
        return switch (m) {
            case PERSISTENT -> CreateMode.PERSISTENT;
            case PERSISTENT_SEQUENTIAL -> CreateMode.PERSISTENT_SEQUENTIAL;
            case EPHEMERAL -> CreateMode.EPHEMERAL;
        };
    }

    @Override
    public Node get(String path) throws ZkException {
        return call(() -> {
            Stat st = new Stat();
            byte[] data = zk.getData().storingStatIn(st).forPath(path);
            return new Node(data, st.getVersion());
        });
    }

    @Override
    public int exists(String path) throws ZkException {
        return call(() -> {
            Stat st = zk.checkExists().forPath(path);
            return st == null ? -1 : st.getVersion();
        });
    }

    @Override
    public List<String> children(String path) throws ZkException {
        return call(() -> zk.getChildren().forPath(path));
    }

    @Override
    public String create(String path, byte[] data, Mode mode, boolean parents) throws ZkException {
        return call(() -> parents ? zk.create().creatingParentsIfNeeded().withMode(mode(mode)).forPath(path, data)
                : zk.create().withMode(mode(mode)).forPath(path, data));
    }

    @Override
    public int set(String path, byte[] data, int version) throws ZkException {
        return call(() -> zk.setData().withVersion(version).forPath(path, data).getVersion());
    }

    @Override
    public void delete(String path, int version) throws ZkException {
        call(() -> zk.delete().withVersion(version).forPath(path));
    }

    @Override
    public void deleteTree(String path) throws ZkException {
        call(() -> zk.delete().deletingChildrenIfNeeded().forPath(path));
    }

    @Override
    public List<Result> multi(List<Op> ops) throws ZkException {
        return call(() -> {
            List<CuratorOp> cops = new ArrayList<>(ops.size());
            for (Op op : ops) {
                cops.add(toCurator(op));
            }
            List<Result> out = new ArrayList<>(ops.size());
            for (CuratorTransactionResult r : zk.transaction().forOperations(cops)) {
                out.add(new Result(r.getResultPath(), r.getResultStat() == null ? -1 : r.getResultStat().getVersion()));
            }
            return out;
        });
    }

    private CuratorOp toCurator(Op op) throws Exception {
        if (op instanceof Check c) {
            return zk.transactionOp().check().withVersion(c.version()).forPath(c.path());
        } else if (op instanceof Create c) {
            return zk.transactionOp().create().withMode(mode(c.mode())).forPath(c.path(), c.data());
        } else if (op instanceof SetData s) {
            return zk.transactionOp().setData().withVersion(s.version()).forPath(s.path(), s.data());
        }
        Delete d = (Delete) op;
        return zk.transactionOp().delete().withVersion(d.version()).forPath(d.path());
    }

    @Override
    public void onSessionLost(Runnable listener) {
        lostListeners.add(listener);
    }

    @Override
    public void close() {
        zk.close();
    }
}
