package io.ledgerkv.api;

import java.util.Arrays;

/** A key and its value, as returned by iterators. The arrays belong to the caller. */
public record KvEntry(byte[] key, byte[] value) {

    @Override
    public boolean equals(Object o) {
        return o instanceof KvEntry e && Arrays.equals(key, e.key) && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        // Never print contents: task state is often regulated data.
        return "KvEntry[key=" + key.length + " bytes, value=" + (value == null ? "null" : value.length + " bytes") + "]";
    }
}
