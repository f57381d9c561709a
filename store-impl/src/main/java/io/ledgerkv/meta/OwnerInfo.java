package io.ledgerkv.meta;

/** Contents of the ephemeral {@code owner} znode: who writes the store now. Informational; the epoch fences. */
public record OwnerInfo(long epoch, String host, long pid, long sinceMillis) {
}
