package io.ledgerkv.meta;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * A {@link ZkNodes} client that runs another party's step at an exact point of this client's
 * calls, so that a race the store must survive happens every time instead of by chance. It also
 * lists children in reverse order: ZooKeeper promises no order, and the simulated one happens to
 * answer sorted.
 */
final class Interleaved implements ZkNodes {
    private final ZkNodes zk;
    /** Steps to run just before this client's next multi-ops, one per multi. */
    final Deque<Runnable> beforeMulti = new ArrayDeque<>();
    /** Steps to run just after this client's next children listings, one per listing. */
    final Deque<Runnable> afterChildren = new ArrayDeque<>();
    /** Steps to run just after this client's next reads of a znode, one per read. */
    final Deque<Runnable> afterGet = new ArrayDeque<>();

    Interleaved(ZkNodes zk) {
        this.zk = zk;
    }

    @Override
    public Node get(String path) throws ZkException {
        Node n = zk.get(path);
        Runnable step = afterGet.poll();
        if (step != null) {
            step.run();
        }
        return n;
    }

    @Override
    public int exists(String path) throws ZkException {
        return zk.exists(path);
    }

    @Override
    public List<String> children(String path) throws ZkException {
        List<String> names = new ArrayList<>(zk.children(path));
        Collections.reverse(names);
        Runnable step = afterChildren.poll();
        if (step != null) {
            step.run();
        }
        return names;
    }

    @Override
    public String create(String path, byte[] data, Mode mode, boolean parents) throws ZkException {
        return zk.create(path, data, mode, parents);
    }

    @Override
    public int set(String path, byte[] data, int version) throws ZkException {
        return zk.set(path, data, version);
    }

    @Override
    public void delete(String path, int version) throws ZkException {
        zk.delete(path, version);
    }

    @Override
    public void deleteTree(String path) throws ZkException {
        zk.deleteTree(path);
    }

    @Override
    public List<Result> multi(List<Op> ops) throws ZkException {
        Runnable step = beforeMulti.poll();
        if (step != null) {
            step.run();
        }
        return zk.multi(ops);
    }

    @Override
    public void onSessionLost(Runnable listener) {
        zk.onSessionLost(listener);
    }

    @Override
    public void close() {
        zk.close();
    }
}
