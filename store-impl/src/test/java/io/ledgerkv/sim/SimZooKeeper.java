package io.ledgerkv.sim;

import io.ledgerkv.meta.ZkException;
import io.ledgerkv.meta.ZkNodes;
import io.ledgerkv.sim.FaultPlan.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An in-memory ZooKeeper with the semantics ledgerkv relies on: a tree of znodes with data
 * versions, sequential names from the parent's child-change counter (cversion), ephemeral znodes
 * owned by a session and removed when it expires or closes, atomic multi-operations that apply all
 * or nothing and report the first failing operation's error. Clients ({@link #connect()}) behave as
 * Curator does: after a lost connection they send the same request again (so a request the server
 * applied can be applied twice, or fail the second time with BAD_VERSION or NODE_EXISTS), and after
 * a session expiry they tell their listeners and go on with a new session. ACLs, watches and
 * quotas are not modelled.
 */
public final class SimZooKeeper {
    private final FaultPlan plan;
    private final Executor events;
    private final TreeMap<String, Z> nodes = new TreeMap<>();
    private long nextSession = 1;
    /** Directed faults for tests: the next write touching a matching path gets the fault (once each). */
    private final List<Directed> directed = new CopyOnWriteArrayList<>();

    private record Directed(Predicate<ZkNodes.Op> op, FaultPlan.Fault fault) {
    }

    /**
     * Makes the next write (create, set, delete, or a multi holding such an operation) that matches
     * {@code op} meet {@code fault}, once; for tests that aim at one exact moment.
     */
    public void injectOnce(Predicate<ZkNodes.Op> op, FaultPlan.Fault fault) {
        directed.add(new Directed(op, fault));
    }

    // directed is a CopyOnWriteArrayList: the loop walks a snapshot, and remove() answering true is what makes a directed
    // fault strike once even when two threads match it at the same moment.
    @SuppressWarnings("ModifyCollectionInEnhancedForLoop")
    private FaultPlan.Decision directedFor(List<ZkNodes.Op> ops) {
        for (Directed d : directed) {
            for (ZkNodes.Op o : ops) {
                if (d.op().test(o) && directed.remove(d)) {
                    return new FaultPlan.Decision(d.fault(), 1);
                }
            }
        }
        return null;
    }

    /** One znode. */
    private static final class Z {
        byte[] data;
        int version;
        int cversion;
        long owner;

        Z(byte[] data, long owner) {
            this.data = data;
            this.owner = owner;
        }

        Z copy() {
            Z z = new Z(data, owner);
            z.version = version;
            z.cversion = cversion;
            return z;
        }
    }

    /** {@code events} runs session-loss listeners, as Curator's event thread does. */
    public SimZooKeeper(FaultPlan plan, Executor events) {
        this.plan = plan;
        this.events = events;
        nodes.put("/", new Z(new byte[0], 0));
    }

    /** Creates {@code path} and its parents as empty persistent znodes if missing (cluster set-up, no faults). */
    public synchronized void ensurePath(String path) {
        try {
            createParents(nodes, path);
            if (!nodes.containsKey(path)) {
                create(nodes, path, new byte[0], ZkNodes.Mode.PERSISTENT, 0);
            }
        } catch (ZkException e) {
            throw new IllegalStateException(e);
        }
    }

    public Client connect() {
        synchronized (this) {
            return new Client(nextSession++);
        }
    }

    /** Expires {@code c}'s current session now: its ephemeral znodes go, its listeners hear of it, it reconnects. */
    public void expire(Client c) {
        long old;
        synchronized (this) {
            old = c.session;
            dropEphemerals(old);
            c.session = nextSession++;
        }
        for (Runnable r : c.listeners) {
            events.execute(r);
        }
    }

    /** Paths currently in the tree (for checks and reports). */
    public synchronized List<String> paths() {
        return new ArrayList<>(nodes.keySet());
    }

    private void dropEphemerals(long session) {
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, Z> e : nodes.entrySet()) {
            if (e.getValue().owner == session) {
                gone.add(e.getKey());
            }
        }
        for (String p : gone) {
            nodes.remove(p);
            Z parent = nodes.get(parent(p));
            if (parent != null) {
                parent.cversion++;
            }
        }
    }

    // ---- the data model: every method works on a map so that multi can apply to a copy -------------

    private static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    private static Z existing(TreeMap<String, Z> t, String path) throws ZkException {
        Z z = t.get(path);
        if (z == null) {
            throw new ZkException(ZkException.Code.NO_NODE, path);
        }
        return z;
    }

    private static void createParents(TreeMap<String, Z> t, String path) throws ZkException {
        String p = parent(path);
        if (!t.containsKey(p)) {
            createParents(t, p);
            create(t, p, new byte[0], ZkNodes.Mode.PERSISTENT, 0);
        }
    }

    private static String create(TreeMap<String, Z> t, String path, byte[] data, ZkNodes.Mode mode, long session)
            throws ZkException {
        Z parent = t.get(parent(path));
        if (parent == null) {
            throw new ZkException(ZkException.Code.NO_NODE, parent(path));
        }
        if (parent.owner != 0) {
            throw new ZkException(ZkException.Code.OTHER, path, "ephemeral znodes cannot have children: " + path, null);
        }
        String actual = mode == ZkNodes.Mode.PERSISTENT_SEQUENTIAL ? path + String.format("%010d", parent.cversion) : path;
        if (t.containsKey(actual)) {
            throw new ZkException(ZkException.Code.NODE_EXISTS, actual);
        }
        t.put(actual, new Z(data == null ? new byte[0] : data.clone(), mode == ZkNodes.Mode.EPHEMERAL ? session : 0));
        parent.cversion++;
        return actual;
    }

    private static int set(TreeMap<String, Z> t, String path, byte[] data, int version) throws ZkException {
        Z z = existing(t, path);
        if (version != -1 && version != z.version) {
            throw new ZkException(ZkException.Code.BAD_VERSION, path);
        }
        z.data = data.clone();
        z.version++;
        return z.version;
    }

    private static boolean hasChildren(TreeMap<String, Z> t, String path) {
        String prefix = path.equals("/") ? "/" : path + "/";
        String next = t.higherKey(path);
        return next != null && next.startsWith(prefix);
    }

    private static void delete(TreeMap<String, Z> t, String path, int version) throws ZkException {
        Z z = existing(t, path);
        if (version != -1 && version != z.version) {
            throw new ZkException(ZkException.Code.BAD_VERSION, path);
        }
        if (hasChildren(t, path)) {
            throw new ZkException(ZkException.Code.NOT_EMPTY, path);
        }
        t.remove(path);
        Z parent = t.get(parent(path));
        if (parent != null) {
            parent.cversion++;
        }
    }

    private static void check(TreeMap<String, Z> t, String path, int version) throws ZkException {
        Z z = existing(t, path);
        if (version != -1 && version != z.version) {
            throw new ZkException(ZkException.Code.BAD_VERSION, path);
        }
    }

    /** A Curator-like client of the simulated ensemble: one session at a time, faults from the plan. */
    public final class Client implements ZkNodes {
        private volatile long session;
        private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
        private volatile boolean closed;

        Client(long session) {
            this.session = session;
        }

        @FunctionalInterface
        private interface Call<T> {
            T apply() throws ZkException;
        }

        private <T> T call(boolean write, Call<T> op) throws ZkException {
            return call(write, List.of(), op);
        }

        private <T> T call(boolean write, List<ZkNodes.Op> paths, Call<T> op) throws ZkException {
            if (closed) {
                throw new IllegalStateException("this simulated ZooKeeper client is closed");
            }
            FaultPlan.Decision d = plan.decide(write ? Point.ZK_WRITE : Point.ZK_READ);
            FaultPlan.Decision aimed = write ? directedFor(paths) : null;
            if (aimed != null) {
                d = aimed;
            }
            switch (d.fault()) {
                case ZK_CONNECTION_LOSS -> throw new ZkException(ZkException.Code.CONNECTION_LOSS, null,
                        "simulated: connection lost before the request reached the server", null);
                case ZK_SESSION_EXPIRED -> expire(this);
                case ZK_SLOW -> pause(1 + d.param() % 5);
                case ZK_APPLIED_RESPONSE_LOST -> {
                    try {
                        locked(op);
                    } catch (ZkException first) {
                        // the first attempt's outcome is lost with its response
                    }
                    return locked(op); // Curator's retry
                }
                case ZK_APPLIED_THEN_CONNECTION_LOSS -> {
                    try {
                        locked(op);
                    } catch (ZkException first) {
                        // lost with its response
                    }
                    throw new ZkException(ZkException.Code.CONNECTION_LOSS, null,
                            "simulated: connection lost after the server applied the request", null);
                }
                default -> {
                }
            }
            return locked(op);
        }

        private <T> T locked(Call<T> op) throws ZkException {
            synchronized (SimZooKeeper.this) {
                return op.apply();
            }
        }

        @Override
        public Node get(String path) throws ZkException {
            return call(false, () -> {
                Z z = existing(nodes, path);
                return new Node(z.data.clone(), z.version);
            });
        }

        @Override
        public int exists(String path) throws ZkException {
            return call(false, () -> {
                Z z = nodes.get(path);
                return z == null ? -1 : z.version;
            });
        }

        @Override
        public List<String> children(String path) throws ZkException {
            return call(false, () -> {
                existing(nodes, path);
                String prefix = path.equals("/") ? "/" : path + "/";
                List<String> out = new ArrayList<>();
                for (String k : nodes.tailMap(prefix, false).keySet()) {
                    if (!k.startsWith(prefix)) {
                        break;
                    }
                    if (k.indexOf('/', prefix.length()) < 0) {
                        out.add(k.substring(prefix.length()));
                    }
                }
                return out;
            });
        }

        @Override
        public String create(String path, byte[] data, Mode mode, boolean parents) throws ZkException {
            return call(true, List.of(new Create(path, data, mode)), () -> {
                if (parents) {
                    createParents(nodes, path);
                }
                return SimZooKeeper.create(nodes, path, data, mode, session);
            });
        }

        @Override
        public int set(String path, byte[] data, int version) throws ZkException {
            return call(true, List.of(new SetData(path, data, version)), () -> SimZooKeeper.set(nodes, path, data, version));
        }

        @Override
        public void delete(String path, int version) throws ZkException {
            call(true, List.of(new Delete(path, version)), () -> {
                SimZooKeeper.delete(nodes, path, version);
                return null;
            });
        }

        @Override
        public void deleteTree(String path) throws ZkException {
            call(true, () -> {
                existing(nodes, path);
                String prefix = path + "/";
                List<String> below = new ArrayList<>(nodes.tailMap(prefix, false).headMap(prefix + Character.MAX_VALUE).keySet());
                for (int i = below.size() - 1; i >= 0; i--) {
                    SimZooKeeper.delete(nodes, below.get(i), -1);
                }
                SimZooKeeper.delete(nodes, path, -1);
                return null;
            });
        }

        @Override
        public List<Result> multi(List<Op> ops) throws ZkException {
            return call(true, ops, () -> {
                TreeMap<String, Z> work = new TreeMap<>();
                for (Map.Entry<String, Z> e : nodes.entrySet()) {
                    work.put(e.getKey(), e.getValue().copy());
                }
                List<Result> out = new ArrayList<>(ops.size());
                for (Op op : ops) {
                    if (op instanceof Check c) {
                        check(work, c.path(), c.version());
                        out.add(new Result(c.path(), -1));
                    } else if (op instanceof Create c) {
                        out.add(new Result(SimZooKeeper.create(work, c.path(), c.data(), c.mode(), session), -1));
                    } else if (op instanceof SetData s) {
                        out.add(new Result(s.path(), SimZooKeeper.set(work, s.path(), s.data(), s.version())));
                    } else {
                        Delete d = (Delete) op;
                        SimZooKeeper.delete(work, d.path(), d.version());
                        out.add(new Result(d.path(), -1));
                    }
                }
                nodes.clear();
                nodes.putAll(work);
                return out;
            });
        }

        @Override
        public void onSessionLost(Runnable listener) {
            listeners.add(listener);
        }

        /** Closing a session removes its ephemeral znodes at once, as ZooKeeper does. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            synchronized (SimZooKeeper.this) {
                dropEphemerals(session);
            }
        }
    }

    private static void pause(int millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
