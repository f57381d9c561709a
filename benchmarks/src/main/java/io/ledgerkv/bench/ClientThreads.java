package io.ledgerkv.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time and allocated bytes of the threads of a benchmark JVM, by what they run. A benchmark JVM
 * holds the in-process bookies and ZooKeeper as well as the store, so whole-JVM figures (JMH's
 * {@code -prof gc}, process CPU) are mostly the servers'. The store's own cost is the
 * {@link Group#CALLER callers'} threads (the JMH worker calling {@code putAsync}), the store's own
 * {@link Group#STORE ledgerkv-*} threads (committer, completions, checkpoints, stats) and the
 * BookKeeper {@link Group#BK_CLIENT client's} threads, on which the store's acknowledgement handling
 * runs (applying entries to the index, completing futures) beside the client's own protocol work.
 * Everything else (bookies, ZooKeeper, JIT, GC) is {@link Group#OTHER}.
 *
 * <p>Thread CPU time is the kernel's per-thread accounting ({@code ThreadMXBean.getThreadCpuTime}),
 * allocated bytes HotSpot's per-thread TLAB counter ({@code getThreadAllocatedBytes}). A thread that
 * ended between two snapshots loses what it did since the first: the committer, the completions
 * pool (60 s idle timeout) and the stats thread live as long as the store does, but each automatic
 * checkpoint runs on a thread of its own that ends with it, so with checkpoints on the costs miss
 * the checkpoints that finished inside the iteration. {@link Usage#vanished()} counts such threads;
 * the gated benchmark runs with checkpoints off.
 */
public final class ClientThreads {

    /** What a thread runs, from its name. */
    public enum Group {
        CALLER, STORE, BK_CLIENT, OTHER;

        /** The groups whose sum is the store's client-side cost. */
        public boolean client() {
            return this != OTHER;
        }
    }

    private static final Pattern JMH_WORKER = Pattern.compile(".*-jmh-worker-\\d+");
    private static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One thread's counters at one moment. */
    private record Counters(String name, long cpuNanos, long allocatedBytes) {
    }

    /** Every live thread's counters at one moment, by thread id. */
    public static final class Snapshot {
        private final Map<Long, Counters> threads;

        private Snapshot(Map<Long, Counters> threads) {
            this.threads = threads;
        }
    }

    /**
     * CPU nanoseconds and allocated bytes per group between two snapshots, and the CPU of the
     * store's committer thread(s) alone ({@code ledgerkv-committer-*}: batching, encoding, sending).
     */
    public record Usage(Map<Group, Long> cpuNanos, Map<Group, Long> allocatedBytes, long committerCpuNanos, int vanished) {
        public long clientCpuNanos() {
            return sum(cpuNanos);
        }

        public long clientAllocatedBytes() {
            return sum(allocatedBytes);
        }

        /** The store's own threads and its callers: what runs the store's code and nothing but it. */
        public long ownCpuNanos() {
            return cpuNanos.get(Group.CALLER) + cpuNanos.get(Group.STORE);
        }

        public long ownAllocatedBytes() {
            return allocatedBytes.get(Group.CALLER) + allocatedBytes.get(Group.STORE);
        }

        private static long sum(Map<Group, Long> m) {
            long s = 0;
            for (Map.Entry<Group, Long> e : m.entrySet()) {
                if (e.getKey().client()) {
                    s += e.getValue();
                }
            }
            return s;
        }
    }

    private ClientThreads() {
    }

    /** Whether this JVM can count per-thread CPU time and allocation (HotSpot can; it is switched on if it is off). */
    public static boolean supported() {
        if (!MX.isThreadCpuTimeSupported() || !MX.isThreadAllocatedMemorySupported()) {
            return false;
        }
        if (!MX.isThreadCpuTimeEnabled()) {
            MX.setThreadCpuTimeEnabled(true);
        }
        if (!MX.isThreadAllocatedMemoryEnabled()) {
            MX.setThreadAllocatedMemoryEnabled(true);
        }
        return true;
    }

    public static Group group(String threadName) {
        String n = threadName.toLowerCase(Locale.ROOT);
        // exactly JMH's worker: the ZooKeeper clients' "<creator>-EventThread"/"-SendThread" threads carry the name of the
        // thread that created them, which for the in-process servers and the store alike is the worker (trial set-up runs on it)
        if (JMH_WORKER.matcher(threadName).matches()) {
            return Group.CALLER;
        }
        if (n.startsWith("ledgerkv-")) {
            return Group.STORE;
        }
        // the client's ordered executor (callbacks, where the store applies acknowledged entries), its
        // Netty event loop, and its scheduler; the bookies' threads are named after the bookie's parts
        if (n.startsWith("bookkeeperclientworker") || n.startsWith("bookkeeper-io") || n.startsWith("bookkeeperclientscheduler")
                || n.startsWith("bookkeeperhighpriority")) {
            return Group.BK_CLIENT;
        }
        return Group.OTHER;
    }

    public static Snapshot take() {
        long[] ids = MX.getAllThreadIds();
        ThreadInfo[] infos = MX.getThreadInfo(ids, 0);
        long[] cpu = MX.getThreadCpuTime(ids);
        long[] alloc = MX.getThreadAllocatedBytes(ids);
        Map<Long, Counters> out = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && cpu[i] >= 0 && alloc[i] >= 0) {
                out.put(ids[i], new Counters(infos[i].getThreadName(), cpu[i], alloc[i]));
            }
        }
        return new Snapshot(out);
    }

    /** What each group used from {@code from} to {@code to}; a thread started in between counts from zero. */
    public static Usage between(Snapshot from, Snapshot to) {
        Map<Group, Long> cpu = new EnumMap<>(Group.class);
        Map<Group, Long> alloc = new EnumMap<>(Group.class);
        for (Group g : Group.values()) {
            cpu.put(g, 0L);
            alloc.put(g, 0L);
        }
        long committer = 0;
        for (Map.Entry<Long, Counters> e : to.threads.entrySet()) {
            Counters now = e.getValue();
            Counters was = from.threads.get(e.getKey());
            Group g = group(now.name());
            long c = now.cpuNanos() - (was == null ? 0 : was.cpuNanos());
            cpu.merge(g, c, Long::sum);
            alloc.merge(g, now.allocatedBytes() - (was == null ? 0 : was.allocatedBytes()), Long::sum);
            if (now.name().startsWith("ledgerkv-committer-")) {
                committer += c;
            }
        }
        int vanished = 0;
        for (Map.Entry<Long, Counters> e : from.threads.entrySet()) {
            if (!to.threads.containsKey(e.getKey()) && group(e.getValue().name()).client()) {
                vanished++;
            }
        }
        return new Usage(cpu, alloc, committer, vanished);
    }

    /** Per-thread CPU milliseconds from {@code from} to {@code to}, busiest first, for finding out which thread is which. */
    public static String table(Snapshot from, Snapshot to) {
        StringBuilder sb = new StringBuilder();
        to.threads.entrySet().stream()
                .map(e -> {
                    Counters was = from.threads.get(e.getKey());
                    return Map.entry(e.getValue(), e.getValue().cpuNanos() - (was == null ? 0 : was.cpuNanos()));
                })
                .filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> sb.append(String.format(Locale.ROOT, "%9.1f ms  %-9s %s%n", e.getValue() / 1e6, group(e.getKey().name()),
                        e.getKey().name())));
        return sb.toString();
    }
}
