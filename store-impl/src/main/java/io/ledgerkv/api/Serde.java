package io.ledgerkv.api;

/** Converts typed keys or values to bytes and back, like Samza's {@code Serde<T>}. */
public interface Serde<T> {
    byte[] toBytes(T object);

    T fromBytes(byte[] bytes);
}
