package io.ledgerkv.api;

/**
 * A value and its version: the {@link Lsn} of the transaction that last wrote the key. Pass the
 * version to {@link KvStore#replace}, {@link KvStore#delete(byte[], Lsn)} or
 * {@link Condition#version} to write only if nobody wrote the key since. Keys loaded from a
 * checkpoint on open carry the checkpoint's LSN instead of their original one (see
 * store-impl/README.md, "Versions and conditional writes").
 */
public record VersionedValue(byte[] value, Lsn version) {
}
