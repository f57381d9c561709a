package io.ledgerkv.fault.campaign;

import io.ledgerkv.api.ConditionFailedException;
import io.ledgerkv.api.EncryptionKeys;
import io.ledgerkv.api.LedgerKvException;
import io.ledgerkv.api.LimitExceededException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StandbyStore;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.codec.CodecType;
import io.ledgerkv.fault.checker.CheckResult;
import io.ledgerkv.fault.checker.Checker;
import io.ledgerkv.fault.history.Event;
import io.ledgerkv.fault.history.History;
import io.ledgerkv.fault.nemesis.FaultKind;
import io.ledgerkv.fault.nemesis.FaultLoop;
import io.ledgerkv.fault.nemesis.Nemesis;
import io.ledgerkv.fault.workload.BankWorkload;
import io.ledgerkv.fault.workload.ListAppendWorkload;
import io.ledgerkv.fault.workload.Workload;
import io.ledgerkv.fault.workload.WriterSupervisor;
import io.ledgerkv.meta.Json;
import io.ledgerkv.store.DefaultLedgerKv;
import io.ledgerkv.store.WalInspector;
import io.ledgerkv.txn.WriterHooks;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One run: a fresh LocalCluster (five bookies; ensemble 3, write quorum 3, ack quorum 2) or, with
 * {@code Config.zk}, an external cluster and a new store there named after the seed and the time; a store,
 * {@code writers} client threads committing the workload's transactions through the current writer,
 * one reader thread, and the nemesis, for {@code duration}. Then every fault is healed, a final
 * writer opens the store (fencing the last one), reads everything, and the checker judges the
 * history. Everything random comes from the seed.
 */
public final class Campaign {

    /** What to run; {@code zk} null for a fresh embedded cluster per run, else an external cluster's connect string. */
    /**
     * What to run; {@code zk} null for a fresh embedded cluster per run, else an external cluster's
     * connect string. {@code everyKindOnce}: the nemesis runs each enabled kind once, in a seeded
     * order, and the workers run until it is done (at least {@code duration}, at most two minutes more).
     */
    public record Config(long seed, String workload, Duration duration, int writers, List<FaultKind> faults, Bug bug, String zk,
                         boolean encrypt, boolean everyKindOnce) {
        public Config(long seed, String workload, Duration duration, int writers, List<FaultKind> faults, Bug bug) {
            this(seed, workload, duration, writers, faults, bug, null, false, false);
        }

        public Config(long seed, String workload, Duration duration, int writers, List<FaultKind> faults, Bug bug, String zk) {
            this(seed, workload, duration, writers, faults, bug, zk, false, false);
        }
    }

    /** The longest a forced schedule may extend a run past its duration. */
    private static final Duration FORCED_SCHEDULE_LIMIT = Duration.ofMinutes(2);

    /** The campaign store's key when it runs encrypted: fixed, the campaign tests the store, not key handling. */
    private static EncryptionKeys campaignKeys() {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) 0x5a);
        return EncryptionKeys.of(1, Map.of(1, k));
    }

    /** Deliberately broken store variants, to show the checker catches them. */
    public enum Bug {
        NONE, ACK_BEFORE_QUORUM, HALF_TRANSACTION_ON_REPLAY,
        /** One acknowledged transaction (the first with sequence 40 or later) reaches the log empty. */
        LOSE_ACKED_MID_EPOCH,
        /** A fenced writer reports the commits it had in flight as acknowledged instead of failing them. */
        ACK_AFTER_FENCE
    }

    /** The transaction the {@link Bug#LOSE_ACKED_MID_EPOCH} bug loses: well past the seed, inside the first writer's epoch. */
    static final long LOST_TXN_SEQ = 40;

    /** The outcome of a run. */
    /** The outcome of a run; faults and failed injections by kind name. */
    public record Result(Config config, History history, CheckResult check, Map<String, Integer> faults,
                         Map<String, Integer> failedInjections, long millis) {
    }

    /** Counts by kind name (the process campaign has kinds of its own). */
    static <K extends Enum<K>> Map<String, Integer> byName(Map<K, Integer> counts) {
        Map<String, Integer> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k.name(), v));
        return out;
    }

    /**
     * How long a client waits for a commit; the checker reports a commit unanswered for longer as a
     * hang. It exceeds the store's own bound by a margin for a loaded 2-core machine, so a commit
     * the store fails late but in time is never called a hang.
     */
    public static final Duration COMMIT_WAIT = WriterSupervisor.STORE_GIVES_UP_WITHIN.plusSeconds(6);

    private Campaign() {
    }

    public static Result run(Config c) {
        if (c.zk() != null && FaultKind.refusedWithoutEmbeddedCluster(c.faults()) != null) {
            throw new IllegalArgumentException(FaultKind.refusedWithoutEmbeddedCluster(c.faults()) + " (cluster " + c.zk() + ")");
        }
        long t0 = System.nanoTime();
        Map<String, Object> meta = meta(c, c.faults(), c.encrypt() ? "AES-GCM" : "off");
        String storeName = c.zk() == null ? "campaign" : "campaign-" + c.seed() + "-" + System.currentTimeMillis();
        meta.put("cluster", c.zk() == null ? "embedded" : c.zk());
        meta.put("store", storeName);
        History history = new History(meta);
        SplittableRandom seeds = new SplittableRandom(c.seed());
        Workload workload = workload(c.workload());
        WriterHooks hooks = hooksFor(c.bug());
        StoreConfig cfg = storeConfig(c.encrypt());
        Map<String, Integer> faults;
        Map<String, Integer> failedInjections;
        LocalCluster cluster = c.zk() == null ? LocalCluster.start(5) : null;
        String connect = cluster != null ? cluster.connectString() : c.zk();
        WriterSupervisor writers = null;
        try {
            WriterSupervisor sup = new WriterSupervisor(connect, storeName, cfg, hooks, history, workload, Duration.ofSeconds(90));
            writers = sup;
            WriterSupervisor.Handle first = sup.open();
            Workload.Submitted seed = workload.seed(first.store());
            int setupProcess = 0;
            history.add(setupProcess, Event.Type.INVOKE, seed.f(), seed.value(), first.epoch(), null, null);
            history.add(setupProcess, Event.Type.OK, seed.f(), Map.of(), first.epoch(), seed.commit().join().toString(), null);

            long deadline = System.nanoTime() + c.duration().toNanos();
            long nemesisSeed = seeds.nextLong();
            Nemesis nemesis = new Nemesis(cluster, sup, history, nemesisSeed, c.faults(), deadline);
            BooleanSupplier running = running(nemesis, c.everyKindOnce(), deadline, FORCED_SCHEDULE_LIMIT);
            AtomicInteger processes = new AtomicInteger(1);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < c.writers(); w++) {
                long s = seeds.nextLong();
                threads.add(new Thread(() -> writeLoop(sup, workload, history, processes, new SplittableRandom(s), running),
                        "campaign-writer-" + w));
            }
            threads.add(new Thread(() -> readLoop(sup, workload, history, processes, running), "campaign-reader"));
            Map<String, Integer> checkpoints = new ConcurrentHashMap<>();
            if (c.bug() != Bug.LOSE_ACKED_MID_EPOCH) {
                // A checkpoint is written from the writer's memory, which still holds the transaction this bug keeps out
                // of the log: the checkpoint would make it durable and hide the loss. That bug runs without checkpoints.
                threads.add(new Thread(() -> checkpointLoop(sup, checkpoints, new SplittableRandom(c.seed()), running),
                        "campaign-checkpointer"));
            }
            threads.add(new Thread(() -> standbyLoop(connect, storeName, cfg, workload, history, processes, running),
                    "campaign-standby"));
            meta.put("checkpoints", checkpoints);
            Thread nem = new Thread(nemesis, "campaign-nemesis");
            threads.forEach(Thread::start);
            nem.start();
            for (Thread t : threads) {
                t.join();
            }
            nemesis.stop();
            nem.join();
            nemesis.heal();
            if (!nemesis.healFailures().isEmpty()) {
                throw new LedgerKvException("faults could not be healed: " + nemesis.healFailures());
            }
            faults = byName(nemesis.counts());
            failedInjections = byName(nemesis.failedInjections());
            meta.put("failedInjections", failedInjections);

            finalRead(sup, history, processes.getAndIncrement(), c.workload());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerKvException("campaign interrupted", e);
        } finally {
            if (writers != null) {
                writers.close(); // every writer client, the retired ones too, also when the run failed
            }
            if (cluster != null) {
                cluster.close();
            }
        }
        CheckResult check = Checker.check(history);
        return new Result(c, history, check, faults, failedInjections, (System.nanoTime() - t0) / 1_000_000);
    }

    /** A history's meta fields common to every kind of run; the caller adds its cluster and store. */
    static Map<String, Object> meta(Config c, List<? extends Enum<?>> faults, String encryption) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("seed", c.seed());
        meta.put("workload", c.workload());
        meta.put("durationMillis", c.duration().toMillis());
        meta.put("writers", c.writers());
        meta.put("faults", faults.stream().map(Enum::name).toList());
        meta.put("bug", c.bug().name());
        meta.put("encryption", encryption);
        meta.put("hangBoundMillis", COMMIT_WAIT.toMillis());
        return meta;
    }

    /** The workload a run names: bank, or list-append for anything else. */
    static Workload workload(String name) {
        return "bank".equals(name) ? new BankWorkload(8, 6000) : new ListAppendWorkload(8, 6000);
    }

    /**
     * While the run's workers go on: until the deadline, or with {@code everyKindOnce} (which this
     * switches the nemesis to) until its forced schedule is done, at most {@code limit} past the deadline.
     */
    static BooleanSupplier running(FaultLoop<?> nemesis, boolean everyKindOnce,
                                                       long deadline, Duration limit) {
        if (!everyKindOnce) {
            return () -> System.nanoTime() < deadline;
        }
        nemesis.everyKindOnce();
        long end = deadline + limit.toNanos();
        return () -> System.nanoTime() < end && (System.nanoTime() < deadline || !nemesis.forcedScheduleDone());
    }

    /** The writer hooks that plant {@code bug} (none for {@link Bug#NONE}). */
    static WriterHooks hooksFor(Bug bug) {
        return switch (bug) {
            case NONE -> WriterHooks.NONE;
            case ACK_BEFORE_QUORUM -> new WriterHooks() {
                @Override
                public boolean ackBeforeQuorum() {
                    return true;
                }
            };
            case HALF_TRANSACTION_ON_REPLAY -> new WriterHooks() {
                @Override
                public boolean applyPartsOnReplay() {
                    return true;
                }
            };
            case LOSE_ACKED_MID_EPOCH -> new WriterHooks() {
                private final AtomicBoolean lost = new AtomicBoolean();

                @Override
                public boolean loseFromLog(long txnSeq) {
                    return txnSeq >= LOST_TXN_SEQ && lost.compareAndSet(false, true);
                }
            };
            case ACK_AFTER_FENCE -> new WriterHooks() {
                @Override
                public boolean ackInFlightWhenFenced() {
                    return true;
                }
            };
        };
    }

    /** The campaign store: ensemble 3, write quorum 3, ack quorum 2, 4 KiB batches, 256 KiB ledgers, LZ4. */
    static StoreConfig storeConfig(boolean encrypt) {
        return StoreConfig.builder().ledgerPassword("fault-campaign").quorum(3, 3, 2).maxBatchBytes(4096)
                .ledgerRollBytes(256 * 1024).codec(CodecType.LZ4).encryption(encrypt ? campaignKeys() : null).build();
    }

    /** Recovery: a final writer opens the store (fencing whatever is left) and reads every key the workloads write. */
    static void finalRead(WriterSupervisor sup, History history, int p, String workload) {
        WriterSupervisor.Handle last = sup.current() == null ? sup.open() : sup.replace(sup.current());
        history.add(p, Event.Type.INVOKE, "final-read", Map.of(), last.epoch(), null, null);
        Map<String, Object> all = Workload.snapshotRead(last.store(), prefixOf(workload));
        Map<String, Object> pads = Workload.snapshotRead(last.store(), "pad/");
        Map<String, Object> markers = Workload.snapshotRead(last.store(), "xfer/");
        Map<String, Object> txnMarkers = Workload.snapshotRead(last.store(), "txn/");
        Map<String, Object> merged = mergeEntries(all, pads, markers, txnMarkers);
        history.add(p, Event.Type.OK, "final-read", merged, last.epoch(), (String) all.get("lsn"), null);
    }

    static String prefixOf(String workload) {
        return "bank".equals(workload) ? "acct/" : "list/";
    }

    @SafeVarargs
    @SuppressWarnings("unchecked")
    static Map<String, Object> mergeEntries(Map<String, Object>... reads) {
        Map<String, String> entries = new TreeMap<>();
        for (Map<String, Object> r : reads) {
            entries.putAll((Map<String, String>) r.get("entries"));
        }
        return Map.of("entries", entries, "lsn", reads[0].get("lsn"));
    }

    /** A client thread: builds the next transaction under the supervisor's lock, then waits for its commit. */
    static void writeLoop(WriterSupervisor writers, Workload workload, History history, AtomicInteger processes,
                                  SplittableRandom random, BooleanSupplier running) {
        int process = processes.getAndIncrement();
        while (running.getAsBoolean()) {
            WriterSupervisor.Handle h = writers.current();
            Workload.Submitted s;
            CompletableFuture<Long> ackedAt;
            writers.lock().lock();
            try {
                // Identity: the handle read before the lock must still be the very writer the supervisor holds.
                @SuppressWarnings("ReferenceEquality")
                boolean replaced = h != writers.current();
                if (replaced) {
                    continue;
                }
                if (h.failed()) {
                    writers.replace(h);
                    continue;
                }
                Workload.Prepared prepared;
                try {
                    prepared = workload.nextWrite(random, h.store());
                } catch (LedgerKvException e) {
                    // Refused before anything reached the committer: certainly not written.
                    history.add(process, Event.Type.INVOKE, "transfer-or-append", Map.of(), h.epoch(), null, null);
                    history.add(process, Event.Type.FAIL, "transfer-or-append", Map.of(), h.epoch(), null, e.toString());
                    continue;
                }
                // The invocation is in the history (and, in a writer process, on the orchestrator's pipe) before the
                // transaction can take effect: a process killed right after submitting leaves no uninvoked write.
                history.add(process, Event.Type.INVOKE, prepared.f(), prepared.value(), h.epoch(), null, null);
                try {
                    s = prepared.submit();
                } catch (LedgerKvException e) {
                    history.add(process, Event.Type.FAIL, prepared.f(), Map.of(), h.epoch(), null, e.toString());
                    continue;
                }
                h.inFlight().incrementAndGet();
                ackedAt = s.commit().handle((lsn, err) -> {
                    h.inFlight().decrementAndGet();
                    return history.now(); // when the commit completed, not when we noticed
                });
            } finally {
                writers.lock().unlock();
            }
            try {
                Lsn lsn = s.commit().get(COMMIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("ackNanos", ackedAt.get());
                history.add(process, Event.Type.OK, s.f(), v, h.epoch(), lsn.toString(), null);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof LimitExceededException || cause instanceof ConditionFailedException) {
                    // Refused whole by the committer (too large, or what it read changed): certainly not written.
                    history.add(process, Event.Type.FAIL, s.f(), Map.of(), h.epoch(), null, cause.toString());
                } else {
                    // Fenced, crashed, closed, failed: the commit may or may not be in the log.
                    history.add(process, Event.Type.INFO, s.f(), Map.of(), h.epoch(), null, String.valueOf(cause));
                    process = processes.getAndIncrement();
                    writers.replace(h);
                }
            } catch (TimeoutException e) {
                history.add(process, Event.Type.INFO, s.f(), Map.of(), h.epoch(), null, "no answer within " + COMMIT_WAIT.toSeconds() + " s");
                process = processes.getAndIncrement();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Checkpoints the current writer every 1–3 s, as {@code checkpoint.on.commit} or a timer would in
     * Samza: the WAL is trimmed behind each one, so recovery and the standby must start from a
     * checkpoint. Outcomes are counted ({@code checkpoints} in the meta); a failed checkpoint
     * (fenced writer, outage) is expected under faults, and what matters is that the history still
     * checks clean.
     */
    static void checkpointLoop(WriterSupervisor writers, Map<String, Integer> counts, SplittableRandom random,
                                       BooleanSupplier running) {
        while (running.getAsBoolean()) {
            try {
                Thread.sleep(1000 + random.nextInt(2000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            WriterSupervisor.Handle h = writers.current();
            if (h.failed()) {
                continue;
            }
            try {
                h.store().checkpoint();
                counts.merge("ok", 1, Integer::sum);
            } catch (RuntimeException e) {
                counts.merge("failed", 1, Integer::sum);
            }
        }
    }

    /**
     * A standby reader, as a Samza standby task keeps: its own client tails the writers' log (across
     * every writer change and WAL trim) and takes a snapshot read every 200 ms. Its reads are
     * checked like the reader's (prefixes of the final lists, totals, never going back on one
     * handle); a standby that fails is reopened under a new process id.
     */
    static void standbyLoop(String connect, String storeName, StoreConfig cfg, Workload workload, History history,
                                    AtomicInteger processes, BooleanSupplier running) {
        int process = processes.getAndIncrement();
        DefaultLedgerKv client = null;
        StandbyStore standby = null;
        try {
            while (running.getAsBoolean()) {
                boolean invoked = false;
                try {
                    if (standby == null) {
                        client = DefaultLedgerKv.connect(WriterSupervisor.clientConfig(connect));
                        standby = client.openStandby(storeName, cfg);
                    }
                    history.add(process, Event.Type.INVOKE, "read", Map.of("standby", true), 0, null, null);
                    invoked = true;
                    String stopped = standby.lag().error();
                    if (stopped != null && stopped.contains("corrupt entry")) {
                        // It stopped tailing and serves an ever older state from now on: recorded (the checker judges
                        // it) and replaced. Other errors are transient: its next poll clears them.
                        history.add(process, Event.Type.FAIL, "read", Map.of(), 0, null, Checker.STANDBY_STOPPED
                                + stopped + walEvidence(client, storeName, cfg));
                        invoked = false;
                        throw new IllegalStateException(stopped);
                    }
                    Map<String, Object> r = workload.read(standby);
                    history.add(process, Event.Type.OK, "read", Map.of("entries", r.get("entries")), 0, (String) r.get("lsn"), null);
                } catch (RuntimeException e) {
                    if (invoked) {
                        history.add(process, Event.Type.FAIL, "read", Map.of(), 0, null, e.toString());
                    }
                    if (client != null) {
                        client.crash();
                    }
                    client = null;
                    standby = null;
                    process = processes.getAndIncrement(); // a new standby handle
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (client != null) {
                client.crash();
            }
        }
    }

    /**
     * The store's WAL as it is right now (before a checkpoint trims it), entry by entry without
     * values, in a file next to the JVM's temporary files: the evidence of why a standby stopped.
     * Returns " (WAL at the stop: FILE)" or why it could not be written.
     */
    static String walEvidence(DefaultLedgerKv client, String storeName, StoreConfig cfg) {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "ledgerkv-standby-stop-" + storeName
                + ".jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write(Json.MAPPER.writeValueAsString(Map.of("status", client.status(storeName))));
            w.newLine();
            WalInspector.dump(client, storeName, cfg, null, false, r -> {
                try {
                    w.write(Json.MAPPER.writeValueAsString(Map.of("ledger", r.ledgerId(), "seq", r.ledgerSeq(), "entry",
                            r.entryId(), "type", String.valueOf(r.type()), "epoch", String.valueOf(r.epoch()), "firstTxnSeq",
                            String.valueOf(r.firstTxnSeq()), "count", String.valueOf(r.count()), "verdict", r.verdict())));
                    w.newLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return " (WAL at the stop: " + file + ")";
        } catch (RuntimeException | IOException e) {
            return " (WAL dump failed: " + e + ")";
        }
    }

    /** The reader: snapshot reads through the current writer's handle. */
    static void readLoop(WriterSupervisor writers, Workload workload, History history, AtomicInteger processes,
                                 BooleanSupplier running) {
        int process = processes.getAndIncrement();
        while (running.getAsBoolean()) {
            WriterSupervisor.Handle h = writers.current();
            history.add(process, Event.Type.INVOKE, "read", Map.of(), h.epoch(), null, null);
            try {
                Map<String, Object> r = workload.read(h.store());
                history.add(process, Event.Type.OK, "read", Map.of("entries", r.get("entries")), h.epoch(), (String) r.get("lsn"), null);
            } catch (RuntimeException e) {
                history.add(process, Event.Type.FAIL, "read", Map.of(), h.epoch(), null, e.toString());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
