package io.ledgerkv.cli;

import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.StoreNotFoundException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * Where else to look when the chosen namespace does not have what was asked for. The CLI's default
 * namespace is {@code default} and the Samza adapter's is {@code samza}; neither can change without
 * hiding existing stores from their users, so the CLI says where stores are and which flag finds them.
 */
final class OtherNamespaces {
    private OtherNamespaces() {
    }

    /** For a store not in {@code namespace}: the namespaces that have it, else stores elsewhere whose names contain it; or "". */
    static String forMissingStore(SortedMap<String, List<String>> all, String namespace, String store) {
        List<String> having = all.entrySet().stream().filter(e -> !e.getKey().equals(namespace) && e.getValue().contains(store))
                .map(Map.Entry::getKey).toList();
        if (having.size() == 1) {
            return "; store '" + store + "' is in namespace '" + having.get(0) + "': add -n " + having.get(0);
        }
        if (having.size() > 1) {
            return "; store '" + store + "' is in namespaces " + quoted(having) + ": add -n <namespace>";
        }
        String lower = store.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, List<String>> e : all.entrySet()) {
            List<String> like = e.getValue().stream().filter(s -> s.toLowerCase(Locale.ROOT).contains(lower)).limit(5).toList();
            if (!e.getKey().equals(namespace) && !like.isEmpty()) {
                return "; namespace '" + e.getKey() + "' has stores named like it (" + String.join(", ", like)
                        + (like.size() == 5 ? ", ..." : "") + "): add -n " + e.getKey() + " --store <name>";
            }
        }
        return "";
    }

    /** For a namespace without stores: which namespaces have some, and the flag. */
    static String forEmptyNamespace(SortedMap<String, List<String>> all, String namespace) {
        Map<String, List<String>> others = all.entrySet().stream().filter(e -> !e.getKey().equals(namespace))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        if (others.isEmpty()) {
            return "no stores in namespace '" + namespace + "' (nor in any other namespace of this cluster)";
        }
        String list = others.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue().size() + " store"
                + (e.getValue().size() == 1 ? "" : "s") + ")").collect(Collectors.joining(", "));
        String first = others.keySet().iterator().next();
        return "no stores in namespace '" + namespace + "'; stores are in namespace" + (others.size() == 1 ? " " : "s ") + list
                + ": add -n " + (others.size() == 1 ? first : "<namespace>, e.g. -n " + first)
                + (others.containsKey("samza") ? " (Samza jobs use namespace samza unless they set namespace)" : "");
    }

    /**
     * The hint for a command that failed because a store is not in its namespace; "" for any other
     * failure, or if the cluster cannot be asked (the error itself is what matters).
     */
    static String hint(Throwable failure, CommandLine cmd) {
        StoreNotFoundException missing = null;
        for (Throwable c = failure; c != null && missing == null; c = c.getCause()) {
            if (c instanceof StoreNotFoundException s && s.store() != null) {
                missing = s;
            }
        }
        if (missing == null) {
            return "";
        }
        ConnectionOptions conn = cmd.getCommandSpec().mixins().values().stream().map(m -> m.userObject())
                .filter(ConnectionOptions.class::isInstance).map(ConnectionOptions.class::cast).findFirst().orElse(null);
        if (conn == null) {
            return "";
        }
        try (LedgerKv kv = LedgerKv.connect(conn.clientConfig())) {
            return forMissingStore(kv.storesByNamespace(), missing.namespace(), missing.store());
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }
}
