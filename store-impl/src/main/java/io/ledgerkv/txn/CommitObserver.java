package io.ledgerkv.txn;

import io.ledgerkv.wal.Mutation;
import java.util.List;

/** Sees every transaction as the committer writes it (on the committer thread; keep it cheap). */
@FunctionalInterface
public interface CommitObserver {
    CommitObserver NONE = ops -> { };

    void written(List<Mutation> ops);
}
