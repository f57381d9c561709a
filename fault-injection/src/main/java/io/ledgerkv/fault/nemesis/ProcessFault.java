package io.ledgerkv.fault.nemesis;

import io.ledgerkv.cluster.NetNamespaces;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The faults of a campaign on a cluster of processes ({@code ledgerkv fault run --processes}):
 * signals to real processes and, with network namespaces, faults on real links. See the module
 * README for what each exercises.
 */
public enum ProcessFault {
    /** SIGKILL a bookie; after the hold it restarts on its own data, address and port. */
    KILL_BOOKIE(false),
    /** SIGSTOP a bookie of the store's current ensemble (sockets stay open, nothing answers); SIGCONT after the hold. */
    PAUSE_BOOKIE(false),
    /** SIGKILL a ZooKeeper server; it restarts on its own data after the hold. */
    KILL_ZOOKEEPER(false),
    /** SIGSTOP a ZooKeeper server; SIGCONT after the hold. */
    PAUSE_ZOOKEEPER(false),
    /** SIGKILL the writer process with commits in flight; a successor process opens the store. */
    KILL_WRITER(false),
    /** SIGSTOP the writer process for 2-6 s (its 4 s session may expire meanwhile); SIGCONT. */
    PAUSE_WRITER(false),
    /**
     * SIGKILL all bookies but one (below the ack quorum), let commits pile up, then SIGKILL the
     * writer process: what it acknowledged must survive; the bookies restart on their data after
     * the hold and a successor process recovers.
     */
    KILL_WRITER_IN_OUTAGE(false),
    /** A second writer process opens the store while the first is alive and committing. */
    SUCCESSOR_FENCES_WRITER(false),
    /** The link of a bookie of the current ensemble goes down: no packet in or out. */
    PARTITION_BOOKIE(true),
    /** The writer loses ZooKeeper (every server) but keeps the bookies. */
    PARTITION_WRITER_FROM_ZOOKEEPER(true),
    /** One ZooKeeper server is cut off from everything (a minority of the ensemble). */
    PARTITION_ZOOKEEPER_MINORITY(true),
    /**
     * The writer's ZooKeeper links are cut right after its store's ledger list changed (a roll or a
     * close): the update that follows meets a lost connection. Not a cut in the middle of one update.
     */
    ZOOKEEPER_LOSS_AT_METADATA_UPDATE(true),
    /** 20 % of the writer's packets, in and out, are dropped at random (nftables). */
    LOSSY_WRITER_LINK(true),
    /** The link of a bookie of the current ensemble is throttled to 256 kbit/s both ways (a token bucket: queueing delay, drops when full). */
    SLOW_BOOKIE_LINK(true),
    /** The packets of a bookie of the current ensemble are delayed 40 ± 30 ms and a quarter of them reordered (tc netem). */
    DELAY_REORDER_BOOKIE(true);

    private final boolean network;

    ProcessFault(boolean network) {
        this.network = network;
    }

    /** Whether the fault acts on the network (needs namespaces). */
    public boolean network() {
        return network;
    }

    /**
     * Which of {@code wanted} this host cannot inject, and why (one line each): network kinds without
     * namespaces, loss without {@code nft}, delay/reorder without netem. The campaign runs the rest.
     */
    public static Map<ProcessFault, String> unavailable(List<ProcessFault> wanted, boolean namespaces) {
        Map<ProcessFault, String> out = new LinkedHashMap<>();
        String nsWhy = namespaces ? null : "network faults are off: " + Objects.requireNonNullElse(
                NetNamespaces.unavailableReason(), "the campaign runs without --network");
        String lossWhy = namespaces && wanted.contains(LOSSY_WRITER_LINK) ? NetNamespaces.lossUnavailableReason() : null;
        String netemWhy = namespaces && wanted.contains(DELAY_REORDER_BOOKIE) ? NetNamespaces.netemUnavailableReason() : null;
        for (ProcessFault k : wanted) {
            if (k.network && !namespaces) {
                out.put(k, nsWhy);
            } else if (k == LOSSY_WRITER_LINK && lossWhy != null) {
                out.put(k, lossWhy);
            } else if (k == DELAY_REORDER_BOOKIE && netemWhy != null) {
                out.put(k, netemWhy);
            }
        }
        return out;
    }

    /** {@code wanted} without what {@link #unavailable} lists. */
    public static List<ProcessFault> runnable(List<ProcessFault> wanted, Map<ProcessFault, String> unavailable) {
        List<ProcessFault> out = new ArrayList<>(wanted);
        out.removeAll(unavailable.keySet());
        return out;
    }
}
