package io.ledgerkv.api;

import java.util.Iterator;

/**
 * Iterator over entries in unsigned-lexicographic key order. It reads one consistent state of the
 * store (the state when it was created) and holds that state until closed: close it, preferably
 * with try-with-resources. An exhausted iterator releases its state by itself.
 */
public interface KvIterator extends Iterator<KvEntry>, AutoCloseable {
    @Override
    void close();
}
