package io.ledgerkv.fault.workload;

import static io.ledgerkv.fault.workload.Workload.b;
import static io.ledgerkv.fault.workload.Workload.s;

import io.ledgerkv.api.Condition;
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
 * transaction reads both balances inside the transaction ({@link Txn#get}), guards them with
 * {@link Condition#valueEquals} (the commit goes through only if neither changed since), and writes
 * the two new balances computed from what it read, a marker {@code xfer/<id>} and, one time in
 * eight, a padding value big enough to make the transaction span several WAL entries. The writer
 * keeps no balances of its own, so a transfer the store loses or applies twice is not papered over
 * by the next one: it shows in the total and in the final balances. Reads read all balances from
 * one snapshot. The invocation records what the transfer read and wrote ({@code read},
 * {@code wrote}: account key to balance), so the checker can tell every balance ever seen from one
 * that no transfer could have produced.
 */
public final class BankWorkload implements Workload {
    public static final int INITIAL = 100;
    private final int accounts;
    private final int padBytes;
    private final IdCounter ids = new IdCounter();

    public BankWorkload(int accounts, int padBytes) {
        this.accounts = accounts;
        this.padBytes = padBytes;
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
            init.add(new KvEntry(b(account(i)), b(Long.toString(INITIAL))));
        }
        return new Submitted("setup", Map.of("accounts", accounts, "initial", INITIAL), store.putAllAsync(init));
    }

    /** Only the id counter comes from the store: balances are read by each transfer. */
    @Override
    public void reload(KvStore store) {
        try (var it = store.range(b("xfer/"), b("xfer0"))) {
            while (it.hasNext()) {
                ids.seen(Long.parseLong(s(it.next().key()).substring(5))); // ids stay unique even across writers
            }
        }
    }

    @Override
    public void idRange(long floor, long ceiling) {
        ids.range(floor, ceiling);
    }

    @Override
    public Prepared nextWrite(SplittableRandom random, KvStore store) {
        long id = ids.next();
        int from = random.nextInt(accounts);
        int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
        long amount = 1L + random.nextInt(5);
        boolean padded = padBytes > 0 && random.nextInt(8) == 0;
        Txn t = store.begin();
        String fromKey = account(from);
        String toKey = account(to);
        Long fromBalance = readGuarded(t, fromKey);
        Long toBalance = readGuarded(t, toKey);
        long fromAfter = (fromBalance == null ? 0 : fromBalance) - amount; // an account that vanished counts as 0: the checker flags it
        long toAfter = (toBalance == null ? 0 : toBalance) + amount;
        t.put(b(fromKey), b(Long.toString(fromAfter)));
        t.put(b(toKey), b(Long.toString(toAfter)));
        t.put(b(marker(id)), b(from + ">" + to + ":" + amount));
        if (padded) {
            byte[] pad = new byte[padBytes];
            random.nextBytes(pad);
            t.put(b(pad(id)), pad);
        }
        Map<String, Object> read = new LinkedHashMap<>();
        read.put(fromKey, fromBalance);
        read.put(toKey, toBalance);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("from", from);
        v.put("to", to);
        v.put("amount", amount);
        v.put("padded", padded);
        v.put("read", read);
        v.put("wrote", Map.of(fromKey, fromAfter, toKey, toAfter));
        return new Prepared("transfer", v, t);
    }

    /** Reads a balance through the transaction and makes the commit depend on it being unchanged. */
    private static Long readGuarded(Txn t, String key) {
        byte[] v = t.get(b(key));
        t.check(b(key), v == null ? Condition.absent() : Condition.valueEquals(v));
        return v == null ? null : Long.parseLong(s(v));
    }

    @Override
    public Map<String, Object> read(KvStore store) {
        return Workload.snapshotRead(store, "acct/");
    }
}
