package io.ledgerkv.fault.nemesis;
import java.util.List;


/** The faults the nemesis can inject (see the module README for what each does and why). */
public enum FaultKind {
    /** Stop a random bookie abruptly (its connections drop), restart it after the hold. */
    KILL_BOOKIE,
    /** Stop a bookie of the current ledger's ensemble while transactions are in flight. */
    KILL_ENSEMBLE_BOOKIE,
    /** Stop all bookies but one, below the ack quorum: nothing commits until they return. */
    KILL_BELOW_ACK_QUORUM,
    /** Freeze an ensemble bookie (it keeps its connections and stops answering), like a long GC pause. */
    PAUSE_BOOKIE,
    /** Mark an ensemble bookie's ledger directories full: it turns read-only. */
    READ_ONLY_BOOKIE,
    /** Expire the writer's ZooKeeper session: it fences itself; the supervisor opens a successor. */
    EXPIRE_WRITER_SESSION,
    /** The writer process dies with commits in flight; a successor opens the store and fences it. */
    CRASH_WRITER,
    /** A successor opens the store while the old writer is still alive and committing. */
    SUCCESSOR_FENCES_WRITER,
    /**
     * Stop all bookies but one, let commits pile up behind the outage, then crash the writer: what
     * it had in flight is indeterminate, and nothing it acknowledged may be lost. A successor opens
     * once the bookies are back.
     */
    CRASH_WRITER_IN_OUTAGE;

    /**
     * Whether the fault acts on bookies, which only the embedded cluster lets the nemesis do.
     * Against an external cluster (ledgerkv fault run --zk) only the writer-side faults run; the
     * orchestrator kills and pauses bookies (deploy/README.md).
     */
    /** Why {@code kinds} cannot run against an external cluster, or null if they can. */
    public static String refusedWithoutEmbeddedCluster(List<FaultKind> kinds) {
        List<FaultKind> bookie = kinds.stream().filter(FaultKind::needsEmbeddedCluster).toList();
        return bookie.isEmpty() ? null : "fault kinds " + bookie + " act on bookies, which the nemesis controls only in the embedded "
                + "cluster; against an external cluster the orchestrator kills and pauses bookies (see deploy/README.md)";
    }

    public boolean needsEmbeddedCluster() {
        return switch (this) {
            case EXPIRE_WRITER_SESSION, CRASH_WRITER, SUCCESSOR_FENCES_WRITER -> false;
            default -> true;
        };
    }
}
