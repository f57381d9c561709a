package io.ledgerkv.samza.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.LedgerKv;
import io.ledgerkv.api.StoreConfig;
import io.ledgerkv.samza.LedgerKvStorageEngineFactory;
import io.ledgerkv.testing.ClusterExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.samza.operators.KV;
import org.apache.samza.serializers.NoOpSerde;
import org.apache.samza.test.framework.TestRunner;
import org.apache.samza.test.framework.system.descriptors.InMemoryInputDescriptor;
import org.apache.samza.test.framework.system.descriptors.InMemoryOutputDescriptor;
import org.apache.samza.test.framework.system.descriptors.InMemorySystemDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The risk-score job run by Samza's own test framework ({@link TestRunner}: a real
 * {@code LocalApplicationRunner} container with in-memory streams) with its store on ledgerkv on a
 * {@code LocalCluster}. Run one processes the first half of a transaction stream and stops; run two
 * is a new container, with its own empty local state directory, that gets the second half. Its
 * outputs must continue every account's score from where run one left it, which only holds if the
 * state came back from BookKeeper.
 */
class RiskScoreJobTest {
    private static final int ACCOUNTS = 12;
    private static final int PARTITIONS = 2;
    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3);

    /** Transactions for one run: (account, amount in cents), accounts spread over the partitions by number. */
    private static List<KV<String, String>> transactions(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        List<KV<String, String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int account = r.nextInt(ACCOUNTS);
            long amount = r.nextInt(20) == 0 ? r.nextLong(50_000, 500_000) : r.nextLong(100, 20_000); // now and then a big one
            out.add(KV.of("acct-" + account, Long.toString(amount)));
        }
        return out;
    }

    private static int partition(String account) {
        return Integer.parseInt(account.substring(5)) % PARTITIONS;
    }

    private static Map<String, String> jobConfig(Path stateDir) {
        Map<String, String> c = new HashMap<>();
        String p = "stores." + RiskScoreTask.STORE + ".";
        c.put(p + "factory", LedgerKvStorageEngineFactory.class.getName());
        c.put(p + "key.serde", "string");
        c.put(p + "msg.serde", "string");
        c.put("serializers.registry.string.class", "org.apache.samza.serializers.StringSerdeFactory");
        c.put(p + "ledgerkv.zk", CLUSTER.cluster().connectString());
        c.put(p + "ledgerkv.passwordFile", PASSWORD_FILE.toString());
        c.put(p + "ledgerkv.namePrefix", "risk-job");
        c.put(p + "ledgerkv.codec", "LZ4");
        c.put(p + "ledgerkv.checkpointOnCommit", "true");
        c.put("job.non-logged.store.base.dir", stateDir.toString());
        c.put("job.logged.store.base.dir", stateDir.toString());
        return c;
    }

    /** The ledger password as a file on the container's host; outside the store directories, which Samza clears. */
    private static final Path PASSWORD_FILE = passwordFile();

    private static Path passwordFile() {
        try {
            Path f = Files.createTempFile("risk-job", ".secret");
            f.toFile().deleteOnExit();
            return Files.writeString(f, "risk-job-secret\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the job once over {@code input} and returns its output, in the order each account's scores were sent. */
    private static Map<String, List<String>> run(List<KV<String, String>> input, Path stateDir) {
        InMemorySystemDescriptor system = new InMemorySystemDescriptor("test");
        InMemoryInputDescriptor<KV<String, String>> txns = system.getInputDescriptor("transactions", new NoOpSerde<>());
        InMemoryOutputDescriptor<String> scores = system.getOutputDescriptor("risk-scores", new NoOpSerde<>());
        Map<Integer, List<KV<String, String>>> byPartition = new HashMap<>();
        for (int i = 0; i < PARTITIONS; i++) {
            byPartition.put(i, new ArrayList<>());
        }
        input.forEach(kv -> byPartition.get(partition(kv.getKey())).add(kv));
        TestRunner.of(RiskScoreTask.class)
                .addInputStream(txns, byPartition)
                .addOutputStream(scores, 1)
                .addConfig(jobConfig(stateDir))
                .run(Duration.ofSeconds(90));
        Map<String, List<String>> out = new TreeMap<>();
        for (List<String> part : TestRunner.<String>consumeStream(scores, Duration.ofSeconds(10)).values()) {
            for (String line : part) {
                out.computeIfAbsent(line.substring(0, line.indexOf(' ')), a -> new ArrayList<>()).add(line);
            }
        }
        return out;
    }

    /** What the job must output over {@code input}, starting from {@code state} (which it updates). */
    private static Map<String, List<String>> expected(List<KV<String, String>> input, Map<String, RiskScore> state) {
        Map<String, List<String>> out = new TreeMap<>();
        for (KV<String, String> t : input) {
            RiskScore next = state.getOrDefault(t.getKey(), RiskScore.NONE).add(Long.parseLong(t.getValue()));
            state.put(t.getKey(), next);
            out.computeIfAbsent(t.getKey(), a -> new ArrayList<>()).add(t.getKey() + " " + next);
        }
        return out;
    }

    @Test
    void aRestartedJobResumesFromItsStateInBookKeeper(@TempDir Path run1Dir, @TempDir Path run2Dir) {
        List<KV<String, String>> first = transactions(1, 300);
        List<KV<String, String>> second = transactions(2, 300);
        Map<String, RiskScore> model = new TreeMap<>();

        assertThat(run(first, run1Dir)).isEqualTo(expected(first, model));
        Map<String, List<String>> resumed = run(second, run2Dir);
        assertThat(resumed).isEqualTo(expected(second, model));
        // and not what a job that had lost its state would have said
        assertThat(resumed).isNotEqualTo(expected(second, new TreeMap<>()));

        // Each task's state is a ledgerkv store of its own, readable from outside the job.
        try (LedgerKv client = LedgerKv.connect(CLUSTER.cluster().clientConfig().namespace("samza").build())) {
            Map<String, String> stored = new TreeMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                try (KvStore store = client.openReadOnly("risk-job-scores-Partition_" + p,
                        StoreConfig.builder().ledgerPassword("risk-job-secret").build());
                     KvIterator it = store.all()) {
                    while (it.hasNext()) {
                        KvEntry e = it.next();
                        stored.put(new String(e.key(), StandardCharsets.UTF_8), new String(e.value(), StandardCharsets.UTF_8));
                    }
                }
            }
            Map<String, String> want = new TreeMap<>();
            model.forEach((account, score) -> want.put(account, score.toString()));
            assertThat(stored).isEqualTo(want);
        }
    }
}
