package io.ledgerkv.api;

/**
 * A hot standby (as Samza standby tasks keep): a read-only handle that keeps tailing the writer's
 * WAL into its own index, so that a failover starts from there instead of from scratch.
 *
 * <pre>{@code
 * StandbyStore standby = kv.openStandby("scores", cfg);
 * ... standby.lag().lagTxns() ...
 * KvStore writer = standby.promote();   // fences the old writer, reads only what was left
 * }</pre>
 */
public interface StandbyStore extends KvStore {
    /** How far behind the writer this standby is. */
    StandbyLag lag();

    /** Becomes the writer (fencing the current one); this handle is closed, use the returned one. */
    KvStore promote();
}
