package io.ledgerkv.fault.nemesis;

import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.workload.WriterSupervisor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.bookkeeper.net.BookieId;

/**
 * The in-JVM nemesis: faults on the embedded cluster's bookies (lifecycle stop, suspend, disk full)
 * and on the writer (session expiry, crash, a successor), on {@link FaultLoop}'s seeded schedule.
 * {@link #heal()} undoes whatever is still in effect.
 */
public final class Nemesis extends FaultLoop<FaultKind> {
    private final LocalCluster cluster;
    private final WriterSupervisor writers;
    private final List<Integer> killed = new ArrayList<>();
    private final List<Integer> paused = new ArrayList<>();
    private final List<Integer> full = new ArrayList<>();

    /** @param cluster the embedded cluster, or null against an external one (then only writer-side kinds) */
    public Nemesis(LocalCluster cluster, WriterSupervisor writers, History history, long seed, List<FaultKind> kinds,
                   long deadlineNanos) {
        super(history, seed, kinds, deadlineNanos);
        if (cluster == null && FaultKind.refusedWithoutEmbeddedCluster(kinds) != null) {
            throw new IllegalArgumentException(FaultKind.refusedWithoutEmbeddedCluster(kinds));
        }
        this.cluster = cluster;
        this.writers = writers;
    }

    @Override
    protected void inject(FaultKind kind, Map<String, Object> what) throws Exception {
        switch (kind) {
            case KILL_BOOKIE -> {
                int b = randomRunning();
                cluster.killBookie(b);
                killed.add(b);
                what.put("bookies", List.of(b));
            }
            case KILL_ENSEMBLE_BOOKIE -> {
                int b = ensembleBookie(random.nextInt(3));
                cluster.killBookie(b);
                killed.add(b);
                what.put("bookies", List.of(b));
            }
            case KILL_BELOW_ACK_QUORUM -> killAllButOne(what);
            case CRASH_WRITER_IN_OUTAGE -> {
                killAllButOne(what);
                pause(200 + random.nextInt(600));
                what.put("epoch", writers.current().epoch());
                writers.crashWriterLeaveDown();
            }
            case PAUSE_BOOKIE -> {
                int b = ensembleBookie(random.nextInt(3));
                cluster.suspendBookie(b);
                paused.add(b);
                what.put("bookies", List.of(b));
            }
            case READ_ONLY_BOOKIE -> {
                int b = ensembleBookie(random.nextInt(3));
                cluster.setBookieDiskFull(b, true);
                full.add(b);
                what.put("bookies", List.of(b));
            }
            case EXPIRE_WRITER_SESSION -> {
                writers.expireWriterSession();
                what.put("epoch", writers.current().epoch());
            }
            case CRASH_WRITER -> {
                what.put("epoch", writers.current().epoch());
                writers.crashWriter();
            }
            case SUCCESSOR_FENCES_WRITER -> {
                what.put("epoch", writers.current().epoch());
                what.putAll(writers.successorTakesOver());
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
    }

    /** Leaves one bookie running: fewer than the ack quorum (2), so nothing can commit until they return. */
    private void killAllButOne(Map<String, Object> what) {
        List<Integer> running = cluster.runningBookies();
        int survivor = running.get(random.nextInt(running.size()));
        for (int b : running) {
            if (b != survivor) {
                cluster.killBookie(b);
                killed.add(b);
            }
        }
        what.put("bookies", List.copyOf(killed));
    }

    private int randomRunning() {
        List<Integer> running = cluster.runningBookies();
        return running.get(random.nextInt(running.size()));
    }

    /** A bookie of the current ledger's newest ensemble (falls back to a random running one). */
    private int ensembleBookie(int pick) {
        try {
            StoreStatus st = writers.current().client().status(writers.current().store().name());
            var frags = st.ledgers().get(st.ledgers().size() - 1).fragments();
            List<String> ensemble = frags.get(frags.size() - 1).ensemble();
            int b = cluster.indexOf(BookieId.parse(ensemble.get(pick % ensemble.size())));
            if (b >= 0 && cluster.isRunning(b)) {
                return b;
            }
        } catch (RuntimeException e) {
            // the writer is changing; any bookie will do
        }
        return randomRunning();
    }

    /** Undoes every fault still in effect. */
    @Override
    public synchronized void heal() {
        for (int b : paused) {
            if (cluster.isRunning(b)) {
                cluster.resumeBookie(b);
            }
        }
        paused.clear();
        for (int b : full) {
            if (cluster.isRunning(b)) {
                cluster.setBookieDiskFull(b, false);
            }
        }
        full.clear();
        for (int b : killed) {
            try {
                if (!cluster.isRunning(b)) {
                    cluster.restartBookie(b);
                }
            } catch (Exception e) {
                throw new IllegalStateException("could not restart bookie " + b, e);
            }
        }
        killed.clear();
    }
}
