package io.ledgerkv.fault.workload;

import static io.ledgerkv.fault.workload.Workload.b;
import static io.ledgerkv.fault.workload.Workload.s;

import io.ledgerkv.api.Condition;
import io.ledgerkv.api.KvStore;
import io.ledgerkv.api.Txn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * List append, as Jepsen's Elle uses it: each transaction reads one or two of {@code keys} lists and
 * appends its own unique id to one or two others. It reads every list it touches inside the
 * transaction ({@link Txn#get}), appends to what the store returned, and guards every key it read
 * with {@link Condition#valueEquals} (or {@link Condition#absent}), so the commit goes through only
 * if nothing changed those lists since: the writer never writes a list from its own memory. An
 * append therefore stays visible forever once committed; a transaction the store loses or applies
 * twice shows in the lists (a missing id, an id twice, a read that is not a prefix of the final
 * list), and a refused condition is a definite failure (nothing written).
 *
 * <p>Each transaction also writes a marker {@code txn/<id>}: if its own write is lost while a later
 * transaction that read it carries its id on, the id is in the lists but the marker is not.
 *
 * <p>The invocation records {@code ops}, the transaction's micro-operations in the order it ran
 * them, as Elle writes them: {@code ["r", key, [ids...]]} and {@code ["append", key, id]}.
 *
 * <p>As Elle's generator does ({@code max-writes-per-key}), a list is retired once it holds
 * {@link #MAX_APPENDS_PER_KEY} elements and a fresh key takes its place among the {@code keys}
 * active ones: every read records whole lists, so unbounded lists would make a history (and the
 * checker's memory) grow with the square of its length.
 */
public final class ListAppendWorkload implements Workload {
    private final int keys;
    private final int padBytes;
    private final IdCounter ids = new IdCounter();
    /** A list this long is retired: the transaction that sees it still appends, the next ones use a fresh key. */
    public static final int MAX_APPENDS_PER_KEY = 64;
    /** The key number each of the {@code keys} active slots uses now. */
    private final AtomicIntegerArray slots;
    private final AtomicInteger nextKey;

    public ListAppendWorkload(int keys, int padBytes) {
        this.keys = keys;
        this.padBytes = padBytes;
        this.slots = new AtomicIntegerArray(keys);
        for (int k = 0; k < keys; k++) {
            slots.set(k, k);
        }
        this.nextKey = new AtomicInteger(keys);
    }

    public static String key(int k) {
        return String.format(Locale.ROOT, "list/%02d", k);
    }

    public static String pad(long id) {
        return String.format(Locale.ROOT, "pad/%09d", id);
    }

    public static String marker(long id) {
        return String.format(Locale.ROOT, "txn/%09d", id);
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

    /**
     * Only the id counter and which lists are retired come from the store: ids must stay unique
     * across writers, and a writer process that starts afresh must not append to retired lists.
     */
    @Override
    public void reload(KvStore store) {
        Map<Integer, Integer> sizes = new HashMap<>();
        try (var it = store.range(b("list/"), b("list0"))) {
            while (it.hasNext()) {
                var kv = it.next();
                List<Long> list = parse(s(kv.value()));
                sizes.put(Integer.parseInt(s(kv.key()).substring("list/".length())), list.size());
                list.forEach(ids::seen);
            }
        }
        sizes.keySet().stream().max(Integer::compare).ifPresent(max -> nextKey.accumulateAndGet(max + 1, Math::max));
        for (int slot = 0; slot < keys; slot++) {
            int k = slots.get(slot);
            if (sizes.getOrDefault(k, 0) >= MAX_APPENDS_PER_KEY) {
                slots.compareAndSet(slot, k, nextKey.getAndIncrement());
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
        List<Integer> appendSlots = new ArrayList<>();
        int n = 1 + random.nextInt(2);
        while (appendSlots.size() < n) {
            int k = random.nextInt(keys);
            if (!appendSlots.contains(k)) {
                appendSlots.add(k);
            }
        }
        List<Integer> readSlots = new ArrayList<>();
        int r = 1 + random.nextInt(2);
        while (readSlots.size() < r) {
            int k = random.nextInt(keys);
            if (!readSlots.contains(k) && !appendSlots.contains(k)) {
                readSlots.add(k);
            }
        }
        List<Integer> appends = new ArrayList<>(appendSlots.size());
        for (int slot : appendSlots) {
            appends.add(slots.get(slot));
        }
        List<Integer> readKeys = new ArrayList<>(readSlots.size());
        for (int slot : readSlots) {
            readKeys.add(slots.get(slot));
        }
        Txn t = store.begin();
        List<List<Object>> ops = new ArrayList<>();
        for (int k : readKeys) {
            ops.add(List.of("r", key(k), readGuarded(t, key(k))));
        }
        for (int i = 0; i < appends.size(); i++) {
            int k = appends.get(i);
            List<Long> seen = readGuarded(t, key(k));
            if (seen.size() >= MAX_APPENDS_PER_KEY) {
                slots.compareAndSet(appendSlots.get(i), k, nextKey.getAndIncrement()); // retire the key
            }
            ops.add(List.of("r", key(k), seen));
            List<Long> next = new ArrayList<>(seen);
            next.add(id);
            t.put(b(key(k)), b(render(next)));
            ops.add(List.of("append", key(k), id));
        }
        t.put(b(marker(id)), b(String.join(",", appends.stream().map(ListAppendWorkload::key).toList())));
        boolean padded = padBytes > 0 && random.nextInt(8) == 0;
        if (padded) {
            byte[] pad = new byte[padBytes];
            random.nextBytes(pad);
            t.put(b(pad(id)), pad);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("appends", appends.stream().map(ListAppendWorkload::key).toList());
        v.put("ops", ops);
        v.put("marker", marker(id));
        v.put("padded", padded);
        return new Prepared("append", v, t);
    }

    /** Reads {@code key} through the transaction and makes the commit depend on it being unchanged. */
    private static List<Long> readGuarded(Txn t, String key) {
        byte[] v = t.get(b(key));
        t.check(b(key), v == null ? Condition.absent() : Condition.valueEquals(v));
        return parse(v == null ? null : s(v));
    }

    /**
     * One micro-operation of a transaction, as Elle models them: a read of a whole list
     * ({@code read} holds what it returned) or an append of one value ({@code read} is null).
     */
    public record MicroOp(String f, String key, List<Long> read, long append) {
        public static MicroOp read(String key, List<Long> seen) {
            return new MicroOp("r", key, List.copyOf(seen), 0);
        }

        public static MicroOp append(String key, long value) {
            return new MicroOp("append", key, null, value);
        }

        public boolean isRead() {
            return "r".equals(f);
        }

        /** Elle's form: {@code ["r", key, [..]]} (null for the list when {@code withRead} is false) or {@code ["append", key, v]}. */
        public List<Object> toElle(boolean withRead) {
            List<Object> out = new ArrayList<>(3);
            out.add(f);
            out.add(key);
            out.add(isRead() ? (withRead ? read : null) : (Object) append);
            return out;
        }
    }

    /**
     * The micro-operations an {@code append} invocation recorded: its {@code ops} in order; for
     * histories written before {@code ops} existed, its {@code reads} followed by its appends of {@code id}.
     */
    @SuppressWarnings("unchecked")
    public static List<MicroOp> microOps(Map<String, Object> invoke) {
        List<MicroOp> out = new ArrayList<>();
        Object ops = invoke.get("ops");
        if (ops instanceof List<?> list) {
            for (Object o : list) {
                List<Object> m = (List<Object>) o;
                String key = (String) m.get(1);
                out.add("r".equals(m.get(0)) ? MicroOp.read(key, longs((List<Object>) m.get(2)))
                        : MicroOp.append(key, ((Number) m.get(2)).longValue()));
            }
            return out;
        }
        Object reads = invoke.get("reads");
        if (reads instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).forEach((k, v) -> out.add(MicroOp.read(k, longs((List<Object>) v))));
        }
        long id = ((Number) invoke.get("id")).longValue();
        for (String k : (List<String>) invoke.getOrDefault("appends", List.of())) {
            out.add(MicroOp.append(k, id));
        }
        return out;
    }

    /**
     * A snapshot read's entries as reads of every list: of {@code keys} lists when known (an absent
     * list reads as empty), else of the lists present.
     */
    public static List<MicroOp> readsOf(Map<String, String> entries, int keys) {
        NavigableSet<String> lists = new TreeSet<>();
        for (int k = 0; k < keys; k++) {
            lists.add(key(k));
        }
        entries.keySet().stream().filter(k -> k.startsWith("list/")).forEach(lists::add);
        List<MicroOp> out = new ArrayList<>(lists.size());
        for (String k : lists) {
            out.add(MicroOp.read(k, parse(entries.get(k))));
        }
        return out;
    }

    private static List<Long> longs(List<Object> l) {
        List<Long> out = new ArrayList<>(l.size());
        for (Object o : l) {
            out.add(((Number) o).longValue());
        }
        return out;
    }

    @Override
    public Map<String, Object> read(KvStore store) {
        return Workload.snapshotRead(store, "list/");
    }
}
