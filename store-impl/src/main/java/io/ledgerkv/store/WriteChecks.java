package io.ledgerkv.store;

import io.ledgerkv.api.LimitExceededException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.wal.Mutation;
import java.time.Duration;

/**
 * The checks every write path makes on what a caller hands it, before anything reaches the
 * committer: a bad key, value or time to live is refused with an error that names the operation,
 * and nothing is written. Keys and values are copied, so the caller may reuse its arrays.
 */
final class WriteChecks {
    private WriteChecks() {
    }

    /** A copy of {@code key}, checked: not null, within maxKeyBytes. */
    static byte[] key(byte[] key, String op, StoreConfig cfg) {
        if (key == null) {
            throw new NullPointerException(op + ": key must not be null");
        }
        if (key.length > cfg.maxKeyBytes()) {
            throw new LimitExceededException(op + ": key", "maxKeyBytes", key.length, cfg.maxKeyBytes());
        }
        return key.clone();
    }

    /** A copy of {@code value}, checked: not null, within maxValueBytes. */
    static byte[] value(byte[] value, String op, StoreConfig cfg) {
        if (value == null) {
            throw new NullPointerException(op + ": value must not be null (use delete to remove a key)");
        }
        if (value.length > cfg.maxValueBytes()) {
            throw new LimitExceededException(op + ": value", "maxValueBytes", value.length, cfg.maxValueBytes());
        }
        return value.clone();
    }

    /** When a value written at {@code now} (the writer's clock) with time to live {@code ttl} expires, checked. */
    static long expireAt(Duration ttl, String op, long now) {
        if (ttl == null) {
            throw new NullPointerException(op + ": ttl must not be null (use put without a ttl for a value that never expires)");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException(op + ": ttl must be > 0, got " + ttl + "; nothing was written");
        }
        long millis;
        try {
            millis = Math.addExact(now, ttl.toMillis()); // toMillis itself overflows for ttls beyond ~292 million years
        } catch (ArithmeticException e) {
            millis = Long.MAX_VALUE;
        }
        if (millis >= Mutation.NEVER) {
            throw new IllegalArgumentException(op + ": ttl " + ttl + " runs past the end of time; use put without a ttl");
        }
        return Math.max(millis, now + 1); // a sub-millisecond ttl still expires after now, not at it
    }
}
