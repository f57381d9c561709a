package io.ledgerkv.fault.campaign;

import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.workload.Workload;
import io.ledgerkv.fault.workload.WriterSupervisor;
import io.ledgerkv.meta.Json;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The campaign's writer as a process of its own (a stream-processing container): it opens the
 * store (fencing any earlier writer), runs the workload's client threads, the reader and the
 * checkpointer against it, and streams every history event to its orchestrator on stdout, one
 * {@code EV <json>} line each, flushed. When its writer fails (fenced, session lost, log stalled)
 * it does not open another one: it exits with status 3 and the orchestrator starts a successor,
 * as a job coordinator restarts a failed container. It stops on {@code stop} (or end of input) on
 * stdin. A SIGKILL ends it with commits in flight, which the orchestrator records as
 * indeterminate.
 *
 * <p>Arguments, {@code --key=value}: {@code connect}, {@code store}, {@code workload},
 * {@code seed}, {@code writers}, {@code base} (its first process id), {@code ids} and
 * {@code id-range} (the transaction ids it takes: each writer process has a range of its own), {@code start} (the orchestrator's {@code System.nanoTime()} at the
 * run's start: event times share its clock), {@code bug}, {@code first} (true: seed the store).
 */
public final class WriterNode {
    /** Exit status of a writer process whose writer failed. */
    public static final int WRITER_LOST = 3;

    private WriterNode() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : argv) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --key=value, got " + arg);
            }
            a.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing but events on the orchestrator's pipe
        History history = new History(new HashMap<>(), Long.parseLong(a.get("start")));
        history.sink(e -> {
            try {
                String line = "EV " + Json.MAPPER.writeValueAsString(e);
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        String workloadName = a.get("workload");
        Workload workload = Campaign.workload(workloadName);
        int base = Integer.parseInt(a.get("base"));
        long ids = Long.parseLong(a.get("ids"));
        workload.idRange(ids, ids + Long.parseLong(a.get("id-range")));
        Campaign.Bug bug = Campaign.Bug.valueOf(a.getOrDefault("bug", "NONE"));
        WriterSupervisor sup = new WriterSupervisor(a.get("connect"), a.get("store"), Campaign.storeConfig(false),
                Campaign.hooksFor(bug), history, workload, Duration.ofSeconds(90));
        sup.onWriterLost(() -> {
            synchronized (out) {
                out.flush();
                Runtime.getRuntime().halt(WRITER_LOST);
            }
        });
        WriterSupervisor.Handle first = sup.open();
        AtomicInteger processes = new AtomicInteger(base);
        if (Boolean.parseBoolean(a.getOrDefault("first", "false"))) {
            Workload.Submitted seed = workload.seed(first.store());
            int p = processes.getAndIncrement();
            history.add(p, Event.Type.INVOKE, seed.f(), seed.value(), first.epoch(), null, null);
            history.add(p, Event.Type.OK, seed.f(), Map.of(), first.epoch(),
                    seed.commit().get(Campaign.COMMIT_WAIT.toMillis(), TimeUnit.MILLISECONDS).toString(), null);
        }
        AtomicBoolean running = new AtomicBoolean(true);
        Thread stdin = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null && !"stop".equals(line.trim()); ) {
                    // wait for stop
                }
            } catch (IOException ignored) {
                // the orchestrator is gone: stop
            }
            running.set(false);
        }, "writer-node-stdin");
        stdin.setDaemon(true);
        stdin.start();
        SplittableRandom seeds = new SplittableRandom(Long.parseLong(a.get("seed")) + base);
        List<Thread> threads = new ArrayList<>();
        int writers = Integer.parseInt(a.getOrDefault("writers", "3"));
        for (int w = 0; w < writers; w++) {
            long s = seeds.nextLong();
            threads.add(new Thread(() -> Campaign.writeLoop(sup, workload, history, processes, new SplittableRandom(s), running::get),
                    "writer-node-" + w));
        }
        threads.add(new Thread(() -> Campaign.readLoop(sup, workload, history, processes, running::get), "writer-node-reader"));
        Map<String, Integer> checkpoints = new ConcurrentHashMap<>();
        if (bug != Campaign.Bug.LOSE_ACKED_MID_EPOCH) {
            long s = seeds.nextLong();
            threads.add(new Thread(() -> Campaign.checkpointLoop(sup, checkpoints, new SplittableRandom(s), running::get),
                    "writer-node-checkpointer"));
        }
        threads.forEach(Thread::start);
        while (running.get()) {
            Thread.sleep(100); // until "stop", or the orchestrator's end of output (it died): both end the loop
        }
        long until = System.nanoTime() + Campaign.COMMIT_WAIT.plusSeconds(30).toNanos();
        for (Thread t : threads) {
            // Each thread ends within one commit wait of "stop".
            t.join(Math.max(1, (until - System.nanoTime()) / 1_000_000));
            if (t.isAlive()) {
                System.err.println("writer node: " + t.getName() + " did not end; halting");
                Runtime.getRuntime().halt(4);
            }
        }
        synchronized (out) {
            out.println("CHECKPOINTS " + Json.MAPPER.writeValueAsString(checkpoints));
            out.flush();
        }
        sup.close();
        System.exit(0);
    }
}
