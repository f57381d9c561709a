package io.ledgerkv.fault.nemesis;

import io.ledgerkv.cluster.MultiProcessCluster;
import io.ledgerkv.cluster.NetNamespaces;
import io.ledgerkv.fault.history.History;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * The nemesis of a campaign on a {@link MultiProcessCluster}: real signals to real processes
 * (SIGKILL, SIGSTOP/SIGCONT of bookies, ZooKeeper servers and the writer process) and, when the
 * cluster has a network, faults on its links ({@link NetNamespaces}), on {@link FaultLoop}'s seeded
 * schedule. {@link #heal()} resumes what is paused, restarts what was killed on its own data and
 * undoes every network fault.
 */
public final class ProcessNemesis extends FaultLoop<ProcessFault> {
    /** What the nemesis needs from the campaign's writer processes. */
    public interface Writers {
        /** SIGKILL the current writer process once it has opened (its successor is started by the campaign). */
        void kill() throws Exception;

        /** SIGKILL the current writer process at once, opened or not. */
        void killNow();

        /** SIGSTOP the current writer process once it has opened; returns a handle to {@link #resume}. */
        Object pause() throws Exception;

        /** SIGCONT a paused writer process. */
        void resume(Object paused);

        /** Starts a second writer process while the current one runs; returns the in-flight counts at the fence. */
        Map<String, Integer> successor() throws Exception;

        /** The epoch of the current writer (waiting, bounded, until it has opened), for the record. */
        long epoch() throws Exception;

        /** Bookie ids of the store's newest ensemble (the bookies its writes go to now); empty if unknown. */
        List<String> ensemble();
    }

    private final MultiProcessCluster cluster;
    private final Writers writers;
    private final String ledgersPath;
    private final List<Integer> killedBookies = new ArrayList<>();
    private final List<Integer> pausedBookies = new ArrayList<>();
    private final List<Integer> killedZk = new ArrayList<>();
    private final List<Integer> pausedZk = new ArrayList<>();
    private final List<Object> pausedWriters = new ArrayList<>();

    /** @param ledgersPath the store's ledger-list znode, which {@link ProcessFault#ZOOKEEPER_LOSS_AT_METADATA_UPDATE} watches */
    public ProcessNemesis(MultiProcessCluster cluster, Writers writers, History history, long seed, List<ProcessFault> kinds,
                          long deadlineNanos, String ledgersPath) {
        super(history, seed, kinds, deadlineNanos);
        this.cluster = cluster;
        this.writers = writers;
        this.ledgersPath = ledgersPath;
    }

    /** 1.5 s in the forced schedule, else as {@link FaultLoop}; a paused writer 2–6 s (5 s forced): its session is 4 s. */
    @Override
    protected int holdMillis(ProcessFault kind, boolean forcedSchedule) {
        if (kind == ProcessFault.PAUSE_WRITER) {
            return forcedSchedule ? 5000 : 2000 + random.nextInt(4000);
        }
        return forcedSchedule ? 1500 : super.holdMillis(kind, false);
    }

    @Override
    protected void inject(ProcessFault kind, Map<String, Object> what) throws Exception {
        NetNamespaces net = cluster.network();
        switch (kind) {
            case KILL_BOOKIE -> {
                int b = liveBookie();
                cluster.killBookie(b);
                killedBookies.add(b);
                what.put("bookie", cluster.bookieId(b));
            }
            case PAUSE_BOOKIE -> {
                int b = ensembleBookie();
                cluster.pauseBookie(b);
                pausedBookies.add(b);
                what.put("bookie", cluster.bookieId(b));
            }
            case KILL_ZOOKEEPER -> {
                int z = random.nextInt(cluster.zooKeeperCount());
                cluster.killZooKeeper(z);
                killedZk.add(z);
                what.put("zookeeper", cluster.zooKeeperNode(z));
            }
            case PAUSE_ZOOKEEPER -> {
                int z = random.nextInt(cluster.zooKeeperCount());
                cluster.pauseZooKeeper(z);
                pausedZk.add(z);
                what.put("zookeeper", cluster.zooKeeperNode(z));
            }
            case KILL_WRITER -> {
                what.put("epoch", writers.epoch());
                writers.kill();
            }
            case KILL_WRITER_IN_OUTAGE -> {
                what.put("epoch", writers.epoch()); // a writer that has opened, before its bookies go
                List<Integer> live = new ArrayList<>();
                for (int b = 0; b < cluster.bookieCount(); b++) {
                    if (cluster.bookieAlive(b)) {
                        live.add(b);
                    }
                }
                int survivor = live.get(random.nextInt(live.size()));
                for (int b : live) {
                    if (b != survivor) {
                        cluster.killBookie(b);
                        killedBookies.add(b);
                    }
                }
                what.put("bookiesKilled", killedBookies.stream().map(cluster::bookieId).toList());
                pause(200 + random.nextInt(600));
                writers.killNow(); // whatever process is current now: the outage may already have ended the one that opened
            }
            case PAUSE_WRITER -> {
                what.put("epoch", writers.epoch());
                pausedWriters.add(writers.pause());
            }
            case SUCCESSOR_FENCES_WRITER -> {
                what.put("epoch", writers.epoch());
                what.putAll(writers.successor());
            }
            case PARTITION_BOOKIE -> {
                int b = ensembleBookie();
                net.isolate(cluster.bookieNode(b));
                what.put("bookie", cluster.bookieId(b));
            }
            case PARTITION_WRITER_FROM_ZOOKEEPER -> net.cut("writer", zooKeeperNodes());
            case PARTITION_ZOOKEEPER_MINORITY -> {
                int z = random.nextInt(cluster.zooKeeperCount());
                net.isolate(cluster.zooKeeperNode(z));
                what.put("zookeeper", cluster.zooKeeperNode(z));
            }
            case ZOOKEEPER_LOSS_AT_METADATA_UPDATE -> {
                long waited = awaitMetadataChange();
                net.cut("writer", zooKeeperNodes());
                what.put("afterChangeMillis", waited);
            }
            case LOSSY_WRITER_LINK -> net.lossy("writer", 20);
            case SLOW_BOOKIE_LINK -> {
                int b = ensembleBookie();
                net.slow(cluster.bookieNode(b), 256);
                what.put("bookie", cluster.bookieId(b));
            }
            case DELAY_REORDER_BOOKIE -> {
                int b = ensembleBookie();
                net.delayReorder(cluster.bookieNode(b), 40, 30);
                what.put("bookie", cluster.bookieId(b));
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
    }

    private List<String> zooKeeperNodes() {
        List<String> out = new ArrayList<>();
        for (int z = 0; z < cluster.zooKeeperCount(); z++) {
            out.add(cluster.zooKeeperNode(z));
        }
        return out;
    }

    /**
     * A live bookie of the store's newest ensemble, where its writes go now (as the in-JVM
     * nemesis's ensemble faults); any live bookie when the ensemble cannot be read.
     */
    private int ensembleBookie() {
        List<String> ensemble = writers.ensemble();
        List<Integer> in = new ArrayList<>();
        for (int b = 0; b < cluster.bookieCount(); b++) {
            if (ensemble.contains(cluster.bookieId(b)) && cluster.bookieAlive(b) && !cluster.bookiePaused(b)) {
                in.add(b);
            }
        }
        return in.isEmpty() ? liveBookie() : in.get(random.nextInt(in.size()));
    }

    /** A bookie that is running and not paused (there is always one: faults are healed one at a time). */
    private int liveBookie() {
        List<Integer> live = new ArrayList<>();
        for (int b = 0; b < cluster.bookieCount(); b++) {
            if (cluster.bookieAlive(b) && !cluster.bookiePaused(b)) {
                live.add(b);
            }
        }
        if (live.isEmpty()) {
            throw new IllegalStateException("no live bookie to fault");
        }
        return live.get(random.nextInt(live.size()));
    }

    /**
     * Waits (up to 10 s) for the store's ledger list to change: the writer rolled or closed a
     * ledger, so it is in the middle of its metadata updates. Returns how long it waited.
     */
    private long awaitMetadataChange() throws Exception {
        long t0 = System.nanoTime();
        CountDownLatch changed = new CountDownLatch(1);
        try (ZooKeeper zk = new ZooKeeper(cluster.connectString(), 10_000, e -> { })) {
            Watcher w = e -> {
                if (e.getType() == Watcher.Event.EventType.NodeDataChanged) {
                    changed.countDown(); // not a connection event: the list itself changed
                }
            };
            long until = t0 + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try {
                    zk.getData(ledgersPath, w, null);
                    break;
                } catch (KeeperException.ConnectionLossException e) {
                    if (System.nanoTime() > until) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
            if (!changed.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the store's ledger list did not change within 10 s");
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Override
    public synchronized void heal() {
        List<String> problems = new ArrayList<>();
        if (cluster.network() != null) {
            problems.addAll(cluster.network().healAll());
        }
        for (Object w : pausedWriters) {
            writers.resume(w);
        }
        pausedWriters.clear();
        for (int b : pausedBookies) {
            if (cluster.bookieAlive(b)) {
                cluster.resumeBookie(b);
            }
        }
        pausedBookies.clear();
        for (int z : pausedZk) {
            if (cluster.zooKeeperAlive(z)) {
                cluster.resumeZooKeeper(z);
            }
        }
        pausedZk.clear();
        for (int z : killedZk) {
            try {
                cluster.restartZooKeeper(z);
            } catch (Exception e) {
                problems.add("restart " + cluster.zooKeeperNode(z) + ": " + e);
            }
        }
        killedZk.clear();
        if (!killedBookies.isEmpty()) {
            try {
                cluster.restartBookies(killedBookies);
            } catch (Exception e) {
                problems.add("restart bookies " + killedBookies + ": " + e);
            }
        }
        killedBookies.clear();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("could not heal: " + problems);
        }
    }
}
