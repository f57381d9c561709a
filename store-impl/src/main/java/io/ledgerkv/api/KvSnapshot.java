package io.ledgerkv.api;

/**
 * A pinned, stable view of a key range at one LSN. Every {@link #iterator()} returns that same
 * state while writes continue, until the snapshot is closed.
 *
 * <pre>{@code
 * try (KvSnapshot snap = store.snapshot(from, to)) {
 *     long total = 0;
 *     try (KvIterator it = snap.iterator()) { while (it.hasNext()) total += decode(it.next().value()); }
 * }
 * }</pre>
 */
public interface KvSnapshot extends AutoCloseable {
    /** The LSN of the last transaction this snapshot sees. */
    Lsn lsn();

    KvIterator iterator();

    @Override
    void close();
}
