package io.ledgerkv.api;

/**
 * Which state a read-only handle shows: the latest, a named checkpoint, or the state right after
 * the transaction at an LSN.
 *
 * <pre>{@code
 * KvStore yesterday = kv.openReadOnly("scores", cfg, AsOf.checkpoint(12));
 * KvStore before    = kv.openReadOnly("scores", cfg, AsOf.lsn(Lsn.parse("7:1520:0")));
 * }</pre>
 *
 * An LSN older than the oldest retained checkpoint can only be served while the WAL before that
 * checkpoint still exists; otherwise the open fails and names the oldest position available.
 */
public record AsOf(Integer checkpointId, Lsn lsn) {
    private static final AsOf LATEST = new AsOf(null, null);

    public AsOf {
        if (checkpointId != null && lsn != null) {
            throw new IllegalArgumentException("give a checkpoint or an LSN, not both");
        }
        if (checkpointId != null && checkpointId < 1) {
            throw new IllegalArgumentException("checkpoint ids start at 1, got " + checkpointId);
        }
    }

    public static AsOf latest() {
        return LATEST;
    }

    public static AsOf checkpoint(int id) {
        return new AsOf(id, null);
    }

    public static AsOf lsn(Lsn lsn) {
        if (lsn == null) {
            throw new NullPointerException("lsn");
        }
        return new AsOf(null, lsn);
    }

    public boolean isLatest() {
        return checkpointId == null && lsn == null;
    }

    @Override
    public String toString() {
        return checkpointId != null ? "checkpoint " + checkpointId : lsn != null ? "LSN " + lsn : "latest";
    }
}
