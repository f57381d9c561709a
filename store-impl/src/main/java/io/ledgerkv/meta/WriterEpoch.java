package io.ledgerkv.meta;

/** Contents of the {@code epoch} znode. Every writer open increments it; it is the fencing token. */
public record WriterEpoch(long epoch, String owner, long sinceMillis) {
}
