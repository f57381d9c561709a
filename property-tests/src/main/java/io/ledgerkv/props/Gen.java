package io.ledgerkv.props;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A generator of random values from a seeded {@link SplittableRandom}: the same seed gives the same
 * values, so every failure replays from its seed.
 */
@FunctionalInterface
public interface Gen<T> {
    T next(SplittableRandom random);

    default <R> Gen<R> map(Function<T, R> f) {
        return r -> f.apply(next(r));
    }

    static Gen<Integer> ints(int fromInclusive, int toInclusive) {
        return r -> r.nextInt(fromInclusive, toInclusive + 1);
    }

    @SafeVarargs
    static <T> Gen<T> oneOf(T... values) {
        return r -> values[r.nextInt(values.length)];
    }

    static <T> Gen<T> oneOf(List<T> values) {
        return r -> values.get(r.nextInt(values.size()));
    }

    static <T> Gen<List<T>> listOf(Gen<T> element, int minSize, int maxSize) {
        return r -> {
            int n = r.nextInt(minSize, maxSize + 1);
            List<T> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(element.next(r));
            }
            return out;
        };
    }

    /** Bytes of a length drawn from {@code length}, uniformly random. */
    static Gen<byte[]> bytes(Gen<Integer> length) {
        return r -> {
            byte[] b = new byte[length.next(r)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) r.nextInt(256);
            }
            return b;
        };
    }

    /** Picks a generator with probability proportional to its weight. */
    @SafeVarargs
    static <T> Gen<T> frequency(Weighted<T>... choices) {
        int total = 0;
        for (Weighted<T> w : choices) {
            total += w.weight();
        }
        int sum = total;
        return r -> {
            int x = r.nextInt(sum);
            for (Weighted<T> w : choices) {
                x -= w.weight();
                if (x < 0) {
                    return w.gen().next(r);
                }
            }
            throw new AssertionError();
        };
    }

    record Weighted<T>(int weight, Gen<T> gen) {
    }

    static <T> Weighted<T> weight(int w, Gen<T> gen) {
        return new Weighted<>(w, gen);
    }
}
