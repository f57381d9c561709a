package io.ledgerkv.api;

/**
 * A value and its version: the {@link Lsn} of the transaction that last wrote the key. Pass the
 * version to {@link KvStore#replace}, {@link KvStore#delete(byte[], Lsn)} or
 * {@link Condition#version} to write only if nobody wrote the key since. Versions survive replay
 * and reopening from a checkpoint; a restored backup's keys get the restore's LSN.
 */
public record VersionedValue(byte[] value, Lsn version) {
}
