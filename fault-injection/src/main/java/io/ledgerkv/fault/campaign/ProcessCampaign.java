package io.ledgerkv.fault.campaign;

import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.cluster.MultiProcessCluster;
import io.ledgerkv.cluster.NetNamespaces;
import io.ledgerkv.fault.checker.CheckResult;
import io.ledgerkv.fault.checker.Checker;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.nemesis.ProcessFault;
import io.ledgerkv.fault.nemesis.ProcessNemesis;
import io.ledgerkv.fault.workload.Workload;
import io.ledgerkv.fault.workload.WriterSupervisor;
import io.ledgerkv.meta.ZkLayout;
import io.ledgerkv.store.DefaultLedgerKv;
import io.ledgerkv.txn.WriterHooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Campaign runs on a cluster of real processes ({@link MultiProcessCluster}: ZooKeeper servers
 * and bookies, each its own JVM, each in its own network namespace when the host allows it),
 * with the writer in processes of its own ({@link WriterNode}, started and restarted by
 * {@link WriterProcesses}). One cluster serves every run; each run uses a new store. The
 * orchestrator (this JVM) runs the nemesis ({@link ProcessNemesis}: signals and network faults), the
 * standby (its own client, over the network) and, after the run, the final writer that fences
 * whatever is left and reads everything; the checker then judges the merged history exactly as
 * for the in-JVM campaign.
 */
public final class ProcessCampaign implements AutoCloseable {
    private final MultiProcessCluster cluster;
    private final List<ProcessFault> kinds;
    private final Map<ProcessFault, String> unavailable;
    private final Path logs;
    /** Whether closing this campaign stops the cluster (not for the views {@link #only} makes). */
    private final boolean ownsCluster;

    /**
     * Starts the cluster: 3 ZooKeeper servers and 5 bookies, in namespaces if {@code network} (and
     * the host allows it). {@code wanted} kinds this host cannot inject are left out with their
     * reason ({@link #unavailable}).
     */
    public static ProcessCampaign start(List<ProcessFault> wanted, boolean network, Path logs) {
        boolean namespaces = network && NetNamespaces.unavailableReason() == null;
        Map<ProcessFault, String> unavailable = ProcessFault.unavailable(wanted, namespaces);
        MultiProcessCluster cluster = MultiProcessCluster.start(new MultiProcessCluster.Options(3, 5, null, namespaces));
        return new ProcessCampaign(cluster, ProcessFault.runnable(wanted, unavailable), unavailable, logs);
    }

    ProcessCampaign(MultiProcessCluster cluster, List<ProcessFault> kinds, Map<ProcessFault, String> unavailable, Path logs) {
        this(cluster, kinds, unavailable, logs, true);
    }

    private ProcessCampaign(MultiProcessCluster cluster, List<ProcessFault> kinds, Map<ProcessFault, String> unavailable, Path logs,
                            boolean ownsCluster) {
        this.ownsCluster = ownsCluster;
        this.cluster = cluster;
        this.kinds = kinds;
        this.unavailable = unavailable;
        this.logs = logs;
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same cluster with only {@code these} kinds (those this host can inject); closing it leaves the cluster running. */
    public ProcessCampaign only(List<ProcessFault> these) {
        List<ProcessFault> k = new ArrayList<>(these);
        k.retainAll(kinds);
        return new ProcessCampaign(cluster, k, unavailable, logs, false);
    }

    /** The kinds this campaign injects. */
    public List<ProcessFault> kinds() {
        return kinds;
    }

    /** Kinds asked for that this host cannot inject, each with the reason. */
    public Map<ProcessFault, String> unavailable() {
        return unavailable;
    }

    public MultiProcessCluster cluster() {
        return cluster;
    }

    /** One run (the config's {@code faults} and {@code zk} are ignored: the kinds are this campaign's, the cluster its own). */
    public Campaign.Result run(Campaign.Config c) {
        long t0 = System.nanoTime();
        String storeName = "campaign-" + c.seed() + "-" + System.currentTimeMillis();
        Map<String, Object> meta = Campaign.meta(c, kinds, "off");
        meta.put("unavailableFaults", unavailable.keySet().stream().map(Enum::name).toList());
        meta.put("cluster", "processes: " + cluster.zooKeeperCount() + " ZooKeeper servers, " + cluster.bookieCount() + " bookies"
                + (cluster.network() != null ? ", each in its own network namespace" : ", on loopback") + "; writer in its own JVM");
        meta.put("store", storeName);
        long start = System.nanoTime();
        History history = new History(meta, start);
        SplittableRandom seeds = new SplittableRandom(c.seed());
        Workload workload = Campaign.workload(c.workload());
        StoreConfig cfg = Campaign.storeConfig(false);
        Map<String, Integer> faults;
        Map<String, Integer> failedInjections;
        WriterProcesses procs = new WriterProcesses(cluster, history, c, storeName, start, logs);
        WriterSupervisor last = new WriterSupervisor(cluster.connectString(), storeName, cfg, WriterHooks.NONE, history, workload,
                Duration.ofMinutes(2));
        DefaultLedgerKv observer = DefaultLedgerKv.connect(
                WriterSupervisor.clientConfig(cluster.connectString()));
        ProcessNemesis nemesis = null;
        // What the run threw, and what its clean-up could not undo: each is kept, neither hides the other.
        Throwable failure = null;
        LedgerKvException notUndone = null;
        try {
            procs.startFirst();
            long deadline = System.nanoTime() + c.duration().toNanos();
            ProcessNemesis nem = new ProcessNemesis(cluster, nemesisWriters(procs, observer, storeName), history, seeds.nextLong(), kinds,
                    deadline, new ZkLayout(WriterSupervisor.clientConfig(cluster.connectString()).namespace(), storeName).ledgers());
            nemesis = nem;
            BooleanSupplier running = Campaign.running(nem, c.everyKindOnce(), deadline, Duration.ofMinutes(3));
            AtomicInteger processes = new AtomicInteger(1); // the orchestrator's own: the standby (writer processes have ranges of their own)
            Thread standby = new Thread(() -> Campaign.standbyLoop(cluster.connectString(), storeName, cfg, workload, history, processes,
                    running), "campaign-standby");
            Thread nemThread = new Thread(nem, "campaign-nemesis");
            standby.start();
            nemThread.start();
            while (running.getAsBoolean()) {
                Thread.sleep(50);
            }
            nem.stop();
            // The nemesis ends within its current fault (the longest hold, a heal that restarts nodes: 2 minutes each at most).
            nemThread.join(Duration.ofMinutes(5).toMillis());
            standby.join(Duration.ofMinutes(1).toMillis());
            if (nemThread.isAlive() || standby.isAlive()) {
                nemThread.interrupt();
                standby.interrupt();
                throw new IllegalStateException("the " + (nemThread.isAlive() ? "nemesis" : "standby") + " did not stop");
            }
            nem.heal();
            procs.stopAll();
            if (!nem.healFailures().isEmpty()) {
                throw new IllegalStateException("faults could not be healed: " + nem.healFailures());
            }
            faults = Campaign.byName(nem.counts());
            failedInjections = Campaign.byName(nem.failedInjections());
            meta.put("failedInjections", failedInjections);
            meta.put("checkpoints", procs.checkpoints());
            meta.put("writerProcesses", procs.started());
            Campaign.finalRead(last, history, processes.getAndIncrement(), c.workload());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LedgerKvException interrupted = new LedgerKvException("campaign interrupted", e);
            failure = interrupted;
            throw interrupted;
        } catch (Exception e) {
            LedgerKvException failed = new LedgerKvException("process campaign run " + c.seed() + " failed: " + e.getMessage(), e);
            failure = failed;
            throw failed;
        } catch (Error e) {
            failure = e;
            throw e;
        } finally {
            // Faults first: a close that throws must not leave a partition or a stopped node behind for the next run.
            List<String> leftovers = new ArrayList<>();
            if (nemesis != null) {
                try {
                    nemesis.heal(); // a run that failed part way leaves no fault behind for the next run
                } catch (RuntimeException e) {
                    leftovers.add(e.toString());
                }
            }
            if (cluster.network() != null) {
                leftovers.addAll(cluster.network().healAll());
            }
            if (!leftovers.isEmpty()) {
                notUndone = new LedgerKvException("process campaign run " + c.seed() + " left faults it could not undo: " + leftovers);
            }
            // Then the processes and clients; one that fails to close neither skips the others nor hides the run's failure.
            List<RuntimeException> unclosed = new ArrayList<>();
            for (Runnable close : List.<Runnable>of(procs::close, observer::crash, last::close)) {
                try {
                    close.run();
                } catch (RuntimeException e) {
                    unclosed.add(e);
                }
            }
            if (!unclosed.isEmpty() && notUndone == null) {
                notUndone = new LedgerKvException("process campaign run " + c.seed() + ": closing its processes and clients failed");
            }
            for (RuntimeException e : unclosed) {
                notUndone.addSuppressed(e);
            }
            if (notUndone != null && failure != null) {
                failure.addSuppressed(notUndone); // the run's own failure goes on, carrying this one
            }
        }
        if (notUndone != null) {
            throw notUndone; // the run itself succeeded: the faults left behind, or a failed close, fail it
        }
        CheckResult check = Checker.check(history);
        return new Campaign.Result(c, history, check, faults, failedInjections, (System.nanoTime() - t0) / 1_000_000);
    }

    private static ProcessNemesis.Writers nemesisWriters(WriterProcesses procs, DefaultLedgerKv observer,
                                                         String storeName) {
        return new ProcessNemesis.Writers() {
            @Override
            public void kill() throws Exception {
                WriterProcesses.awaitOpened(procs.current()); // kill a writer that is writing, not one still starting
                procs.killCurrent();
            }

            @Override
            public void killNow() {
                procs.killCurrent();
            }

            @Override
            public Object pause() throws Exception {
                WriterProcesses.Child c = procs.current();
                WriterProcesses.awaitOpened(c);
                procs.pause(c);
                return c;
            }

            @Override
            public void resume(Object paused) {
                procs.resume((WriterProcesses.Child) paused);
            }

            @Override
            public Map<String, Integer> successor() throws Exception {
                return procs.successor();
            }

            @Override
            public long epoch() throws Exception {
                return WriterProcesses.awaitOpened(procs.current());
            }

            @Override
            public List<String> ensemble() {
                try {
                    var st = observer.status(storeName);
                    var frags = st.ledgers().get(st.ledgers().size() - 1).fragments();
                    return frags.get(frags.size() - 1).ensemble();
                } catch (RuntimeException e) {
                    return List.of(); // metadata unreachable (a fault): any live bookie will do
                }
            }
        };
    }

    @Override
    public void close() {
        if (ownsCluster) {
            cluster.close();
        }
    }
}
