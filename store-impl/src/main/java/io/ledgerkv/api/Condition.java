package io.ledgerkv.api;

import java.util.Objects;

/**
 * A condition a transaction checks when it commits (etcd-style compare, then write): every
 * condition of the transaction must hold against the committed state, including every transaction
 * submitted before it, or the transaction fails with {@link ConditionFailedException} and nothing
 * of it is written.
 *
 * <pre>{@code
 * VersionedValue cur = store.getWithVersion(key);
 * try (Txn t = store.begin()) {
 *     t.check(key, Condition.version(cur.version())).put(key, next(cur.value())).commit();
 * }
 * }</pre>
 */
public sealed interface Condition {

    /** The key's version (the LSN of its last write) is {@code version}. */
    record VersionIs(Lsn version) implements Condition {
        public VersionIs {
            Objects.requireNonNull(version, "Condition.version: version must not be null");
        }
    }

    /** The key has no value. */
    record Absent() implements Condition {
    }

    /** The key's value equals {@code value} byte for byte. */
    record ValueEquals(byte[] value) implements Condition {
        public ValueEquals {
            Objects.requireNonNull(value, "Condition.valueEquals: value must not be null (use Condition.absent())");
            value = value.clone();
        }
    }

    static Condition version(Lsn version) {
        return new VersionIs(version);
    }

    static Condition absent() {
        return new Absent();
    }

    static Condition valueEquals(byte[] value) {
        return new ValueEquals(value);
    }
}
