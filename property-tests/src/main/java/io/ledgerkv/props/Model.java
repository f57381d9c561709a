package io.ledgerkv.props;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The reference: a sorted map in unsigned-lexicographic key order, which the store must always equal. */
public final class Model {
    private final TreeMap<byte[], byte[]> map;

    public Model() {
        this.map = new TreeMap<>(Arrays::compareUnsigned);
    }

    private Model(TreeMap<byte[], byte[]> map) {
        this.map = map;
    }

    public Model copy() {
        TreeMap<byte[], byte[]> m = new TreeMap<>(Arrays::compareUnsigned);
        m.putAll(map);
        return new Model(m);
    }

    /** Applies one transaction's operations in order (a null value deletes). */
    public void apply(List<Op> ops) {
        for (Op op : ops) {
            if (op.value() == null) {
                map.remove(op.key());
            } else {
                map.put(op.key(), op.value());
            }
        }
    }

    public byte[] get(byte[] key) {
        return map.get(key);
    }

    public int size() {
        return map.size();
    }

    /** Entries with from <= key < to (null bounds open), in key order. */
    public NavigableMap<byte[], byte[]> range(byte[] from, byte[] to) {
        if (from != null && to != null) {
            return Arrays.compareUnsigned(from, to) >= 0 ? new TreeMap<>(Arrays::compareUnsigned) : map.subMap(from, true, to, false);
        }
        if (from != null) {
            return map.tailMap(from, true);
        }
        if (to != null) {
            return map.headMap(to, false);
        }
        return map;
    }

    /** Entries whose key starts with {@code prefix}, in key order. */
    public NavigableMap<byte[], byte[]> prefix(byte[] prefix) {
        NavigableMap<byte[], byte[]> out = new TreeMap<>(Arrays::compareUnsigned);
        map.forEach((k, v) -> {
            if (k.length >= prefix.length && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
                out.put(k, v);
            }
        });
        return out;
    }

    public Map<byte[], byte[]> asMap() {
        return map;
    }

    /** One operation of a transaction. */
    public record Op(byte[] key, byte[] value) {
        @Override
        public String toString() {
            return value == null ? "del " + Describe.bytes(key) : Describe.bytes(key) + "=" + Describe.bytes(value);
        }
    }
}
