package io.ledgerkv.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private network for a {@link MultiProcessCluster}: each node (a ZooKeeper server, a bookie, a writer)
 * gets a Linux network namespace of its own, joined by a veth pair to one bridge in the host's
 * namespace, with an address in a /24 of {@code 10.77.0.0/16} that only this network uses. The host
 * (the orchestrator, a standby) reaches every node through the bridge. Faults act on one node's
 * link: {@link #isolate} (link down: no packet in or out), {@link #cut} (no packet between two
 * nodes, both ways; the rest of the network is untouched), {@link #lossy} (nftables drops a random
 * share of packets), {@link #slow} (a token bucket on both ends of the link: queueing delay) and
 * {@link #delayReorder} (netem, where the kernel has it). {@link #healAll} undoes every fault and
 * {@link #close} removes the namespaces (and so their veths) and the bridge.
 *
 * <p>Needs root and iproute2 ({@link #unavailableReason}); loss needs the {@code nft} tool and
 * delay/reorder the kernel's {@code sch_netem}: each says why when it is missing. Namespaces left by
 * an orchestrator that died (SIGKILL) are removed by the next one: the owner's pid is recorded under
 * {@code /tmp/ledgerkv-netns/}.
 *
 * <p>With {@link #resolveNodeNames}, nodes find each other by name as containers on a compose network
 * do: every namespace gets {@code /etc/netns/<namespace>/hosts} naming all nodes (which
 * {@code ip netns exec} mounts over {@code /etc/hosts}) and every command run in it the node's name as
 * its host name (a UTS namespace of its own).
 */
public final class NetNamespaces implements AutoCloseable {
    private static final Path OWNERS = Path.of(System.getProperty("java.io.tmpdir"), "ledgerkv-netns");
    /** Where {@code ip netns exec} looks for a namespace's own /etc files. */
    private static final Path ETC_NETNS = Path.of("/etc/netns");
    private static final long COMMAND_TIMEOUT_SECONDS = 20;

    private final int subnet;
    private final String prefix;
    private final String bridge;
    private final Map<String, Integer> nodes = new LinkedHashMap<>();
    /** Undo commands of faults in effect, by node. */
    private final Map<String, List<List<String>>> undo = new LinkedHashMap<>();
    private boolean namesResolve;
    private boolean closed;

    private NetNamespaces(int subnet) {
        this.subnet = subnet;
        this.prefix = "lk" + subnet;
        this.bridge = prefix + "br";
    }

    /** Why namespaces cannot be used on this host, or null if they can. */
    public static String unavailableReason() {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return "network namespaces need Linux (this is " + System.getProperty("os.name") + ")";
        }
        try {
            if (!"0".equals(run(List.of("id", "-u")).trim())) {
                return "network namespaces need root (ip netns, veth, bridge)";
            }
            String probe = "lkprobe" + ProcessHandle.current().pid();
            run(List.of("ip", "netns", "add", probe));
            run(List.of("ip", "netns", "del", probe));
            return null;
        } catch (RuntimeException e) {
            return "network namespaces are not usable here: " + e.getMessage();
        }
    }

    /** Why packet loss cannot be injected (no {@code nft} tool), or null. */
    public static String lossUnavailableReason() {
        String why = nftMissing;
        if (why == null) {
            try {
                run(List.of("nft", "--version"));
                why = "";
            } catch (RuntimeException e) {
                why = "packet loss needs nftables' nft tool (apt-get install nftables): " + e.getMessage();
            }
            nftMissing = why;
        }
        return why.isEmpty() ? null : why;
    }

    /** "" when nft works, else why not; null before the first look. */
    private static volatile String nftMissing;

    /** Why delay and reordering cannot be injected (the kernel lacks {@code sch_netem}), or null. */
    public static String netemUnavailableReason() {
        String probe = "lkprobe" + ProcessHandle.current().pid();
        try {
            run(List.of("ip", "netns", "add", probe));
            run(List.of("ip", "netns", "exec", probe, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"));
            return null;
        } catch (RuntimeException e) {
            return "delay and reordering need tc netem, which this kernel lacks (CONFIG_NET_SCH_NETEM): " + e.getMessage();
        } finally {
            try {
                run(List.of("ip", "netns", "del", probe));
            } catch (RuntimeException ignored) {
                // never created
            }
        }
    }

    /**
     * Creates the bridge of a new network; removes the leftovers of dead owners first. The subnet
     * is remembered in {@code remember} (when not null) and taken again by the next network created
     * with the same file if it is free: a cluster restarted on its data keeps its addresses, which
     * its bookies' cookies hold.
     */
    public static NetNamespaces create(Path remember) {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        removeOrphans();
        String links = run(List.of("ip", "-o", "link", "show"));
        List<Integer> candidates = new ArrayList<>();
        try {
            if (remember != null && Files.exists(remember)) {
                candidates.add(Integer.parseInt(Files.readString(remember).trim()));
            }
        } catch (IOException | NumberFormatException e) {
            // choose afresh
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            candidates.add(1 + ThreadLocalRandom.current().nextInt(250));
        }
        for (int subnet : candidates) {
            NetNamespaces n = new NetNamespaces(subnet);
            if (links.contains(" " + n.prefix)) {
                continue;
            }
            try {
                Files.createDirectories(OWNERS);
                Files.writeString(OWNERS.resolve(n.prefix), ownerTag(ProcessHandle.current()));
                if (remember != null) {
                    Files.writeString(remember, Integer.toString(subnet));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            run(List.of("ip", "link", "add", n.bridge, "type", "bridge"));
            run(List.of("ip", "addr", "add", n.hostAddress() + "/24", "dev", n.bridge));
            run(List.of("ip", "link", "set", n.bridge, "up"));
            return n;
        }
        throw new IllegalStateException("no free 10.77.x.0/24 subnet for a new network");
    }

    /** A process's pid and start time: a pid reused by another process does not pass for the owner. */
    private static String ownerTag(ProcessHandle p) {
        return p.pid() + " " + p.info().startInstant().map(Object::toString).orElse("?");
    }

    /** The host's address on the bridge (the orchestrator's, a standby's). */
    public String hostAddress() {
        return "10.77." + subnet + ".1";
    }

    /** The namespace a node runs in. */
    public String namespace(String node) {
        return prefix + "-" + node;
    }

    /** Adds a node (its namespace, veth pair and address) and returns its address. */
    public synchronized String add(String node) {
        if (nodes.containsKey(node)) {
            return address(node);
        }
        int host = 10 + nodes.size();
        if (host > 250) {
            throw new IllegalStateException("too many nodes in one network");
        }
        nodes.put(node, host);
        String ns = namespace(node);
        String veth = hostVeth(node);
        run(List.of("ip", "netns", "add", ns));
        run(List.of("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns));
        run(List.of("ip", "link", "set", veth, "master", bridge, "up"));
        run(List.of("ip", "-n", ns, "addr", "add", address(node) + "/24", "dev", "eth0"));
        run(List.of("ip", "-n", ns, "link", "set", "eth0", "up"));
        run(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
        if (namesResolve) {
            writeHostsFiles();
        }
        return address(node);
    }

    /**
     * From now on every node resolves every node's name to its address, and runs with its name as
     * host name, as on a compose network: config files that name their peers (zoo.cfg's
     * {@code server.1=zookeeper-1:2888:3888}, a bookie's id from its host name) work unchanged.
     * Nodes added later are added to every namespace's hosts file (rewritten in place, so processes
     * already running see them).
     */
    public synchronized void resolveNodeNames() {
        for (String node : nodes.keySet()) {
            if (!node.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
                throw new IllegalArgumentException("node name '" + node + "' is not a host name (lower case letters, digits, '-')");
            }
        }
        namesResolve = true;
        writeHostsFiles();
    }

    private void writeHostsFiles() {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n");
        nodes.keySet().forEach(n -> hosts.append(address(n)).append(' ').append(n).append('\n'));
        try {
            for (String node : nodes.keySet()) {
                Path dir = Files.createDirectories(ETC_NETNS.resolve(namespace(node)));
                Files.writeString(dir.resolve("hosts"), hosts); // truncates in place: a running node's mount sees the change
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the namespaces' hosts files under " + ETC_NETNS, e);
        }
    }

    public synchronized String address(String node) {
        Integer h = nodes.get(node);
        if (h == null) {
            throw new IllegalArgumentException("no node " + node + " in this network");
        }
        return "10.77." + subnet + "." + h;
    }

    /**
     * The command prefix that runs a program inside a node's namespace; after {@link #resolveNodeNames}
     * also with the node's name as host name ({@code unshare --uts}, then {@code hostname}).
     */
    public synchronized List<String> exec(String node) {
        if (!namesResolve) {
            return List.of("ip", "netns", "exec", namespace(node));
        }
        return List.of("ip", "netns", "exec", namespace(node), "unshare", "--uts", "--", "sh", "-c", "hostname \"$0\" && exec \"$@\"",
                node);
    }

    private String hostVeth(String node) {
        String v = prefix + node.replaceAll("[^a-z0-9]", "");
        return v.length() > 15 ? v.substring(0, 15) : v;
    }

    /** No packet in or out of {@code node} until healed (its link is down). */
    public synchronized void isolate(String node) {
        add(node);
        run(List.of("ip", "-n", namespace(node), "link", "set", "eth0", "down"));
        undo(node, List.of("ip", "-n", namespace(node), "link", "set", "eth0", "up"));
    }

    /**
     * No packet between {@code a} and each of {@code others}, in either direction; every other path
     * stays up. With nftables, packets are dropped silently in both namespaces (as on a real
     * partition: connections time out). Without it, blackhole routes are used, which fail a
     * node's own sends at once ({@code EINVAL}: new connections fail fast instead of timing out,
     * established ones see silent loss).
     */
    public synchronized void cut(String a, List<String> others) {
        boolean nft = lossUnavailableReason() == null;
        for (String b : others) {
            if (nft) {
                dropBetween(a, address(b));
                dropBetween(b, address(a));
            } else {
                blackhole(a, address(b));
                blackhole(b, address(a));
            }
        }
    }

    private void dropBetween(String node, String peer) {
        nftDrop(node, "lkvcut" + peer.replace('.', '_'), "ip saddr " + peer, "ip daddr " + peer);
    }

    /** A table of its own in the node's namespace that drops what {@code in} and {@code out} match; healing deletes it. */
    private void nftDrop(String node, String table, String in, String out) {
        String rules = "table inet " + table + " {\n"
                + "  chain in { type filter hook input priority 0; " + in + " drop; }\n"
                + "  chain out { type filter hook output priority 0; " + out + " drop; }\n"
                + "}\n";
        List<String> cmd = new ArrayList<>(exec(node));
        cmd.addAll(List.of("nft", "-f", "-"));
        run(cmd, rules);
        List<String> del = new ArrayList<>(exec(node));
        del.addAll(List.of("nft", "delete", "table", "inet", table));
        undo(node, del);
    }

    private void blackhole(String node, String to) {
        run(List.of("ip", "-n", namespace(node), "route", "add", "blackhole", to + "/32"));
        undo(node, List.of("ip", "-n", namespace(node), "route", "del", "blackhole", to + "/32"));
    }

    /** Drops {@code percent} % of the packets into and out of {@code node}, at random (nftables). */
    public synchronized void lossy(String node, int percent) {
        String random = "numgen random mod 100 < " + percent;
        nftDrop(node, "lkvfault", random, random);
    }

    /**
     * A slow link: a token bucket of {@code kbit} kbit/s on both ends of the node's veth, so what it
     * sends and receives queues (up to 1 s) and is delayed, and what overflows is dropped.
     */
    public synchronized void slow(String node, int kbit) {
        List<String> tbf = List.of("root", "tbf", "rate", kbit + "kbit", "burst", "32kb", "latency", "1000ms");
        List<String> inside = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node), "tc", "qdisc", "add", "dev", "eth0"));
        inside.addAll(tbf);
        run(inside);
        undo(node, List.of("ip", "netns", "exec", namespace(node), "tc", "qdisc", "del", "dev", "eth0", "root"));
        List<String> outside = new ArrayList<>(List.of("tc", "qdisc", "add", "dev", hostVeth(node)));
        outside.addAll(tbf);
        run(outside);
        undo(node, List.of("tc", "qdisc", "del", "dev", hostVeth(node), "root"));
    }

    /** Delays the node's packets by {@code millis} ± {@code jitter} ms and sends a quarter of them early (reordering); netem. */
    public synchronized void delayReorder(String node, int millis, int jitter) {
        run(List.of("ip", "netns", "exec", namespace(node), "tc", "qdisc", "add", "dev", "eth0", "root", "netem", "delay",
                millis + "ms", jitter + "ms", "reorder", "25%", "50%"));
        undo(node, List.of("ip", "netns", "exec", namespace(node), "tc", "qdisc", "del", "dev", "eth0", "root"));
    }

    private void undo(String node, List<String> cmd) {
        undo.computeIfAbsent(node, k -> new ArrayList<>()).add(cmd);
    }

    /** Undoes every fault in effect (in reverse order); returns the undo commands that failed, if any. */
    public synchronized List<String> healAll() {
        List<String> failed = new ArrayList<>();
        for (var e : undo.entrySet()) {
            List<List<String>> cmds = e.getValue();
            for (int i = cmds.size() - 1; i >= 0; i--) {
                try {
                    run(cmds.get(i));
                } catch (RuntimeException ex) {
                    failed.add(String.join(" ", cmds.get(i)) + ": " + ex.getMessage());
                }
            }
        }
        undo.clear();
        return failed;
    }

    /** Whether any fault is in effect. */
    public synchronized boolean faulty() {
        return !undo.isEmpty();
    }

    /** Kills whatever still runs in the namespaces, removes them and the bridge. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        undo.clear();
        removeNetwork(prefix);
    }

    private static void removeNetwork(String prefix) {
        for (String line : run(List.of("ip", "netns", "list")).split("\n")) {
            String ns = line.trim().split(" ")[0];
            if (ns.startsWith(prefix + "-")) {
                for (String pid : runQuietly(List.of("ip", "netns", "pids", ns)).split("\\s+")) {
                    if (!pid.isBlank()) {
                        runQuietly(List.of("kill", "-9", pid.trim()));
                    }
                }
                runQuietly(List.of("ip", "netns", "del", ns));
            }
        }
        runQuietly(List.of("ip", "link", "del", prefix + "br"));
        removeHostsFiles(prefix);
        try {
            Files.deleteIfExists(OWNERS.resolve(prefix));
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Removes {@code /etc/netns/<prefix>-*} (the hosts files of {@link #resolveNodeNames}), also of namespaces already deleted. */
    private static void removeHostsFiles(String prefix) {
        if (!Files.isDirectory(ETC_NETNS)) {
            return;
        }
        try (var dirs = Files.list(ETC_NETNS)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(prefix + "-")).toList()) {
                try (var files = Files.walk(dir)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException ignored) {
            // best effort, like the rest of the removal
        }
    }

    /** Removes the networks of orchestrators that are no longer running (killed before they could clean up). */
    static void removeOrphans() {
        if (!Files.isDirectory(OWNERS)) {
            return;
        }
        try (var files = Files.list(OWNERS)) {
            for (Path f : files.toList()) {
                String tag;
                long pid;
                try {
                    tag = Files.readString(f).trim();
                    pid = Long.parseLong(tag.split(" ")[0]);
                } catch (IOException | NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(NetNamespaces::ownerTag).map(tag::equals).orElse(false)) {
                    continue; // its owner is still running
                }
                removeNetwork(f.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String runQuietly(List<String> cmd) {
        try {
            return run(cmd);
        } catch (RuntimeException e) {
            return "";
        }
    }

    static String run(List<String> cmd) {
        return run(cmd, null);
    }

    /** Runs a command (bounded: 20 s), returns its output; throws with its output if it fails. */
    static String run(List<String> cmd, String stdin) {
        Path output = null;
        try {
            output = Files.createTempFile("ledgerkv-cmd", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + ": no answer within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(output);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + text.trim());
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", cmd) + ": interrupted", e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }
}
