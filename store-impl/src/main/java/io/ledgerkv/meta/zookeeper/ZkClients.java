package io.ledgerkv.meta.zookeeper;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.api.InvalidConfigException;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;

/**
 * A client's own ZooKeeper settings, without JVM-wide system properties: ZooKeeper's client
 * configuration ({@link ZKClientConfig}) per client.
 * <ul>
 *   <li>TLS ({@code ClientConfig.zkTls}): the Netty socket, {@code secure=true} and the client's
 *       truststore (its password read from the password file by ZooKeeper).
 *   <li>SASL ({@code ClientConfig.zkSaslLoginContext}): the JAAS login section this client logs in
 *       with (the JAAS configuration itself is the JVM's, as everywhere in Java: a file named by
 *       {@code -Djava.security.auth.login.config} or one installed by the application).
 * </ul>
 * Curator takes this configuration directly; BookKeeper's metadata client cannot, so with TLS
 * ledgerkv hands BookKeeper a ZooKeeper handle made here (see {@link #connect}).
 */
public final class ZkClients {
    private ZkClients() {
    }

    /** ZooKeeper client settings for {@code cc}, or null when it needs none (plain, no SASL). */
    public static ZKClientConfig clientConfig(ClientConfig cc) {
        if (!cc.zkTls() && cc.zkSaslLoginContext() == null) {
            return null;
        }
        ZKClientConfig z = new ZKClientConfig();
        if (cc.zkTls()) {
            z.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNetty.class.getName());
            z.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
            try (ClientX509Util x509 = new ClientX509Util()) {
                z.setProperty(x509.getSslTruststoreLocationProperty(), cc.tlsTrustStore().toString());
                z.setProperty(x509.getSslTruststorePasswdPathProperty(), cc.tlsTrustStorePasswordFile().toString());
                z.setProperty(x509.getSslTruststoreTypeProperty(), "PKCS12");
                // Only this client's own certificate, never a keystore from JVM-wide zookeeper.ssl.* properties
                // (ZKClientConfig starts from them; an embedded TLS ZooKeeper sets its server keystore there).
                z.setProperty(x509.getSslKeystoreLocationProperty(), cc.tlsKeyStore() == null ? "" : cc.tlsKeyStore().toString());
                z.setProperty(x509.getSslKeystorePasswdPathProperty(),
                        cc.tlsKeyStorePasswordFile() == null ? "" : cc.tlsKeyStorePasswordFile().toString());
                z.setProperty(x509.getSslKeystorePasswdProperty(), "");
                z.setProperty(x509.getSslKeystoreTypeProperty(), "PKCS12");
            }
        }
        if (cc.zkSaslLoginContext() != null) {
            AppConfigurationEntry[] login = checkLoginContext(cc.zkSaslLoginContext());
            z.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
            z.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, cc.zkSaslLoginContext());
            // ZooKeeper 3.9 runs clients in "FIPS mode" unless told otherwise, and then silently skips
            // DIGEST-MD5 (not FIPS-approved) and fails the login. A section that logs in with
            // ZooKeeper's DigestLoginModule asks for DIGEST-MD5, so this client turns FIPS mode off for
            // itself, unless the JVM sets zookeeper.fips-mode explicitly.
            String fips = "zookeeper.fips-mode";
            if (System.getProperty(fips) == null && Arrays.stream(login)
                    .anyMatch(e -> e.getLoginModuleName().equals("org.apache.zookeeper.server.auth.DigestLoginModule"))) {
                z.setProperty(fips, "false");
            }
        }
        return z;
    }

    /** Refuses a JAAS login section the JVM's JAAS configuration does not have, naming where it looked. */
    static AppConfigurationEntry[] checkLoginContext(String name) {
        AppConfigurationEntry[] entries;
        String file = System.getProperty("java.security.auth.login.config");
        String source = "the JAAS configuration (" + (file == null ? "no -Djava.security.auth.login.config given"
                : "java.security.auth.login.config=" + file) + ")";
        try {
            entries = Configuration.getConfiguration().getAppConfigurationEntry(name);
        } catch (SecurityException | IllegalArgumentException e) {
            throw new InvalidConfigException("zkSaslLoginContext", "cannot read " + source + ": " + e.getMessage());
        }
        if (entries == null || entries.length == 0) {
            throw new InvalidConfigException("zkSaslLoginContext", source + " has no login section '" + name + "'");
        }
        return entries;
    }

    /** For "cannot reach ZooKeeper" messages: with TLS, the likely causes; empty without. */
    public static String hint(ClientConfig cc) {
        return !cc.zkTls() ? "" : " (connections to ZooKeeper use TLS, trusting " + cc.tlsTrustStore()
                + (cc.tlsKeyStore() == null ? ", with no client certificate" : ", presenting the client certificate in " + cc.tlsKeyStore())
                + ": a server whose certificate that truststore does not trust, a server that requires a client certificate and"
                + " does not trust this client's, or a port that does not speak TLS, cannot be reached)";
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
                        + " within connectTimeout=" + ConfigFile.format(cc.connectTimeout()) + hint(cc));
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
