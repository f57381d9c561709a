package io.ledgerkv.bench.latency;

/** Something the latency driver can send requests to: the store, or raw BookKeeper. */
public interface Target extends AutoCloseable {
    /** A short name for tables and file names. */
    String name();

    /** Sends one request; {@code done} runs once, with the failure or null, when it completed. */
    void send(Completion done);

    /** Called once a request completed. */
    interface Completion {
        void completed(Throwable failure);
    }

    @Override
    void close();
}
