package io.ledgerkv.meta;

/**
 * Proof of being the writer: the epoch this writer installed and the znode version it installed
 * it at. Every metadata update the writer makes is conditioned on that version still being current.
 */
public record EpochClaim(long epoch, int zkVersion) {
}
