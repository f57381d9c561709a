package io.ledgerkv.bench.run;

import io.ledgerkv.bench.ClientThreads;
import io.ledgerkv.bench.ClientThreads.Group;
import io.ledgerkv.bench.store.StoreWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.ScalarResult;

/**
 * The commit path's cost per acknowledged transaction, from inside the benchmark JVM: CPU nanoseconds
 * and allocated bytes of the client-side threads ({@link ClientThreads}: the caller, the store's
 * {@code ledgerkv-*} threads and the BookKeeper client's), divided by the transactions
 * {@link StoreWriter}s saw acknowledged in the same iteration. Unlike throughput on this machine,
 * where the in-process bookies and the neighbours set the pace, these are costs of the store's own
 * code, so the regression gate can judge them ({@link Compare}: lower is better).
 *
 * <p>Results (per measured iteration), the gated ones first: {@code ·cost.cpu.ns/txn} (all client-side
 * threads), {@code ·cost.cpu.own} (the caller and the store's own threads only: the store's code and
 * nothing else), {@code ·cost.alloc.B/txn} (all client-side threads); then, as information,
 * {@code ·cost.cpu.caller}, {@code ·cost.cpu.store} (of which {@code ·cost.cpu.committer}),
 * {@code ·cost.cpu.bkclient} (ns/txn each) and
 * {@code ·cost.alloc.own} (B/txn), and {@code ·cost.vanishedThreads}: client-side threads that ended
 * inside an iteration, whose work since the iteration began is not counted (with automatic
 * checkpoints on, one per finished checkpoint). Iterations in which no transaction was acknowledged add nothing.
 *
 * <p>JMH runs a trial's tear-down before the last iteration's {@code afterIteration}, and the threads
 * of a closed store are gone by then with their counters: a benchmark calls {@link #endOfMeasurement()}
 * first thing in its trial tear-down, and that iteration ends there. Use:
 * {@code -prof io.ledgerkv.bench.run.CommitCostProfiler}; with {@code -Dledgerkv.bench.threads=FILE}
 * on the forks it also appends every iteration's per-thread CPU table to FILE.
 */
public final class CommitCostProfiler implements InternalProfiler {
    public static final String CPU = "·cost.cpu.ns/txn";
    public static final String OWN_CPU = "·cost.cpu.own";
    public static final String ALLOC = "·cost.alloc.B/txn";
    private static final Object LOCK = new Object();
    private static ClientThreads.Snapshot endSnapshot;
    private static long endAcknowledged;
    private static final String THREADS_FILE = System.getProperty("ledgerkv.bench.threads");

    private ClientThreads.Snapshot start;
    private long startAcknowledged;

    public CommitCostProfiler() {
        if (!ClientThreads.supported()) {
            throw new IllegalStateException("this JVM cannot count per-thread CPU time and allocation");
        }
    }

    @Override
    public String getDescription() {
        return "CPU ns and allocated bytes of the client-side threads per acknowledged transaction";
    }

    /** Ends the current iteration's count here, before a trial tear-down closes the store and its threads end. */
    public static void endOfMeasurement() {
        synchronized (LOCK) {
            endAcknowledged = StoreWriter.acknowledgedInThisJvm();
            endSnapshot = ClientThreads.supported() ? ClientThreads.take() : null;
        }
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        synchronized (LOCK) {
            endSnapshot = null;
        }
        startAcknowledged = StoreWriter.acknowledgedInThisJvm();
        start = ClientThreads.take();
    }

    @Override
    public Collection<ScalarResult> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                        IterationResult result) {
        ClientThreads.Snapshot end;
        long txns;
        synchronized (LOCK) {
            end = endSnapshot != null ? endSnapshot : ClientThreads.take();
            txns = (endSnapshot != null ? endAcknowledged : StoreWriter.acknowledgedInThisJvm()) - startAcknowledged;
            endSnapshot = null;
        }
        if (THREADS_FILE != null) {
            append(Path.of(THREADS_FILE), String.format(Locale.ROOT, "# %s %s, %d transactions acknowledged%n%s%n",
                    benchmarkParams.id(), iterationParams.getType(), txns, ClientThreads.table(start, end)));
        }
        if (txns <= 0) {
            return List.of();
        }
        ClientThreads.Usage u = ClientThreads.between(start, end);
        double n = txns;
        List<ScalarResult> out = new ArrayList<>();
        out.add(new ScalarResult(CPU, u.clientCpuNanos() / n, "ns/txn", AggregationPolicy.AVG));
        out.add(new ScalarResult(OWN_CPU, u.ownCpuNanos() / n, "ns/txn", AggregationPolicy.AVG));
        out.add(new ScalarResult(ALLOC, u.clientAllocatedBytes() / n, "B/txn", AggregationPolicy.AVG));
        out.add(new ScalarResult("·cost.cpu.caller", u.cpuNanos().get(Group.CALLER) / n, "ns/txn", AggregationPolicy.AVG));
        out.add(new ScalarResult("·cost.cpu.store", u.cpuNanos().get(Group.STORE) / n, "ns/txn", AggregationPolicy.AVG));
        out.add(new ScalarResult("·cost.cpu.committer", u.committerCpuNanos() / n, "ns/txn", AggregationPolicy.AVG));
        out.add(new ScalarResult("·cost.cpu.bkclient", u.cpuNanos().get(Group.BK_CLIENT) / n, "ns/txn", AggregationPolicy.AVG));
        out.add(new ScalarResult("·cost.alloc.own", u.ownAllocatedBytes() / n, "B/txn", AggregationPolicy.AVG));
        // client-side threads that ended inside the iteration, their work lost (each automatic checkpoint's thread)
        out.add(new ScalarResult("·cost.vanishedThreads", u.vanished(), "threads", AggregationPolicy.SUM));
        return out;
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }
}
