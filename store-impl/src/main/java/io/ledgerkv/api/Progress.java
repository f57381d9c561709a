package io.ledgerkv.api;

/** Receives progress of a long operation: {@code done} of {@code total} units in a named phase. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (phase, done, total) -> { };

    void update(String phase, long done, long total);
}
