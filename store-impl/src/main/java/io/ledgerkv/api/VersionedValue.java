package io.ledgerkv.api;

import java.time.Instant;
import java.util.Optional;

/**
 * A value and its version: the {@link Lsn} of the transaction that last wrote the key. Pass the
 * version to {@link KvStore#replace}, {@link KvStore#delete(byte[], Lsn)} or
 * {@link Condition#version} to write only if nobody wrote the key since. Versions survive replay
 * and reopening from a checkpoint; a restored backup's keys get the restore's LSN.
 *
 * <p>{@code expireAtMillis} is when a value written with a time to live expires (writer-clock
 * epoch millis), {@link Long#MAX_VALUE} for a value that never does.
 */
public record VersionedValue(byte[] value, Lsn version, long expireAtMillis) {

    public VersionedValue(byte[] value, Lsn version) {
        this(value, version, Long.MAX_VALUE);
    }

    /** When the value expires, if it was written with a time to live. */
    public Optional<Instant> expiresAt() {
        return expireAtMillis == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expireAtMillis));
    }
}
