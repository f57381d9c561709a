package io.ledgerkv.testing;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The reference: a sorted map in unsigned-lexicographic key order, which the store must always
 * equal, with a clock of its own: a put with a ttl expires at {@code now + ttl}, and an expired key
 * is simply gone (the store must hide it from every read at once).
 */
public final class Model {
    /** Where the model's clock (and the harness's {@code ManualClock}) starts. */
    public static final long T0 = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();

    private final TreeMap<byte[], byte[]> map;
    private final TreeMap<byte[], Long> expiry;
    private long now = T0;

    public Model() {
        this.map = new TreeMap<>(Arrays::compareUnsigned);
        this.expiry = new TreeMap<>(Arrays::compareUnsigned);
    }

    public Model copy() {
        Model m = new Model();
        m.map.putAll(map);
        m.expiry.putAll(expiry);
        m.now = now;
        return m;
    }

    /** Applies one transaction's operations in order (a null value deletes). */
    public void apply(List<Op> ops) {
        for (Op op : ops) {
            if (op.value() == null) {
                map.remove(op.key());
                expiry.remove(op.key());
            } else {
                map.put(op.key(), op.value());
                if (op.ttlMillis() > 0) {
                    expiry.put(op.key(), now + op.ttlMillis());
                } else {
                    expiry.remove(op.key());
                }
            }
        }
    }

    /** Moves the clock on; keys whose time ran out are gone. */
    public void advance(long millis) {
        now += millis;
        expiry.entrySet().removeIf(e -> {
            if (e.getValue() <= now) {
                map.remove(e.getKey());
                return true;
            }
            return false;
        });
    }

    public long now() {
        return now;
    }

    /** When {@code key} expires, or null if it does not (or is absent). */
    public Long expiry(byte[] key) {
        return expiry.get(key);
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

    /** One operation of a transaction; a put with {@code ttlMillis > 0} expires that long after it is applied. */
    public record Op(byte[] key, byte[] value, long ttlMillis) {
        public Op(byte[] key, byte[] value) {
            this(key, value, 0);
        }

        @Override
        public String toString() {
            return value == null ? "del " + Describe.bytes(key)
                    : Describe.bytes(key) + "=" + Describe.bytes(value) + (ttlMillis > 0 ? " ttl " + ttlMillis + "ms" : "");
        }
    }
}
