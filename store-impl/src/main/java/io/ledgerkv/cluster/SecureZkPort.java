package io.ledgerkv.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.auth.ProviderRegistry;
import org.apache.zookeeper.server.auth.X509AuthenticationProvider;

/**
 * ZooKeeper's secure client port (TLS only) for an embedded server, next to its plain port.
 *
 * <p>ZooKeeper 3.9's Netty server reads its TLS settings from JVM system properties
 * ({@code zookeeper.ssl.keyStore.*}) on every new connection, and has no per-server way to set
 * them. So while a secure port is open those properties hold its keystore, and only one secure
 * port can be open per JVM; a second is refused. Plain ZooKeeper servers and plain clients in the
 * same JVM ignore the properties; ledgerkv's TLS clients set their own settings per client.
 * Client certificates are asked for only with mutual TLS ({@code clientAuth=need}).
 */
final class SecureZkPort implements AutoCloseable {
    private static final Object LOCK = new Object();
    private static SecureZkPort open;

    private final Map<String, String> previous = new LinkedHashMap<>();
    private final ServerCnxnFactory factory;

    private SecureZkPort(TlsMaterial tls, Path clientTrust, ZooKeeperServer zks, InetSocketAddress addr)
            throws IOException, InterruptedException {
        try (ClientX509Util x509 = new ClientX509Util()) {
            set(x509.getSslKeystoreLocationProperty(), tls.keyStore().toString());
            set(x509.getSslKeystorePasswdPathProperty(), tls.passwordFile().toString());
            set(x509.getSslKeystoreTypeProperty(), "PKCS12");
            if (clientTrust == null) {
                set(x509.getSslClientAuthProperty(), "none");
            } else {
                // Mutual TLS: a client must present a certificate in clientTrust. ZooKeeper checks it with
                // its x509 authentication provider, which reads these properties when it is created, so
                // it is (re)registered now.
                set(x509.getSslClientAuthProperty(), "need");
                set(x509.getSslTruststoreLocationProperty(), clientTrust.toString());
                set(x509.getSslTruststorePasswdPathProperty(), tls.passwordFile().toString());
                set(x509.getSslTruststoreTypeProperty(), "PKCS12");
                String provider = ProviderRegistry.AUTHPROVIDER_PROPERTY_PREFIX + "x509";
                set(provider, X509AuthenticationProvider.class.getName());
                ProviderRegistry.addOrUpdateProvider(provider);
            }
        }
        ServerCnxnFactory f = null;
        try {
            // The Netty factory's constructor is package-private; ServerCnxnFactory.createFactory would
            // pick it through yet another JVM-wide property.
            var ctor = Class.forName("org.apache.zookeeper.server.NettyServerCnxnFactory").getDeclaredConstructor();
            ctor.setAccessible(true);
            f = (ServerCnxnFactory) ctor.newInstance();
            f.configure(addr, 1000, -1, true);
            f.startup(zks, false);
            zks.setSecureServerCnxnFactory(f);
        } catch (ReflectiveOperationException e) {
            restore();
            throw new IOException("cannot create ZooKeeper's Netty server factory: " + e, e);
        } catch (IOException | RuntimeException e) {
            if (f != null) {
                f.shutdown();
            }
            restore();
            throw e;
        }
        this.factory = f;
    }

    /**
     * Opens the secure port on {@code addr} for {@code zks}, serving {@code tls}'s keystore; with
     * {@code clientTrust} (a truststore with {@code tls}'s password) clients must present a
     * certificate it trusts, else (null) none is asked for.
     */
    static SecureZkPort open(TlsMaterial tls, Path clientTrust, ZooKeeperServer zks, InetSocketAddress addr)
            throws IOException, InterruptedException {
        synchronized (LOCK) {
            if (open != null) {
                throw new IllegalStateException("another LocalCluster in this JVM already serves ZooKeeper over TLS; ZooKeeper"
                        + " reads its server TLS settings from JVM-wide system properties, so only one can at a time");
            }
            open = new SecureZkPort(tls, clientTrust, zks, addr);
            return open;
        }
    }

    private void set(String key, String value) {
        previous.put(key, System.getProperty(key));
        System.setProperty(key, value);
    }

    private void restore() {
        previous.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    @Override
    public void close() {
        synchronized (LOCK) {
            try {
                factory.shutdown();
            } finally {
                restore();
                open = null;
            }
        }
    }
}
