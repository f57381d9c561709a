package io.ledgerkv.meta;

import io.ledgerkv.meta.zookeeper.CuratorNodes;
import java.util.List;

/**
 * The store's one door to ZooKeeper: the znode data model (paths, data, versions, sequential and
 * ephemeral nodes, atomic multi-operations) and nothing of any client library.
 * {@link CuratorNodes} is the implementation on a real ensemble (through
 * Curator, whose retries after a lost connection it keeps: an operation the server applied can be
 * sent again); the test suite's simulated ZooKeeper implements the same model with faults on a
 * seeded schedule. {@link StoreMetadata} holds the store's metadata logic on top of it.
 */
public interface ZkNodes extends AutoCloseable {

    /** How a znode is created. */
    enum Mode {
        PERSISTENT, PERSISTENT_SEQUENTIAL, EPHEMERAL
    }

    /** A znode's data and its data version. */
    record Node(byte[] data, int version) {
    }

    /** One operation of an atomic {@link #multi}. */
    sealed interface Op permits Check, Create, SetData, Delete {
        String path();
    }

    /** Holds if the znode's data version is {@code version}. */
    record Check(String path, int version) implements Op {
    }

    record Create(String path, byte[] data, Mode mode) implements Op {
    }

    /** {@code version} -1: whatever the current version. */
    record SetData(String path, byte[] data, int version) implements Op {
    }

    /** {@code version} -1: whatever the current version. */
    record Delete(String path, int version) implements Op {
    }

    /** What one operation of a multi did: the created path (create), the new data version (set data). */
    record Result(String path, int version) {
    }

    /** The znode at {@code path}; {@link ZkException.Code#NO_NODE} if there is none. */
    Node get(String path) throws ZkException;

    /** The znode's data version, or -1 if it does not exist. */
    int exists(String path) throws ZkException;

    /** Names of the znode's children, unsorted; {@link ZkException.Code#NO_NODE} if the znode does not exist. */
    List<String> children(String path) throws ZkException;

    /** Creates a znode (and, with {@code parents}, missing persistent parents); returns the path created. */
    String create(String path, byte[] data, Mode mode, boolean parents) throws ZkException;

    /** Replaces the data if the version matches ({@code -1}: any); returns the new version. */
    int set(String path, byte[] data, int version) throws ZkException;

    void delete(String path, int version) throws ZkException;

    /** Deletes the znode and everything below it. */
    void deleteTree(String path) throws ZkException;

    /** Applies every operation or none; the first failing one's error is thrown. */
    List<Result> multi(List<Op> ops) throws ZkException;

    /** Runs {@code listener} whenever this client's session is lost (its ephemeral znodes are gone). */
    void onSessionLost(Runnable listener);

    @Override
    void close();
}
