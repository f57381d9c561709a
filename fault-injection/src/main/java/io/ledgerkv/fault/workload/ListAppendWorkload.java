package io.ledgerkv.fault.workload;

import static io.ledgerkv.fault.workload.Workload.b;
import static io.ledgerkv.fault.workload.Workload.s;

import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Txn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * List append, as Jepsen's Elle uses it: each transaction appends its own unique value to one or
 * two of {@code keys} lists and reads one or two others (through the transaction, so it sees the
 * committed state). Lost, duplicated, reordered or partly applied transactions then show in the
 * lists themselves: every read must be a prefix of the final list, every acknowledged value must be
 * in every list it was appended to, and no value may appear twice.
 */
public final class ListAppendWorkload implements Workload {
    private final int keys;
    private final int padBytes;
    private final Map<Integer, List<Long>> lists = new TreeMap<>();
    private long nextId = 1;

    public ListAppendWorkload(int keys, int padBytes) {
        this.keys = keys;
        this.padBytes = padBytes;
        for (int k = 0; k < keys; k++) {
            lists.put(k, new ArrayList<>());
        }
    }

    public static String key(int k) {
        return String.format(Locale.ROOT, "list/%02d", k);
    }

    public static String pad(long id) {
        return String.format(Locale.ROOT, "pad/%09d", id);
    }

    public static List<Long> parse(String v) {
        List<Long> out = new ArrayList<>();
        if (v == null || v.isEmpty()) {
            return out;
        }
        for (String x : v.split(",")) {
            out.add(Long.parseLong(x));
        }
        return out;
    }

    private static String render(List<Long> l) {
        StringBuilder sb = new StringBuilder();
        for (long x : l) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(x);
        }
        return sb.toString();
    }

    @Override
    public String name() {
        return "list-append";
    }

    @Override
    public Submitted seed(KvStore store) {
        return new Submitted("setup", Map.of("keys", keys), store.putAllAsync(List.of()));
    }

    @Override
    public void reload(KvStore store) {
        for (int k = 0; k < keys; k++) {
            byte[] v = store.get(b(key(k)));
            List<Long> l = v == null ? new ArrayList<>() : parse(s(v));
            lists.put(k, l);
            for (long x : l) {
                nextId = Math.max(nextId, x + 1);
            }
        }
    }

    @Override
    public Submitted nextWrite(SplittableRandom random, KvStore store) {
        long id = nextId++;
        List<Integer> appends = new ArrayList<>();
        int n = 1 + random.nextInt(2);
        while (appends.size() < n) {
            int k = random.nextInt(keys);
            if (!appends.contains(k)) {
                appends.add(k);
            }
        }
        List<Integer> readKeys = new ArrayList<>();
        int r = 1 + random.nextInt(2);
        while (readKeys.size() < r) {
            int k = random.nextInt(keys);
            if (!readKeys.contains(k) && !appends.contains(k)) {
                readKeys.add(k);
            }
        }
        Txn t = store.begin();
        Map<String, Object> reads = new LinkedHashMap<>();
        for (int k : readKeys) {
            byte[] v = t.get(b(key(k)));
            reads.put(key(k), parse(v == null ? null : s(v)));
        }
        Map<Integer, List<Long>> written = new TreeMap<>();
        for (int k : appends) {
            List<Long> next = new ArrayList<>(lists.get(k));
            next.add(id);
            t.put(b(key(k)), b(render(next)));
            written.put(k, next);
        }
        boolean padded = padBytes > 0 && random.nextInt(8) == 0;
        if (padded) {
            byte[] pad = new byte[padBytes];
            random.nextBytes(pad);
            t.put(b(pad(id)), pad);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("appends", appends.stream().map(ListAppendWorkload::key).toList());
        v.put("reads", reads);
        v.put("padded", padded);
        Submitted s = new Submitted("append", v, t.commitAsync());
        lists.putAll(written); // only once handed to the committer: a refused commit must not leak into later lists
        return s;
    }

    @Override
    public Map<String, Object> read(KvStore store) {
        return Workload.snapshotRead(store, "list/");
    }
}
