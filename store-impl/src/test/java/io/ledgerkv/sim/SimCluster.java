package io.ledgerkv.sim;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.store.DefaultLedgerKv;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A simulated cluster: one {@link SimZooKeeper}, {@code bookies} simulated bookies, one seeded
 * {@link FaultPlan}. Stores connect to it through the same two doors as to a real cluster
 * ({@link DefaultLedgerKv#over}); everything above the doors is the real store.
 */
public final class SimCluster implements AutoCloseable {
    /** BookKeeper's ledgers root, which {@link DefaultLedgerKv} checks for when it connects. */
    public static final String LEDGERS_ROOT = "/ledgers";

    private final FaultPlan plan;
    private final ScheduledExecutorService delivery;
    private final SimZooKeeper zk;
    private final SimBookKeeper bk;
    /** The first exception a delivered callback threw (see {@link #callbackFailure}). */
    private final AtomicReference<Throwable> callbackFailure = new AtomicReference<>();

    public SimCluster(int bookies, long seed, FaultPlan plan) {
        this.plan = plan;
        this.delivery = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sim-delivery");
            t.setDaemon(true);
            return t;
        }) {
            @Override
            protected void afterExecute(Runnable r, Throwable t) {
                super.afterExecute(r, t);
                Throwable thrown = t;
                // The pool runs every task as a future, which keeps what the task threw: look inside.
                if (thrown == null && r instanceof Future<?> f && f.isDone()) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        thrown = e.getCause();
                    } catch (CancellationException e) {
                        // cancelled, not failed
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (thrown != null) {
                    callbackFailure.compareAndSet(null, thrown);
                }
            }
        };
        this.zk = new SimZooKeeper(plan, delivery);
        this.zk.ensurePath(LEDGERS_ROOT);
        this.bk = new SimBookKeeper(bookies, seed, plan, delivery);
    }

    /**
     * Client settings for the simulation: short operation timeouts and retry pauses (the
     * simulation answers in microseconds), the given clock.
     */
    public static ClientConfig.Builder clientConfig() {
        return ClientConfig.builder("127.0.0.1:2181").operationTimeout(Duration.ofMillis(200)).retryBackoff(Duration.ofMillis(1))
                .addEntryTimeout(Duration.ofSeconds(1)).readEntryTimeout(Duration.ofSeconds(1));
    }

    /** A store client on this cluster, through simulated ZooKeeper and BookKeeper clients of its own. */
    public DefaultLedgerKv connect(ClientConfig config) {
        return DefaultLedgerKv.over(config, zk.connect(), bk.connect());
    }

    /** Expires the ZooKeeper session of {@code client} (its writers lose their ownership). */
    public void expireSession(DefaultLedgerKv client) {
        zk.expire((SimZooKeeper.Client) client.nodes());
    }

    /**
     * The first exception that a callback of the store threw when the simulated BookKeeper or
     * ZooKeeper delivered an outcome to it, or null. The real clients catch and log such an exception
     * on their own threads, so a store whose callback throws loses that outcome silently (a writer
     * waiting for it waits until its stall bound); the simulation makes it a failure of its own.
     */
    public Throwable callbackFailure() {
        return callbackFailure.get();
    }

    public FaultPlan plan() {
        return plan;
    }

    public SimZooKeeper zooKeeper() {
        return zk;
    }

    public SimBookKeeper bookKeeper() {
        return bk;
    }

    /**
     * Waits until the delivery thread has run everything due by now (acknowledgements without a
     * delay, session-loss notices), so a check sees their effect rather than racing them.
     */
    public void quiesce() {
        try {
            delivery.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the simulation's delivery thread did not answer in 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the fault phase: no more faults, every bookie up. */
    public void heal() {
        plan.heal();
        bk.startAll();
    }

    @Override
    public void close() {
        delivery.shutdownNow();
        try {
            delivery.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
