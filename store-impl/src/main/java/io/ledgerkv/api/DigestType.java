package io.ledgerkv.api;

/** BookKeeper entry digest. CRC32C is the fastest (about 2x CRC32); MAC is two orders of magnitude slower. */
public enum DigestType {
    CRC32C,
    CRC32,
    MAC
}
