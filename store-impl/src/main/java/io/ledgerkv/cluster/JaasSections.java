package io.ledgerkv.cluster;

import java.util.HashMap;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * JAAS login sections registered in code, for ZooKeeper's DIGEST-MD5 SASL in an embedded cluster
 * and its test clients (a production client names a section of the JAAS file given with
 * {@code -Djava.security.auth.login.config}). JAAS configuration is JVM-wide: the first
 * registration installs a configuration that answers the sections registered here and asks the
 * JVM's previous configuration for every other name.
 */
public final class JaasSections {
    private static final String DIGEST_LOGIN = "org.apache.zookeeper.server.auth.DigestLoginModule";
    private static final Map<String, AppConfigurationEntry[]> SECTIONS = new HashMap<>();
    private static boolean installed;

    private JaasSections() {
    }

    /** A client section: log in to ZooKeeper as {@code user} with {@code password} (DIGEST-MD5). */
    public static void registerClient(String section, String user, String password) {
        register(section, Map.of("username", user, "password", password));
    }

    /** The server section ZooKeeper reads when it starts: the users it accepts and their passwords. */
    static void registerServer(String section, Map<String, String> users) {
        Map<String, String> options = new HashMap<>();
        users.forEach((u, p) -> options.put("user_" + u, p));
        register(section, options);
    }

    private static synchronized void register(String section, Map<String, String> options) {
        if (!installed) {
            Configuration previous;
            try {
                previous = Configuration.getConfiguration();
            } catch (SecurityException e) {
                previous = null; // the JVM has no JAAS configuration of its own
            }
            Configuration.setConfiguration(new Delegating(previous));
            installed = true;
        }
        SECTIONS.put(section, new AppConfigurationEntry[] {
            new AppConfigurationEntry(DIGEST_LOGIN, AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.copyOf(options))});
    }

    /** Forgets a section registered here. */
    public static synchronized void remove(String section) {
        SECTIONS.remove(section);
    }

    private static synchronized AppConfigurationEntry[] lookup(String section) {
        return SECTIONS.get(section);
    }

    private static final class Delegating extends Configuration {
        private final Configuration previous;

        Delegating(Configuration previous) {
            this.previous = previous;
        }

        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            AppConfigurationEntry[] mine = lookup(name);
            if (mine != null || previous == null) {
                return mine;
            }
            return previous.getAppConfigurationEntry(name);
        }

        @Override
        public void refresh() {
            if (previous != null) {
                previous.refresh();
            }
        }
    }
}
