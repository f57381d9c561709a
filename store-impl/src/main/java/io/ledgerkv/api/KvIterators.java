package io.ledgerkv.api;

import java.util.Arrays;
import java.util.NoSuchElementException;

/** Helpers behind {@link KvStore}'s scan variants: limits and prefix bounds. */
public final class KvIterators {
    private KvIterators() {
    }

    /** {@code it}, ending after {@code limit} entries (and releasing its state then). */
    public static KvIterator limit(KvIterator it, int limit, String op) {
        if (limit < 0) {
            it.close();
            throw new IllegalArgumentException(op + ": limit must be >= 0, got " + limit);
        }
        return new KvIterator() {
            private int left = limit;

            @Override
            public boolean hasNext() {
                if (left <= 0) {
                    it.close();
                    return false;
                }
                return it.hasNext();
            }

            @Override
            public KvEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                left--;
                return it.next();
            }

            @Override
            public void close() {
                it.close();
            }
        };
    }

    /** The prefix itself, after checking it is neither null nor empty. */
    public static byte[] checkPrefix(byte[] prefix) {
        if (prefix == null) {
            throw new NullPointerException("prefixScan: prefix must not be null");
        }
        if (prefix.length == 0) {
            throw new IllegalArgumentException("prefixScan: prefix must not be empty (use all() to read every entry)");
        }
        return prefix;
    }

    /**
     * The smallest key greater than every key starting with {@code prefix} (unsigned order): the
     * prefix with its last byte below 0xFF incremented and what follows dropped; null (open) if
     * every byte is 0xFF.
     */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }
}
