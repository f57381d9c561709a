package io.ledgerkv.meta;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ClusterUnavailableException;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;

/**
 * TLS to ZooKeeper for one client, without JVM-wide system properties: ZooKeeper's own client
 * settings ({@link ZKClientConfig}) with the Netty socket, {@code secure=true} and the client's
 * truststore (its password read from the password file by ZooKeeper). Curator takes this
 * configuration directly; BookKeeper's metadata client cannot, so ledgerkv hands BookKeeper a
 * ZooKeeper handle made here (see {@link #connect}).
 */
public final class ZkTls {
    private ZkTls() {
    }

    /** ZooKeeper client settings for {@code cc}: TLS with its truststore when {@code cc.zkTls()}, else null (plain). */
    public static ZKClientConfig clientConfig(ClientConfig cc) {
        if (!cc.zkTls()) {
            return null;
        }
        ZKClientConfig z = new ZKClientConfig();
        z.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNetty.class.getName());
        z.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        try (ClientX509Util x509 = new ClientX509Util()) {
            z.setProperty(x509.getSslTruststoreLocationProperty(), cc.tlsTrustStore().toString());
            z.setProperty(x509.getSslTruststorePasswdPathProperty(), cc.tlsTrustStorePasswordFile().toString());
            z.setProperty(x509.getSslTruststoreTypeProperty(), "PKCS12");
        }
        return z;
    }

    /** For "cannot reach ZooKeeper" messages: with TLS, the likely causes; empty without. */
    public static String hint(ClientConfig cc) {
        return !cc.zkTls() ? "" : " (connections to ZooKeeper use TLS, trusting " + cc.tlsTrustStore() + ": a server whose"
                + " certificate that truststore does not trust, or a port that does not speak TLS, cannot be reached)";
    }

    /**
     * A connected ZooKeeper handle over TLS for BookKeeper's metadata client. {@code onExpired} runs
     * if its session expires (the handle is then dead: BookKeeper does not replace a handle it was
     * given, so the stores of this client fail and the application reconnects).
     */
    public static ZooKeeper connect(ClientConfig cc, Runnable onExpired) {
        CountDownLatch connected = new CountDownLatch(1);
        Watcher watcher = (WatchedEvent e) -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            } else if (e.getState() == Watcher.Event.KeeperState.Expired) {
                onExpired.run();
            }
        };
        ZooKeeper zk;
        try {
            zk = new ZooKeeper(cc.connectString(), (int) cc.sessionTimeout().toMillis(), watcher, clientConfig(cc));
        } catch (IOException e) {
            throw new ClusterUnavailableException("cannot reach ZooKeeper at " + cc.connectString() + ": " + e + hint(cc), e);
        }
        try {
            if (!connected.await(cc.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                zk.close();
                throw new ClusterUnavailableException("BookKeeper's metadata client cannot reach ZooKeeper at " + cc.connectString()
                        + " within connectTimeout=" + cc.connectTimeout() + hint(cc));
            }
            return zk;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            try {
                zk.close();
            } catch (InterruptedException again) {
                Thread.currentThread().interrupt();
            }
            throw new ClusterUnavailableException("interrupted while connecting to " + cc.connectString(), e);
        }
    }
}
