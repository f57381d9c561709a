package io.ledgerkv.fault.checker;

import io.ledgerkv.fault.workload.ListAppendWorkload.MicroOp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.alg.shortestpath.BFSShortestPath;
import org.jgrapht.graph.DirectedMultigraph;
import org.jgrapht.graph.MaskSubgraph;

/**
 * The dependency graph of a list-append history, in the spirit of Jepsen's Elle (Kingsbury and
 * Alvaro, "Elle: Inferring Isolation Anomalies from Experimental Observations"). Appends are unique
 * and lists only grow, so the final list of each key is the order in which its versions were
 * installed, and every read of a prefix of it names the transaction it read from. Edges between
 * committed transactions:
 *
 * <ul>
 *   <li>{@code ww}: the writer of a list element precedes the writer of the next element;</li>
 *   <li>{@code wr}: the writer of the last element a read saw precedes the reader;</li>
 *   <li>{@code rw}: a reader precedes the writer of the first element its read did not see.</li>
 * </ul>
 *
 * A serializable history has no cycle. Each strongly connected component is searched for a
 * shortest cycle of each class and reported: {@code G0} (write cycle: ww edges only), {@code G1c}
 * (circular information flow: ww and wr, at least one wr), {@code G2} (anti-dependency cycle: at
 * least one rw; "G-single" when exactly one, which is what lost updates and read skew make).
 */
final class ListAppendGraph {
    /** Edges tried per component when looking for a cycle through one of them: bounds the search on huge components. */
    private static final int MAX_CANDIDATE_EDGES = 64;

    enum Dep {
        WW, WR, RW;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One dependency; identity equality, so two transactions may be joined by several. */
    static final class Edge {
        final Dep type;
        final String key;

        Edge(Dep type, String key) {
            this.type = type;
            this.key = key;
        }
    }

    /** A committed transaction or an ok read: how to name it, the events to cite, and its micro-operations. */
    record Node(String label, List<Long> events, List<MicroOp> ops) {
    }

    private final List<Node> nodes;
    private final Graph<Integer, Edge> graph = new DirectedMultigraph<>(null, null, false);
    private final Set<String> added = new HashSet<>();

    private ListAppendGraph(List<Node> nodes) {
        this.nodes = nodes;
        for (int i = 0; i < nodes.size(); i++) {
            graph.addVertex(i);
        }
    }

    /**
     * Builds the graph of {@code nodes} against the version order of each key ({@code order}: the
     * final list, extended by a longer read if the tail was lost) and reports each cycle class found.
     * Reads that are not a prefix of the order give no edges (the caller reports them as not-a-prefix).
     */
    static void check(List<Node> nodes, Map<String, List<Long>> order, CheckResult r) {
        ListAppendGraph g = new ListAppendGraph(nodes);
        g.build(order);
        g.report(r);
    }

    private void build(Map<String, List<Long>> order) {
        Map<String, Map<Long, Integer>> writer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (MicroOp m : nodes.get(i).ops()) {
                if (!m.isRead()) {
                    writer.computeIfAbsent(m.key(), k -> new HashMap<>()).put(m.append(), i);
                }
            }
        }
        order.forEach((key, versions) -> {
            Map<Long, Integer> w = writer.getOrDefault(key, Map.of());
            Integer prev = null;
            for (long x : versions) {
                Integer cur = w.get(x);
                if (cur != null) {
                    if (prev != null) {
                        edge(prev, cur, Dep.WW, key);
                    }
                    prev = cur;
                }
            }
        });
        for (int i = 0; i < nodes.size(); i++) {
            for (MicroOp m : nodes.get(i).ops()) {
                if (!m.isRead()) {
                    continue;
                }
                List<Long> versions = order.getOrDefault(m.key(), List.of());
                List<Long> seen = m.read();
                if (seen.size() > versions.size() || !versions.subList(0, seen.size()).equals(seen)) {
                    continue;
                }
                Map<Long, Integer> w = writer.getOrDefault(m.key(), Map.of());
                Integer from = seen.isEmpty() ? null : w.get(seen.get(seen.size() - 1));
                if (from != null) {
                    edge(from, i, Dep.WR, m.key());
                }
                for (int p = seen.size(); p < versions.size(); p++) {
                    Integer next = w.get(versions.get(p));
                    if (next != null) {
                        if (!next.equals(from)) { // the same writer's next append: an intermediate read (G1b), not an anti-dependency
                            edge(i, next, Dep.RW, m.key());
                        }
                        break;
                    }
                }
            }
        }
    }

    private void edge(int from, int to, Dep type, String key) {
        if (from != to && added.add(from + ">" + to + ":" + type)) {
            graph.addEdge(from, to, new Edge(type, key));
        }
    }

    private void report(CheckResult r) {
        // G0: cycles of writes alone.
        for (Set<Integer> scc : components(EnumSet.of(Dep.WW))) {
            Cycle c = shortestCycle(scc, EnumSet.of(Dep.WW), EnumSet.of(Dep.WW));
            if (c != null) {
                r.anomaly("G0", "write cycle (G0): " + c, c.events());
            }
        }
        // G1c: dependency cycles (ww, wr) through at least one wr.
        for (Set<Integer> scc : components(EnumSet.of(Dep.WW, Dep.WR))) {
            Cycle c = shortestCycle(scc, EnumSet.of(Dep.WR), EnumSet.of(Dep.WW, Dep.WR));
            if (c != null) {
                r.anomaly("G1c", "circular information flow (G1c): " + c, c.events());
            }
        }
        // G2: cycles through at least one anti-dependency; one rw alone (G-single) if such a cycle exists.
        for (Set<Integer> scc : components(EnumSet.allOf(Dep.class))) {
            Cycle c = shortestCycle(scc, EnumSet.of(Dep.RW), EnumSet.of(Dep.WW, Dep.WR));
            String kind = "G-single, one anti-dependency";
            if (c == null) {
                c = shortestCycle(scc, EnumSet.of(Dep.RW), EnumSet.allOf(Dep.class));
                kind = "several anti-dependencies";
            }
            if (c != null) {
                r.anomaly("G2", "anti-dependency cycle (G2, " + kind + "): " + c, c.events());
            }
        }
    }

    private Graph<Integer, Edge> only(Set<Integer> vertices, Set<Dep> types) {
        Predicate<Integer> hideVertex = vertices == null ? v -> false : v -> !vertices.contains(v);
        return new MaskSubgraph<>(graph, hideVertex, e -> !types.contains(e.type));
    }

    private List<Set<Integer>> components(Set<Dep> types) {
        List<Set<Integer>> out = new ArrayList<>();
        for (Set<Integer> scc : new KosarajuStrongConnectivityInspector<>(only(null, types)).stronglyConnectedSets()) {
            if (scc.size() > 1) {
                out.add(scc);
            }
        }
        return out;
    }

    /** The shortest cycle inside {@code scc} that starts with an edge of {@code through} and returns over {@code rest}. */
    private Cycle shortestCycle(Set<Integer> scc, Set<Dep> through, Set<Dep> rest) {
        Graph<Integer, Edge> back = only(scc, rest);
        BFSShortestPath<Integer, Edge> bfs = new BFSShortestPath<>(back);
        List<Edge> candidates = new ArrayList<>();
        for (int v : scc) {
            for (Edge e : graph.outgoingEdgesOf(v)) {
                if (through.contains(e.type) && scc.contains(graph.getEdgeTarget(e))) {
                    candidates.add(e);
                }
            }
        }
        candidates.sort(Comparator.comparingInt((Edge e) -> graph.getEdgeSource(e)).thenComparingInt(e -> graph.getEdgeTarget(e)));
        Cycle best = null;
        for (Edge e : candidates.subList(0, Math.min(candidates.size(), MAX_CANDIDATE_EDGES))) {
            GraphPath<Integer, Edge> path = bfs.getPath(graph.getEdgeTarget(e), graph.getEdgeSource(e));
            if (path != null && (best == null || path.getLength() + 1 < best.edges.size())) {
                List<Edge> edges = new ArrayList<>();
                edges.add(e);
                edges.addAll(path.getEdgeList());
                best = new Cycle(edges);
            }
        }
        return best;
    }

    /** A cycle as its edges in order; the first edge's source is where it starts and ends. */
    private final class Cycle {
        final List<Edge> edges;

        Cycle(List<Edge> edges) {
            this.edges = edges;
        }

        List<Long> events() {
            List<Long> out = new ArrayList<>();
            for (Edge e : edges) {
                out.addAll(nodes.get(graph.getEdgeSource(e)).events());
            }
            return out;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(nodes.get(graph.getEdgeSource(edges.get(0))).label());
            for (Edge e : edges) {
                sb.append(" -").append(e.type.label()).append(' ').append(e.key).append("-> ").append(nodes.get(graph.getEdgeTarget(e)).label());
            }
            return sb.toString();
        }
    }
}
