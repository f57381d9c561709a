package io.ledgerkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each network fault takes effect in the node's namespace and {@link NetNamespaces#healAll} leaves
 * nothing behind (no link down, no drop table, no route, no queueing discipline); closing removes
 * the namespaces and the bridge. Needs root and namespaces (skipped, and reported as skipped,
 * where the host has neither).
 */
class NetNamespacesTest {
    @Test
    void everyFaultTakesEffectAndHealsWithoutLeftovers() {
        assumeTrue(NetNamespaces.unavailableReason() == null, "network namespaces not available: " + NetNamespaces.unavailableReason());
        boolean nft = NetNamespaces.lossUnavailableReason() == null;
        String a;
        String ns;
        try (NetNamespaces net = NetNamespaces.create(null)) {
            a = net.add("a");
            net.add("b");
            ns = net.namespace("a");
            assertThat(a).startsWith("10.77.");
            assertThat(state(net, "a")).as("a fresh node has no fault").doesNotContain("state DOWN");

            net.isolate("a");
            assertThat(run("ip", "-n", ns, "link", "show", "eth0")).contains("state DOWN");
            net.cut("a", List.of("b"));
            assertThat(state(net, "a")).contains(nft ? "lkvcut" : "blackhole " + net.address("b"));
            if (nft) {
                net.lossy("a", 20);
                assertThat(state(net, "a")).contains("numgen random mod 100 < 20");
            }
            net.slow("a", 256);
            assertThat(run("ip", "netns", "exec", ns, "tc", "qdisc", "show", "dev", "eth0")).contains("tbf");
            assertThat(net.faulty()).isTrue();

            assertThat(net.healAll()).as("undo commands that failed").isEmpty();
            assertThat(net.faulty()).isFalse();
            String after = state(net, "a");
            assertThat(after).doesNotContain("state DOWN", "lkvcut", "lkvfault", "blackhole", "tbf");
        }
        assertThat(run("ip", "netns", "list")).doesNotContain(ns);
    }

    /** Link, routes, nftables rules and qdiscs of a node, as one text. */
    private static String state(NetNamespaces net, String node) {
        String ns = net.namespace(node);
        String nftRules = NetNamespaces.lossUnavailableReason() == null ? run("ip", "netns", "exec", ns, "nft", "list", "ruleset") : "";
        return run("ip", "-n", ns, "link", "show", "eth0") + run("ip", "-n", ns, "route", "show") + nftRules
                + run("ip", "netns", "exec", ns, "tc", "qdisc", "show", "dev", "eth0");
    }

    private static String run(String... cmd) {
        return NetNamespaces.run(List.of(cmd));
    }
}
