package io.ledgerkv.props;

import io.ledgerkv.testing.Describe;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A stateless property: {@code tries} random inputs, each checked. A failure names the property, the
 * seed of the failing try and the input, so it can be replayed with
 * {@code -Dledgerkv.props.seed=<seed>}.
 */
public final class Property {
    private Property() {
    }

    /** Runs the property and returns the number of inputs checked. */
    public static <T> int forAll(String name, int tries, Gen<T> gen, Consumer<T> check) {
        Long fixed = Long.getLong("ledgerkv.props.seed");
        long base = fixed != null ? fixed : new SplittableRandom().nextLong();
        int n = fixed != null ? 1 : tries;
        for (int i = 0; i < n; i++) {
            long seed = fixed != null ? fixed : base + i;
            T input = gen.next(new SplittableRandom(seed));
            try {
                check.accept(input);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("property '" + name + "' failed on try " + (i + 1) + " of " + n + " (seed " + seed
                        + "; replay with -Dledgerkv.props.seed=" + seed + ")\n  input: " + Describe.of(input)
                        + "\n  failure: " + e, e);
            }
        }
        return n;
    }
}
