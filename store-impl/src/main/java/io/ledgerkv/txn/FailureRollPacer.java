package io.ledgerkv.txn;

import java.time.Duration;

/**
 * Paces the rolls that failed entries force: rolls that follow each other without any entry
 * acknowledged in between form a run; each roll of a run after the first waits a growing pause,
 * and once a run has lasted operationTimeout the writer gives up (instead of creating ledger after
 * ledger for bookies that accept nothing, e.g. ones a TLS client cannot connect to).
 */
final class FailureRollPacer {
    private final Duration operationTimeout;
    /** When an entry was last acknowledged (any thread writes, the committer thread reads). */
    private volatile long lastAckNanos = System.nanoTime();
    // Committer thread only: the current run of rolls.
    private int failureRolls;
    private long failureRollsSince;
    private long lastFailureRollNanos;

    FailureRollPacer(Duration operationTimeout) {
        this.operationTimeout = operationTimeout;
    }

    /** An entry was acknowledged: the next failure roll starts a new run. */
    void acknowledged() {
        lastAckNanos = System.nanoTime();
    }

    /**
     * Before a roll forced by a failed entry, at {@code now}: the rolls already in the current run
     * (0 for the first, which does not pause; the pause of the n-th grows with n), or -1 once the run
     * has lasted longer than operationTimeout: the writer should fail instead.
     */
    int beforeRoll(long now) {
        if (lastAckNanos > lastFailureRollNanos) {
            failureRolls = 0;
        }
        if (failureRolls == 0) {
            failureRollsSince = now;
            return 0;
        }
        return now - failureRollsSince > operationTimeout.toNanos() ? -1 : failureRolls;
    }

    /** After the pause, as the roll starts. */
    void rolling() {
        failureRolls++;
        lastFailureRollNanos = System.nanoTime();
    }

    /** How long the current run has lasted at {@code now}, and how many rolls it made (for the error). */
    String run(long now) {
        return Duration.ofNanos(now - failureRollsSince).toSeconds() + " s across " + failureRolls + " new ledgers";
    }
}
