package io.ledgerkv.fault.workload;

import static io.ledgerkv.fault.workload.Workload.b;
import static io.ledgerkv.fault.workload.Workload.s;

import io.ledgerkv.api.KvEntry;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Txn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Bank transfers, the risk-control case: {@code accounts} accounts start with 100 each; every
 * transaction moves an amount between two accounts by writing both new balances, a marker
 * {@code xfer/<id>} and, one time in eight, a padding value big enough to make the transaction span
 * several WAL entries. Reads read all balances from one snapshot. The total never changes, so a
 * read that sums differently saw part of a transaction; the final balances must equal the initial
 * ones plus the transfers whose markers are present.
 */
public final class BankWorkload implements Workload {
    public static final int INITIAL = 100;
    private final int accounts;
    private final int padBytes;
    private final long[] balance;
    private long nextId = 1;

    public BankWorkload(int accounts, int padBytes) {
        this.accounts = accounts;
        this.padBytes = padBytes;
        this.balance = new long[accounts];
    }

    public static String account(int i) {
        return String.format(Locale.ROOT, "acct/%03d", i);
    }

    public static String marker(long id) {
        return String.format(Locale.ROOT, "xfer/%09d", id);
    }

    public static String pad(long id) {
        return String.format(Locale.ROOT, "pad/%09d", id);
    }

    @Override
    public String name() {
        return "bank";
    }

    public int accounts() {
        return accounts;
    }

    @Override
    public Submitted seed(KvStore store) {
        List<KvEntry> init = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            balance[i] = INITIAL;
            init.add(new KvEntry(b(account(i)), b(Long.toString(INITIAL))));
        }
        return new Submitted("setup", Map.of("accounts", accounts, "initial", INITIAL), store.putAllAsync(init));
    }

    @Override
    public void reload(KvStore store) {
        for (int i = 0; i < accounts; i++) {
            byte[] v = store.get(b(account(i)));
            balance[i] = v == null ? INITIAL : Long.parseLong(s(v));
        }
        long max = 0;
        try (var it = store.range(b("xfer/"), b("xfer0"))) {
            while (it.hasNext()) {
                max = Math.max(max, Long.parseLong(s(it.next().key()).substring(5)));
            }
        }
        nextId = Math.max(nextId, max + 1); // ids stay unique even across writers
    }

    @Override
    public Submitted nextWrite(SplittableRandom random, KvStore store) {
        long id = nextId++;
        int from = random.nextInt(accounts);
        int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
        long amount = 1 + random.nextInt(5);
        boolean padded = padBytes > 0 && random.nextInt(8) == 0;
        Txn t = store.begin();
        t.put(b(account(from)), b(Long.toString(balance[from] - amount)));
        t.put(b(account(to)), b(Long.toString(balance[to] + amount)));
        t.put(b(marker(id)), b(from + ">" + to + ":" + amount));
        if (padded) {
            byte[] pad = new byte[padBytes];
            random.nextBytes(pad);
            t.put(b(pad(id)), pad);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("from", from);
        v.put("to", to);
        v.put("amount", amount);
        v.put("padded", padded);
        Submitted s = new Submitted("transfer", v, t.commitAsync());
        balance[from] -= amount; // the writer's view moves on: later transfers build on this one
        balance[to] += amount;
        return s;
    }

    @Override
    public Map<String, Object> read(KvStore store) {
        return Workload.snapshotRead(store, "acct/");
    }
}
