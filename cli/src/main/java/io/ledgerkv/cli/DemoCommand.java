package io.ledgerkv.cli;

import io.ledgerkv.api.AsOf;
import io.ledgerkv.api.BackupSummary;
import io.ledgerkv.api.CheckpointStatus;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.Progress;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.api.StoreStatus;
import io.ledgerkv.cluster.LocalCluster;
import io.ledgerkv.store.BookKeeperStore;
import io.ledgerkv.store.DefaultLedgerKv;
import io.ledgerkv.txn.WriterHooks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.net.BookieId;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole store in two minutes: an embedded cluster, a risk-scoring workload of multi-key
 * transactions, a bookie killed mid-stream, a failover that fences the old writer, a writer crash
 * with commits in flight, and a recovery that is checked against an exact model.
 */
@Command(name = "demo", description = {"Runs ledgerkv on an embedded cluster and shows what survives failures:",
    "a bookie killed mid-stream, a failover that fences the old writer, a writer crash with commits",
    "in flight. Exits 0 only if every check passes."})
final class DemoCommand extends CliCommand implements Callable<Integer> {
    private static final String STORE = "risk-scores";

    @Option(names = "--accounts", defaultValue = "500", description = "Accounts (default: ${DEFAULT-VALUE})")
    int accounts;

    @Option(names = "--transactions", defaultValue = "3000", description = "Transactions per writer phase (default: ${DEFAULT-VALUE})")
    int transactions;

    @Option(names = "--in-flight", defaultValue = "128", description = "Commits outstanding at once (default: ${DEFAULT-VALUE})")
    int inFlight;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (.properties/.yaml) with StoreConfig keys for"
            + " the demo's store (e.g. codec: LZ4, maxBatchBytes: 65536); quorums stay 3/3/2 unless it sets them")
    Path config;

    @Option(names = "--prometheus", paramLabel = "FILE", description = "Write the store's metrics in Prometheus text format to"
            + " FILE at the end ('-' for standard output)")
    String prometheus;

    @Option(names = "--verbose", description = "Keep BookKeeper's and ZooKeeper's own log output (the faults make them log errors)")
    boolean verbose;

    @Mixin
    OutputOptions output = new OutputOptions();

    /** The narrative: standard output in text mode; standard error with -o json/table, which print only the verdict. */
    private PrintWriter log() {
        return output.text() ? out() : err();
    }

    private final long t0 = System.nanoTime();
    private final List<String> verified = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (accounts < 2 || transactions < 10 || inFlight < 1) {
            throw new IllegalArgumentException("need --accounts >= 2, --transactions >= 10, --in-flight >= 1");
        }
        if (!verbose) {
            // The faults below are deliberate; BookKeeper logs each one as an error with a stack trace.
            Configurator.setLevel("org.apache.bookkeeper", Level.OFF);
            Configurator.setLevel("org.apache.zookeeper", Level.OFF);
            Configurator.setLevel("io.ledgerkv", Level.ERROR); // the demo narrates fencing itself
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        StoreConfig.Builder settings = StoreConfig.builder().ledgerPassword(secret).quorum(3, 3, 2);
        if (config != null) {
            StoreConfig.apply(settings, ConfigFile.read(config), config.toString());
        }
        StoreConfig cfg = settings.build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RiskWorkload work = new RiskWorkload(accounts, seed);
        List<Integer> acked = Collections.synchronizedList(new ArrayList<>());

        step("1/9", "starting an embedded cluster: ZooKeeper + 4 bookies (real journals, fsync on)");
        try (LocalCluster cluster = LocalCluster.builder().bookies(4).start()) {
            say("ZooKeeper at %s, bookies %s", cluster.connectString(), bookies(cluster));
            say("store '%s': ensemble 3, write quorum 3, ack quorum 2; ledger password generated for this run", STORE);

            step("2/9", "writer A opens the store and seeds " + accounts + " accounts");
            DefaultLedgerKv clientA = DefaultLedgerKv.connect(cluster.clientConfig().meterRegistry(registry).build());
            BookKeeperStore a = clientA.open(STORE, cfg, WriterHooks.NONE);
            work.submitSeed(a).join();
            acked.add(0);
            say("seeded: %,d keys, total balance %,d", a.keyCount(), work.initialTotal());

            step("3/9", "writer A commits " + transactions + " transfer transactions; a bookie of its ensemble is killed a third of the way in");
            int killAt = transactions / 3;
            Runnable killer = () -> {
                StoreStatus st = clientA.status(STORE);
                String victim = st.ledgers().get(st.ledgers().size() - 1).fragments().get(0).ensemble().get(0);
                cluster.killBookie(cluster.indexOf(BookieId.parse(victim)));
                say("killed bookie %s after %,d transactions; writes continue", victim, killAt);
            };
            Phase pa = run(a, work, transactions, killAt, killer, acked);
            // BookKeeper replaces a dead bookie when a write to it fails; commits reach two bookies
            // meanwhile. Give the replacement a moment to land in the ledger's metadata.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int fragments;
            do {
                StoreStatus st = clientA.status(STORE);
                fragments = st.ledgers().get(st.ledgers().size() - 1).fragments().size();
            } while (fragments < 2 && System.nanoTime() < until && pause());
            say("%,d committed, %,d failed, %,.0f txn/s; the ledger now has %d ensembles (the client replaced the dead bookie)",
                    pa.ok, pa.failed, pa.rate(), fragments);
            expect(pa.failed == 0 && fragments > 1, "bookie kill: every commit succeeded, ensemble changed");

            step("4/9", "failover: writer B opens the store while A still has commits in flight (A is fenced)");
            // A keeps committing from its own thread, as a task would, until it learns it was fenced.
            int[] aOutcome = new int[3]; // acknowledged, failed, issued
            CountDownLatch aProgress = new CountDownLatch(500);
            Semaphore aWindow = new Semaphore(inFlight);
            Thread aTask = new Thread(() -> {
                try {
                    while (true) {
                        aWindow.acquire();
                        int id = work.issued();
                        CompletableFuture<Lsn> f;
                        try {
                            f = work.submitNext(a);
                        } catch (StoreFencedException e) {
                            aWindow.release();
                            throw e;
                        }
                        var unused = f.whenComplete((lsn, err) -> {
                            synchronized (aOutcome) {
                                aOutcome[err == null ? 0 : 1]++;
                            }
                            if (err == null) {
                                acked.add(id);
                                aProgress.countDown();
                            }
                            aWindow.release();
                        });
                        synchronized (aOutcome) {
                            aOutcome[2]++;
                        }
                    }
                } catch (StoreFencedException e) {
                    // refused up front: A knows it is no longer the writer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "writer-A");
            aTask.start();
            aProgress.await(120, TimeUnit.SECONDS);
            DefaultLedgerKv clientB = DefaultLedgerKv.connect(cluster.clientConfig().meterRegistry(registry).build());
            BookKeeperStore b = clientB.open(STORE, cfg, WriterHooks.NONE);
            aTask.join();
            aWindow.acquire(inFlight); // every commit A issued has its outcome
            synchronized (aOutcome) {
                say("B holds epoch %d. Meanwhile A issued %,d commits: %,d acknowledged, %,d failed with StoreFencedException",
                        b.epoch(), aOutcome[2], aOutcome[0], aOutcome[1]);
            }
            try {
                a.put("acct/late".getBytes(StandardCharsets.UTF_8), "from A".getBytes(StandardCharsets.UTF_8));
                expect(false, "the fenced writer A can no longer commit");
            } catch (StoreFencedException e) {
                say("A tries again: %s", e.getMessage());
                expect(true, "the fenced writer A can no longer commit");
            }
            RiskWorkload.Check cb = work.check(b, acked);
            say("B recovered %,d transactions (replayed %,d entries from %d ledgers in %d ms)", cb.prefix(),
                    b.replayStats().entries(), b.replayStats().ledgers(), b.replayStats().millis());
            expect(cb.ok(), "B sees every transaction A got acknowledged, and none in part" + problems(cb));
            work.truncate(cb.prefix());
            clientA.crash(); // A's process is gone

            step("5/9", "writer B commits " + transactions + " more, then crashes with commits in flight");
            Phase pb = run(b, work, transactions, -1, null, acked);
            say("%,d committed, %.0f txn/s", pb.ok, pb.rate());
            List<CompletableFuture<Lsn>> bInFlight = new ArrayList<>();
            for (int i = 0; i < inFlight; i++) {
                bInFlight.add(work.submitNext(b));
            }
            clientB.crash();
            say("B crashed with %d commits issued and not yet acknowledged: their outcome is unknown", bInFlight.size());

            step("6/9", "writer C opens the store: recovers B's ledger (fencing it), replays, and checks everything");
            try (DefaultLedgerKv clientC = DefaultLedgerKv.connect(cluster.clientConfig().meterRegistry(registry).build())) {
                BookKeeperStore c = clientC.open(STORE, cfg, WriterHooks.NONE);
                BookKeeperStore.ReplayStats rs = c.replayStats();
                say("replayed %,d entries (%,d transactions) from %d ledgers in %d ms", rs.entries(), rs.transactions(),
                        rs.ledgers(), rs.millis());
                RiskWorkload.Check cc = work.check(c, acked);
                say("the store holds transactions 0..%d; %,d were acknowledged to writers A and B", cc.prefix() - 1, acked.size());
                expect(cc.ok(), "every acknowledged transaction is present" + problems(cc));
                expect(cc.equalsModel(), "the store equals the model after exactly " + cc.prefix()
                        + " transactions: none partly visible");
                expect(cc.total() == work.initialTotal(), "balances still sum to " + String.format(Locale.ROOT, "%,d", work.initialTotal()));

                step("7/9", "writer C takes a checkpoint; a reopen then starts from it");
                CheckpointStatus cp = c.checkpoint();
                say("checkpoint %d at LSN %s: %,d keys in %d chunk%s, %s stored; WAL before it trimmed", cp.id(), cp.lsn(),
                        cp.keyCount(), cp.chunks(), cp.chunks() == 1 ? "" : "s", StatusCommand.bytes(cp.storedBytes()));
                RiskWorkload.Check beforeReopen = work.check(c, acked);
                c.close();
                BookKeeperStore d = clientC.open(STORE, cfg, WriterHooks.NONE);
                say("reopened: started from checkpoint %d, replayed %,d entries in %d ms (the first open replayed %,d)",
                        d.replayStats().checkpointId(), d.replayStats().entries(), d.replayStats().millis(), rs.entries());
                expect(d.replayStats().checkpointId() == cp.id() && work.check(d, acked).ok()
                        && work.check(d, acked).prefix() == beforeReopen.prefix(),
                        "reopen from checkpoint " + cp.id() + " gives the same " + beforeReopen.prefix() + " transactions");

                step("8/9", "backup to a file, restore it into a second embedded cluster under another name");
                Path file = Files.createTempFile("ledgerkv-demo-", ".lkvbak");
                try (LocalCluster other = LocalCluster.builder().bookies(3).start();
                     DefaultLedgerKv remote = DefaultLedgerKv.connect(other.clientConfig().build())) {
                    BackupSummary backup = clientC.backup(STORE, cfg, AsOf.latest(), file, Progress.NONE);
                    say("backup: %,d keys at LSN %s, %d chunk%s, %s -> %s", backup.keyCount(), backup.lsn(), backup.chunks(),
                            backup.chunks() == 1 ? "" : "s",
                            StatusCommand.bytes(backup.fileBytes()), file.getFileName());
                    BackupSummary r = remote.restore(file, "risk-scores-copy", cfg, false, Progress.NONE);
                    try (KvStore copy = remote.openReadOnly("risk-scores-copy", cfg)) {
                        RiskWorkload.Check cr = work.check(copy, acked);
                        say("restored %,d keys into risk-scores-copy on the cluster at %s", r.keyCount(), other.connectString());
                        expect(cr.ok() && cr.prefix() == beforeReopen.prefix() && copy.keyCount() == d.keyCount(),
                                "the restored copy holds exactly the same " + cr.prefix() + " transactions");
                    }
                } finally {
                    Files.deleteIfExists(file);
                }

                step("9/9", "what ZooKeeper says (ledgerkv status)");
                d.flush();
                StoreStatus fin = clientC.status(STORE);
                StatusCommand.print(fin, log());
                expect(fin.stats().keyCount() == d.keyCount() && fin.stats().keyCount() == work.modelAt(cc.prefix()).size(),
                        "key count in ZooKeeper (" + fin.stats().keyCount() + ") equals the model's");
                expect(fin.epoch() == 4 && fin.ledgers().stream().limit(fin.ledgers().size() - 1).allMatch(l -> l.state().equals("CLOSED")),
                        "four writer epochs; every ledger but the current one is closed");
                d.close();
            }
        }
        if (prometheus != null) {
            String text = registry.scrape();
            if (prometheus.equals("-")) {
                log().print(text);
            } else {
                Files.writeString(Path.of(prometheus), text);
                say("metrics (Prometheus text format) written to %s", prometheus);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        output.one(out(), OutputOptions.fields("ok", failed.isEmpty(), "seconds", Math.round(seconds * 10) / 10.0, "verified", verified,
                "failed", failed), () -> {
                    out().println();
                    out().printf(Locale.ROOT, "ledgerkv demo finished in %.1f s%n", seconds);
                    verified.forEach(v -> out().println("  VERIFIED  " + v));
                    failed.forEach(f -> out().println("  FAILED    " + f));
                });
        return failed.isEmpty() ? 0 : 1;
    }

    private record Phase(int ok, int failed, long nanos) {
        double rate() {
            return ok / (nanos / 1e9);
        }
    }

    /** Issues {@code n} transactions with at most {@code inFlight} outstanding; runs {@code atK} once after k are issued. */
    private Phase run(KvStore s, RiskWorkload work, int n, int k, Runnable atK, List<Integer> acked) throws InterruptedException {
        Semaphore window = new Semaphore(inFlight);
        int[] counts = new int[2];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (i == k && atK != null) {
                atK.run();
            }
            window.acquire();
            int id = work.issued();
            var unused = work.submitNext(s).whenComplete((lsn, err) -> {
                synchronized (counts) {
                    counts[err == null ? 0 : 1]++;
                }
                if (err == null) {
                    acked.add(id);
                }
                window.release();
            });
        }
        window.acquire(inFlight);
        window.release(inFlight);
        synchronized (counts) {
            return new Phase(counts[0], counts[1], System.nanoTime() - start);
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(50);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String bookies(LocalCluster c) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < c.bookieCount(); i++) {
            ids.add(c.bookieId(i).toString());
        }
        return String.join(", ", ids);
    }

    private static String problems(RiskWorkload.Check c) {
        return c.ok() ? "" : " -- " + String.join("; ", c.problems());
    }

    private void expect(boolean ok, String what) {
        (ok ? verified : failed).add(what);
        log().println("    " + (ok ? "ok   " : "FAIL ") + what);
    }

    private void step(String n, String what) {
        log().printf(Locale.ROOT, "%n[%s] %s  (t=%.1fs)%n", n, what, (System.nanoTime() - t0) / 1e9);
    }

    private void say(String fmt, Object... args) {
        log().println("    " + String.format(Locale.ROOT, fmt, args));
    }
}
