package io.ledgerkv.props;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * A model-based stateful property: each try starts from a fresh state, generates a chain of
 * actions (each generated from the state the previous ones left, so choices can depend on it),
 * runs them, and checks named invariants after every action. A failing chain is shrunk by
 * re-running shorter chains from a fresh state (delta debugging over the recorded actions) until no
 * action can be removed without the failure going away; the report prints the seed, the shrunk
 * chain and the invariant that broke.
 *
 * <p>Actions must be replayable: they hold concrete values, and an action whose precondition does
 * not hold on the state it meets (because shrinking removed what set it up) is skipped.
 *
 * @param <S> the state: the system under test and its model
 */
public final class StatefulProperty<S> {

    /** One step of a chain. */
    public interface Action<S> {
        /** Whether the action applies to this state; a skipped action counts as a no-op. */
        default boolean precondition(S state) {
            return true;
        }

        void run(S state) throws Exception;

        /** How the action appears in a failure report. */
        @Override
        String toString();
    }

    /** Generates the next action for a state. */
    @FunctionalInterface
    public interface ActionGen<S> {
        Action<S> next(SplittableRandom random, S state);
    }

    /**
     * What one run of the property did, for the module's statistics and the README. {@code actions}
     * and {@code actionCounts} count actions that ran, not those generated and then skipped because
     * their precondition did not hold ({@code skipped}).
     */
    public record Summary(String name, int tries, long actions, Map<String, Long> actionCounts, long skipped, long seed) {
    }

    private final String name;
    /** A fresh state for a try, from the try's seed (so the seed pins whatever the state draws, e.g. encryption). */
    private final LongFunction<S> fresh;
    private final Consumer<S> cleanup;
    private final ActionGen<S> actions;
    private final Map<String, Consumer<S>> invariants = new LinkedHashMap<>();
    private int tries = 20;
    private int maxActions = 30;
    private int maxShrinkRuns = 150;

    private StatefulProperty(String name, LongFunction<S> fresh, Consumer<S> cleanup, ActionGen<S> actions) {
        this.name = name;
        this.fresh = fresh;
        this.cleanup = cleanup;
        this.actions = actions;
    }

    public static <S> StatefulProperty<S> of(String name, Supplier<S> fresh, Consumer<S> cleanup, ActionGen<S> actions) {
        return new StatefulProperty<>(name, seed -> fresh.get(), cleanup, actions);
    }

    /** As {@link #of(String, Supplier, Consumer, ActionGen)}, with a fresh state made from the try's seed. */
    public static <S> StatefulProperty<S> ofSeeded(String name, LongFunction<S> fresh, Consumer<S> cleanup, ActionGen<S> actions) {
        return new StatefulProperty<>(name, fresh, cleanup, actions);
    }

    public StatefulProperty<S> tries(int n) {
        this.tries = n;
        return this;
    }

    public StatefulProperty<S> maxActions(int n) {
        this.maxActions = n;
        return this;
    }

    public StatefulProperty<S> maxShrinkRuns(int n) {
        this.maxShrinkRuns = n;
        return this;
    }

    public StatefulProperty<S> invariant(String label, Consumer<S> check) {
        invariants.put(label, check);
        return this;
    }

    /** A failed chain: where it broke and why; {@code ran} whether the failing step's action ran. */
    private record Failure(int index, String what, Throwable cause) {
        /** What must stay the same while shrinking: the broken invariant (or "an action threw") and the exception type. */
        String kind() {
            String where = what.startsWith("invariant '") ? what.substring(0, what.indexOf("' after") + 1) : "action";
            return where + ":" + cause.getClass().getName();
        }
    }

    /** Runs every try; throws {@link AssertionError} with the shrunk chain on the first failure. */
    public Summary check() {
        Long fixed = Long.getLong("ledgerkv.props.seed");
        long base = fixed != null ? fixed : new SplittableRandom().nextLong();
        int n = fixed != null ? 1 : tries;
        Map<String, Long> counts = new LinkedHashMap<>();
        long total = 0;
        long skipped = 0;
        for (int t = 0; t < n; t++) {
            long seed = fixed != null ? fixed : base + t;
            SplittableRandom random = new SplittableRandom(seed);
            List<Action<S>> chain = new ArrayList<>();
            S state = fresh.apply(seed);
            Failure failure = null;
            try {
                for (int i = 0; i < maxActions && failure == null; i++) {
                    Action<S> a = actions.next(random, state);
                    chain.add(a);
                    boolean[] ran = {false};
                    failure = step(state, a, i, ran);
                    if (ran[0]) {
                        counts.merge(a.getClass().getSimpleName(), 1L, Long::sum);
                        total++;
                    } else {
                        skipped++;
                    }
                }
            } finally {
                cleanup.accept(state);
            }
            if (failure != null) {
                List<Action<S>> shrunk = shrink(seed, chain, failure);
                Failure last = replay(seed, shrunk);
                throw report(seed, t, chain.size(), shrunk, last != null ? last : failure);
            }
        }
        return new Summary(name, n, total, counts, skipped, base);
    }

    private Failure step(S state, Action<S> a, int index) {
        return step(state, a, index, new boolean[1]);
    }

    /** Runs one action if its precondition holds ({@code ran[0]} says whether it did), then the invariants. */
    private Failure step(S state, Action<S> a, int index, boolean[] ran) {
        try {
            if (a.precondition(state)) {
                ran[0] = true;
                a.run(state);
            }
        } catch (Throwable e) {
            return new Failure(index, "action " + (index + 1) + " (" + a + ")", e);
        }
        for (Map.Entry<String, Consumer<S>> inv : invariants.entrySet()) {
            try {
                inv.getValue().accept(state);
            } catch (Throwable e) {
                return new Failure(index, "invariant '" + inv.getKey() + "' after action " + (index + 1), e);
            }
        }
        return null;
    }

    /** Runs a fixed chain from a fresh state made from {@code seed}; returns its failure or null. */
    private Failure replay(long seed, List<Action<S>> chain) {
        S state = fresh.apply(seed);
        try {
            for (int i = 0; i < chain.size(); i++) {
                Failure f = step(state, chain.get(i), i);
                if (f != null) {
                    return f;
                }
            }
            return null;
        } finally {
            cleanup.accept(state);
        }
    }

    /**
     * Delta debugging: cut the chain after the failing action, then repeatedly try removing chunks
     * (halves, quarters, ... single actions) while the same kind of failure still happens.
     */
    private List<Action<S>> shrink(long seed, List<Action<S>> chain, Failure original) {
        List<Action<S>> best = new ArrayList<>(chain.subList(0, original.index() + 1));
        String kind = original.kind();
        int runs = 0;
        int chunk = Math.max(1, best.size() / 2);
        while (chunk >= 1 && runs < maxShrinkRuns) {
            boolean removed = false;
            for (int start = 0; start + chunk <= best.size() && runs < maxShrinkRuns; ) {
                List<Action<S>> candidate = new ArrayList<>(best.subList(0, start));
                candidate.addAll(best.subList(start + chunk, best.size()));
                runs++;
                Failure f = candidate.isEmpty() ? null : replay(seed, candidate);
                if (f != null && f.kind().equals(kind)) {
                    best = new ArrayList<>(candidate.subList(0, f.index() + 1));
                    removed = true;
                } else {
                    start += chunk;
                }
            }
            if (!removed) {
                chunk /= 2;
            }
        }
        return best;
    }

    private AssertionError report(long seed, int tryIndex, int originalLength, List<Action<S>> shrunk, Failure f) {
        StringBuilder sb = new StringBuilder();
        sb.append("property '").append(name).append("' failed on try ").append(tryIndex + 1).append(" (seed ").append(seed)
                .append("; replay with -Dledgerkv.props.seed=").append(seed).append(")\n");
        sb.append("  shrunk from ").append(originalLength).append(" to ").append(shrunk.size()).append(" actions:\n");
        for (int i = 0; i < shrunk.size(); i++) {
            sb.append(String.format("    %2d. %s%n", i + 1, shrunk.get(i)));
        }
        sb.append("  broke: ").append(f.what()).append("\n  cause: ").append(f.cause());
        return new AssertionError(sb.toString(), f.cause());
    }
}
