package io.ledgerkv.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No package cycle among the library's top-level packages ({@code io.ledgerkv.<package>}). Until
 * decision 44, {@code api.LedgerKv.connect} named {@code store.DefaultLedgerKv}, and that one edge
 * tied eight packages into one cycle; the API now finds its implementation through
 * {@link java.util.ServiceLoader}. Compares packages, not classes. To watch it fail, give any class
 * in {@code io.ledgerkv.api} the field
 * {@code static final Class<?> IMPL = io.ledgerkv.store.DefaultLedgerKv.class;}.
 */
class PackageCyclesTest {

    @Test
    void noPackageCycle() {
        JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ledgerkv");
        Map<String, Set<String>> graph = new TreeMap<>();
        for (JavaClass c : main) {
            String from = slice(c);
            if (from == null) {
                continue;
            }
            graph.computeIfAbsent(from, k -> new TreeSet<>());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String to = slice(d.getTargetClass());
                if (to != null && !to.equals(from)) {
                    graph.get(from).add(to);
                }
            }
        }
        assertThat(graph).as("the library's packages").containsKeys("api", "store", "txn", "wal", "meta", "log");
        assertThat(cycles(graph)).as("packages tied into cycles, with the dependencies of each package: %s", graph).isEmpty();
    }

    private static String slice(JavaClass c) {
        String p = c.getPackageName();
        if (!p.startsWith("io.ledgerkv.")) {
            return null;
        }
        String rest = p.substring("io.ledgerkv.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /** Tarjan's strongly connected components with more than one package. */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
            Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }

    @Test
    void theCycleFinderFindsCyclesAndOnlyThem() {
        Map<String, Set<String>> g = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a", "d"), "d", Set.of("e"),
                "e", Set.of()));
        assertThat(cycles(g)).containsExactly(Set.of("a", "b", "c"));
        assertThat(cycles(new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of())))).isEmpty();
    }
}
