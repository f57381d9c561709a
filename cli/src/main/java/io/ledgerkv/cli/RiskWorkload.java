package io.ledgerkv.cli;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvIterator;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.Txn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The demo's workload, shaped like a risk-scoring stream task: each event moves an amount between
 * two accounts and re-scores both, in one transaction that writes the two balances, the two risk
 * scores and an audit marker {@code txn/<id>}. The generator keeps the transactions it issued, so
 * after any crash the store can be checked against an exact model: it must equal the state after
 * the first k transactions for some k, with every acknowledged transaction among those k.
 */
final class RiskWorkload {
    private final int accounts;
    private final Random random;
    /** Write sets in issue order; index = transaction id. Transaction 0 seeds the balances. */
    private final List<Map<String, String>> txns = new ArrayList<>();
    private final long[] balance;
    private final long initialTotal;

    RiskWorkload(int accounts, long seed) {
        this.accounts = accounts;
        this.random = new Random(seed);
        this.balance = new long[accounts];
        Map<String, String> seedTxn = new LinkedHashMap<>();
        long total = 0;
        for (int a = 0; a < accounts; a++) {
            balance[a] = 10_000L + random.nextInt(90_000);
            total += balance[a];
            seedTxn.put(balanceKey(a), Long.toString(balance[a]));
            seedTxn.put(riskKey(a), "0.100");
        }
        seedTxn.put(marker(0), "seed");
        txns.add(seedTxn);
        this.initialTotal = total;
    }

    static String balanceKey(int a) {
        return String.format(Locale.ROOT, "acct/%05d/balance", a);
    }

    static String riskKey(int a) {
        return String.format(Locale.ROOT, "acct/%05d/risk", a);
    }

    static String marker(int id) {
        return String.format(Locale.ROOT, "txn/%08d", id);
    }

    long initialTotal() {
        return initialTotal;
    }

    int issued() {
        return txns.size();
    }

    /** Forgets transactions from {@code k} on (they never reached the store) and resets balances to the model at k. */
    void truncate(int k) {
        while (txns.size() > k) {
            txns.remove(txns.size() - 1);
        }
        TreeMap<String, String> m = modelAt(k);
        for (int a = 0; a < accounts; a++) {
            balance[a] = Long.parseLong(m.get(balanceKey(a)));
        }
    }

    /** Issues the next transaction against the store (asynchronously); returns its id and future. */
    CompletableFuture<Lsn> submitNext(KvStore store) {
        int id = txns.size();
        int from = random.nextInt(accounts);
        int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
        long amount = 1L + random.nextInt((int) Math.max(1, Math.min(5_000, balance[from])));
        balance[from] -= amount;
        balance[to] += amount;
        Map<String, String> w = new LinkedHashMap<>();
        w.put(balanceKey(from), Long.toString(balance[from]));
        w.put(balanceKey(to), Long.toString(balance[to]));
        w.put(riskKey(from), score(amount, balance[from]));
        w.put(riskKey(to), score(amount, balance[to]));
        w.put(marker(id), from + "->" + to + ":" + amount);
        txns.add(w);
        return commit(store, w);
    }

    CompletableFuture<Lsn> submitSeed(KvStore store) {
        return commit(store, txns.get(0));
    }

    private static CompletableFuture<Lsn> commit(KvStore store, Map<String, String> w) {
        Txn t = store.begin();
        w.forEach((k, v) -> t.put(k.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)));
        return t.commitAsync();
    }

    private static String score(long amount, long balanceAfter) {
        double s = Math.min(0.999, 0.05 + amount / (double) Math.max(1, balanceAfter + amount));
        return String.format(Locale.ROOT, "%.3f", s);
    }

    /** The store's contents after transactions {@code [0, k)}. */
    TreeMap<String, String> modelAt(int k) {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < k; i++) {
            m.putAll(txns.get(i));
        }
        return m;
    }

    /** What a recovered store holds, checked against the model. */
    record Check(int prefix, boolean markersArePrefix, boolean equalsModel, long total, List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * Reads the whole store and finds k, the number of transactions it holds. Checks that the audit
     * markers present are exactly {@code 0..k-1}, that the store equals the model after k, that the
     * balances still sum to the initial total, and that every acknowledged id is below k.
     */
    Check check(KvStore store, List<Integer> acknowledged) {
        TreeMap<String, String> actual = new TreeMap<>();
        try (KvIterator it = store.all()) {
            while (it.hasNext()) {
                KvEntry e = it.next();
                actual.put(new String(e.key(), StandardCharsets.UTF_8), new String(e.value(), StandardCharsets.UTF_8));
            }
        }
        List<String> problems = new ArrayList<>();
        int k = 0;
        while (actual.containsKey(marker(k))) {
            k++;
        }
        long markers = actual.keySet().stream().filter(s -> s.startsWith("txn/")).count();
        boolean prefix = markers == k;
        if (!prefix) {
            problems.add("audit markers are not a prefix: " + markers + " present, first gap at " + k);
        }
        boolean equals = actual.equals(modelAt(k));
        if (!equals) {
            problems.add("store differs from the model after " + k + " transactions (a transaction is partly visible)");
        }
        long total = 0;
        for (int a = 0; a < accounts; a++) {
            String v = actual.get(balanceKey(a));
            total += v == null ? 0 : Long.parseLong(v);
        }
        if (total != initialTotal) {
            problems.add("balances sum to " + total + ", expected " + initialTotal);
        }
        for (int id : acknowledged) {
            if (id >= k) {
                problems.add("acknowledged transaction " + id + " is missing");
                break;
            }
        }
        return new Check(k, prefix, equals, total, problems);
    }
}
