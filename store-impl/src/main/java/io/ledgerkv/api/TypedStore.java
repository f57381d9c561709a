package io.ledgerkv.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

/**
 * Typed view of a {@link KvStore} through a key and a value {@link Serde}. Mirrors Samza's
 * {@code KeyValueStore<K, V>}. Key order is the order of the serialized keys.
 *
 * <pre>{@code
 * TypedStore<String, Long> scores = store.typed(Serdes.string(), Serdes.longs());
 * scores.put("acct-1", 930L);
 * }</pre>
 */
public final class TypedStore<K, V> {
    private final KvStore store;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;

    public TypedStore(KvStore store, Serde<K> keySerde, Serde<V> valueSerde) {
        this.store = Objects.requireNonNull(store, "store");
        this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
        this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
    }

    public KvStore raw() {
        return store;
    }

    public V get(K key) {
        byte[] v = store.get(key(key));
        return v == null ? null : valueSerde.fromBytes(v);
    }

    /** Values of the present keys, in request order, from one consistent state. */
    public Map<K, V> getAll(List<K> keys) {
        List<byte[]> raw = new ArrayList<>(keys.size());
        for (K k : keys) {
            raw.add(key(k));
        }
        List<byte[]> values = store.getAll(raw);
        Map<K, V> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            if (values.get(i) != null) {
                out.put(keys.get(i), valueSerde.fromBytes(values.get(i)));
            }
        }
        return out;
    }

    public Lsn put(K key, V value) {
        return store.put(key(key), value(value));
    }

    /** {@link KvStore#put(byte[], byte[], Duration)}: the key reads as absent once {@code ttl} has passed. */
    public Lsn put(K key, V value, Duration ttl) {
        return store.put(key(key), value(value), ttl);
    }

    /** {@link KvStore#putIfAbsent}: {@link ConditionFailedException} if the key has a value. */
    public Lsn putIfAbsent(K key, V value) {
        return store.putIfAbsent(key(key), value(value));
    }

    /** The version (LSN of the last write) of {@code key}'s value, or null if absent; pass it to {@link #replace}. */
    public Lsn version(K key) {
        VersionedValue v = store.getWithVersion(key(key));
        return v == null ? null : v.version();
    }

    /** {@link KvStore#replace}: writes only if the key is still at {@code expectedVersion}. */
    public Lsn replace(K key, Lsn expectedVersion, V value) {
        return store.replace(key(key), expectedVersion, value(value));
    }

    /** {@link KvStore#delete(byte[], Lsn)}: deletes only if the key is still at {@code expectedVersion}. */
    public Lsn delete(K key, Lsn expectedVersion) {
        return store.delete(key(key), expectedVersion);
    }

    public Lsn putAll(Map<K, V> entries) {
        List<KvEntry> raw = new ArrayList<>(entries.size());
        entries.forEach((k, v) -> raw.add(new KvEntry(key(k), value(v))));
        return store.putAll(raw);
    }

    public Lsn delete(K key) {
        return store.delete(key(key));
    }

    public Lsn deleteAll(List<K> keys) {
        List<byte[]> raw = new ArrayList<>(keys.size());
        for (K k : keys) {
            raw.add(key(k));
        }
        return store.deleteAll(raw);
    }

    public Iterator range(K from, K to) {
        return new Iterator(store.range(key(from), key(to)));
    }

    public Iterator all() {
        return new Iterator(store.all());
    }

    /** A transaction with typed reads and writes. */
    public TypedTxn begin() {
        return new TypedTxn(store.begin());
    }

    public void flush() {
        store.flush();
    }

    private byte[] key(K k) {
        if (k == null) {
            throw new NullPointerException("key must not be null");
        }
        return keySerde.toBytes(k);
    }

    private byte[] value(V v) {
        if (v == null) {
            throw new NullPointerException("value must not be null (use delete to remove a key)");
        }
        return valueSerde.toBytes(v);
    }

    /** One typed entry. */
    public record Entry<K, V>(K key, V value) {
    }

    /** Typed iterator; close it like a {@link KvIterator}. */
    public final class Iterator implements java.util.Iterator<Entry<K, V>>, AutoCloseable {
        private final KvIterator it;

        private Iterator(KvIterator it) {
            this.it = it;
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public Entry<K, V> next() {
            if (!it.hasNext()) {
                throw new NoSuchElementException();
            }
            KvEntry e = it.next();
            return new Entry<>(keySerde.fromBytes(e.key()), valueSerde.fromBytes(e.value()));
        }

        @Override
        public void close() {
            it.close();
        }
    }

    /** Typed transaction. */
    public final class TypedTxn implements AutoCloseable {
        private final Txn txn;

        private TypedTxn(Txn txn) {
            this.txn = txn;
        }

        public V get(K key) {
            byte[] v = txn.get(key(key));
            return v == null ? null : valueSerde.fromBytes(v);
        }

        public TypedTxn put(K key, V value) {
            txn.put(key(key), value(value));
            return this;
        }

        public TypedTxn delete(K key) {
            txn.delete(key(key));
            return this;
        }

        /** Reads, transforms and writes back one key (a read-modify-write inside the transaction). */
        public V update(K key, Function<V, V> f) {
            V next = f.apply(get(key));
            if (next == null) {
                delete(key);
            } else {
                put(key, next);
            }
            return next;
        }

        public Lsn commit() {
            return txn.commit();
        }

        public void abort() {
            txn.abort();
        }

        public Txn raw() {
            return txn;
        }

        @Override
        public void close() {
            txn.close();
        }
    }
}
