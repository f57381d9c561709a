package io.ledgerkv.fault.workload;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.meta.zookeeper.CuratorNodes;
import io.ledgerkv.store.BookKeeperStore;
import io.ledgerkv.store.DefaultLedgerKv;
import io.ledgerkv.txn.WriterHooks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one writer process for the store, as a stream-processing container would: when the writer
 * is fenced, crashes or loses its session, a successor opens the store (fencing whatever is left of
 * the old one) and re-learns the workload's view from it. Its lock serializes building transactions
 * with writer changes. Every writer open is recorded in the history (epoch and time), which is what
 * the checker uses to find writes acknowledged by a writer after a successor took over.
 */
public final class WriterSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(WriterSupervisor.class);
    /** The campaign writers' client timeouts: short, so a stalled bookie is noticed within a run. */
    public static final Duration ADD_ENTRY_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(20);
    /**
     * The latest a campaign writer's commit fails by itself when the log stalls: two add timeouts
     * (the write, then the retry on a new ledger) and the operation timeout for rolling. A commit
     * that is still unanswered after this has hung.
     */
    public static final Duration STORE_GIVES_UP_WITHIN = ADD_ENTRY_TIMEOUT.multipliedBy(2).plus(OPERATION_TIMEOUT);

    /** One writer process: its client and store handle, and how many of its commits the workers are waiting for. */
    public record Handle(DefaultLedgerKv client, BookKeeperStore store, long epoch, AtomicInteger inFlight) {
        public Handle(DefaultLedgerKv client, BookKeeperStore store, long epoch) {
            this(client, store, epoch, new AtomicInteger());
        }

        public boolean failed() {
            return store.writerFailure() != null;
        }
    }

    private final String connectString;
    private final String storeName;
    private final StoreConfig cfg;
    private final WriterHooks hooks;
    private final History history;
    private final Workload workload;
    private final Duration openTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Handle current;
    /** Serializes writer opens (workers replacing a failed writer, the fencing fault). */
    private final ReentrantLock opening = new ReentrantLock();
    /** Called with each writer right after its open returned (the fencing fault samples the old writer there). */
    private volatile Consumer<Handle> openedHook = h -> { };
    /** When set, a failed writer is not replaced here but this runs (it ends the writer process). */
    private volatile Runnable onWriterLost;
    /** Old writers the fencing fault left running; closed with the supervisor. */
    private final List<Handle> retired = new CopyOnWriteArrayList<>();

    /** @param connectString the cluster's ZooKeeper connect string (embedded or external) */
    public WriterSupervisor(String connectString, String storeName, StoreConfig cfg, WriterHooks hooks, History history,
                            Workload workload, Duration openTimeout) {
        this.connectString = connectString;
        this.storeName = storeName;
        this.cfg = cfg;
        this.hooks = hooks;
        this.history = history;
        this.workload = workload;
        this.openTimeout = openTimeout;
    }

    /** The campaign's client settings (writers and the standby): short timeouts, so a stalled bookie is noticed within a run. */
    public static ClientConfig clientConfig(String connectString) {
        return ClientConfig.builder(connectString).sessionTimeout(Duration.ofSeconds(4)).connectTimeout(Duration.ofSeconds(4))
                .addEntryTimeout(ADD_ENTRY_TIMEOUT).operationTimeout(OPERATION_TIMEOUT).build();
    }

    /**
     * In a writer process of its own, a failed writer is not replaced in the same process:
     * {@code action} runs instead (it ends the process, and the orchestrator starts a successor,
     * as a stream processor's job coordinator restarts a failed container).
     */
    public void onWriterLost(Runnable action) {
        this.onWriterLost = action;
    }

    public ReentrantLock lock() {
        return lock;
    }

    public Handle current() {
        return current;
    }

    /** Opens the first writer (or a successor), retrying while the cluster cannot take it. */
    public Handle open() {
        lock.lock();
        try {
            return openSuccessor();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens a writer and makes it current. Needs no supervisor lock: the fencing fault calls it
     * while workers keep committing through the old writer (the workload's id counter is atomic).
     * Opens are serialized among themselves ({@code opening}), so two writers never open at once
     * and {@code current} never goes back to an older epoch.
     */
    private Handle openSuccessor() {
        opening.lock();
        try {
            return openOne();
        } finally {
            opening.unlock();
        }
    }

    private Handle openOne() {
        long deadline = System.nanoTime() + openTimeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            DefaultLedgerKv client = null;
            try {
                client = DefaultLedgerKv.connect(clientConfig(connectString));
                BookKeeperStore s = client.open(storeName, cfg, hooks);
                // Recorded as soon as the open (and so the fence) is done: the checker flags acks of older epochs after it.
                history.add(-1, Event.Type.WRITER_OPEN, "writer-open", Map.of("epoch", s.epoch()), s.epoch(), null, null);
                Handle h = new Handle(client, s, s.epoch());
                openedHook.accept(h);
                workload.reload(s);
                current = h;
                return h;
            } catch (RuntimeException e) {
                last = e;
                if (client != null) {
                    client.crash();
                }
                LOG.debug("writer open failed, retrying: {}", e.toString());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new LedgerKvException("interrupted while opening a writer", ie);
                }
            }
        }
        throw new LedgerKvException("no writer could open store '" + storeName + "' within " + openTimeout, last);
    }

    /**
     * Replaces {@code failed} with a successor, unless someone already did: also the fencing fault,
     * whose open this waits for (opens are serialized) before looking again.
     */
    @SuppressWarnings("ReferenceEquality") // identity: whether the very writer that failed is still the current one
    public Handle replace(Handle failed) {
        lock.lock();
        try {
            if (current != failed) {
                return current;
            }
            if (onWriterLost != null) {
                onWriterLost.run(); // a writer process of its own: it dies, its orchestrator starts the successor
            }
            opening.lock();
            try {
                if (current != failed) {
                    return current; // the fencing fault's successor fenced it
                }
                failed.client().crash(); // a failed writer process is gone; its clients go with it
                return openOne();
            } finally {
                opening.unlock();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Nemesis: the writer process dies; a successor takes over. */
    public void crashWriter() {
        lock.lock();
        try {
            current.client().crash();
            openSuccessor();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Nemesis: the writer process dies and nobody opens a successor yet; the workers find it failed
     * and open one when the cluster lets them. Takes no lock: a worker may be holding it while it
     * waits for bookies that only the nemesis will bring back.
     */
    public void crashWriterLeaveDown() {
        current.client().crash();
    }

    /**
     * Nemesis: a successor opens the store while the old writer is alive and its workers keep
     * committing (a container restarted elsewhere while the old one was still running). The
     * successor takes no lock, so the old writer has commits in flight when its ledger is fenced:
     * each one is acknowledged before the fence or fails with {@code StoreFencedException}. The
     * old process stays up, as a real one would, until the run ends.
     *
     * @return how many commits the old writer's workers were waiting for when the successor began
     *     to open, and when its open (and so the fence) had just completed
     */
    public Map<String, Integer> successorTakesOver() throws InterruptedException {
        long until = System.nanoTime() + openTimeout.toNanos();
        while (current.failed() && System.nanoTime() < until) {
            Thread.sleep(50); // a worker is replacing a writer an earlier fault took down: fence its successor
        }
        opening.lock(); // no other open runs meanwhile: the writer fenced here is the live one
        try {
            Handle old = current;
            if (old.failed()) {
                throw new IllegalStateException("the writer of epoch " + old.epoch() + " has already failed; nothing live to fence");
            }
            int atStart = old.inFlight().get();
            int[] atOpen = {-1};
            openedHook = h -> atOpen[0] = old.inFlight().get();
            try {
                openOne();
                retired.add(old);
            } finally {
                openedHook = h -> { };
            }
            return Map.of("oldWriterInFlightAtStart", atStart, "oldWriterInFlightWhenOpened", atOpen[0]);
        } finally {
            opening.unlock();
        }
    }

    /** Nemesis: the writer's ZooKeeper session expires; it fences itself, and workers replace it when they notice. */
    public void expireWriterSession() throws Exception {
        Handle h = current;
        LocalCluster.expireSession(connectString, CuratorNodes.zooKeeperOf(h.client().nodes()));
    }

    public void close() {
        for (Handle r : retired) {
            r.client().crash();
        }
        Handle h = current;
        if (h != null) {
            h.client().close();
        }
    }
}
