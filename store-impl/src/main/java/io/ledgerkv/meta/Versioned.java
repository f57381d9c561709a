package io.ledgerkv.meta;

/** A znode's decoded contents and the version to compare-and-set against. */
public record Versioned<T>(T value, int version) {
}
