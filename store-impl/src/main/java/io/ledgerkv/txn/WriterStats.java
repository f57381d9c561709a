package io.ledgerkv.txn;

import io.ledgerkv.metrics.StoreMetrics;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * What a writer counts: WAL bytes retained in ledgers (uncompressed payload and as stored, for the
 * stats znode and the compression ratio), entries acknowledged, ledger rolls started and completed,
 * and ensemble changes in the ledgers it has closed. Any thread updates and reads.
 */
final class WriterStats {
    private final AtomicLong logicalBytes;
    private final AtomicLong storedBytes;
    private final AtomicLong entriesApplied = new AtomicLong();
    private final AtomicLong ledgerRolls = new AtomicLong();
    private final AtomicLong rollAttempts = new AtomicLong();
    /** Ensemble changes BookKeeper made in this writer's ledgers that are already closed. */
    private final AtomicLong closedLedgersEnsembleChanges = new AtomicLong();

    /** {@code logicalBytes} and {@code storedBytes}: what the store's ledgers held when the writer opened. */
    WriterStats(long logicalBytes, long storedBytes) {
        this.logicalBytes = new AtomicLong(logicalBytes);
        this.storedBytes = new AtomicLong(storedBytes);
    }

    /**
     * Registers the writer's meters: its outstanding bytes and its ensemble changes are read from
     * {@code writer}, the rest from these counters.
     */
    <W> void register(StoreMetrics metrics, W writer, ToDoubleFunction<W> outstandingBytes, ToDoubleFunction<W> ensembleChanges) {
        metrics.gauge("ledgerkv.outstanding", "WAL bytes sent to the bookies and not yet acknowledged (bounded by maxInflightBytes)",
                "bytes", writer, outstandingBytes);
        metrics.gauge("ledgerkv.compression.ratio", "Logical WAL bytes per stored byte over the store's life, headers included",
                null, this, s -> s.storedBytes.get() == 0 ? 0 : s.logicalBytes.get() / (double) s.storedBytes.get());
        metrics.functionCounter("ledgerkv.ledger.rolls", "Moves of this writer to a new WAL ledger (size limit or failure)",
                ledgerRolls, AtomicLong::get);
        metrics.functionCounter("ledgerkv.ensemble.changes", "Bookies BookKeeper replaced in this writer's ledger ensembles",
                writer, ensembleChanges);
    }

    void entryApplied(int payloadLength, int storedLength) {
        logicalBytes.addAndGet(payloadLength);
        storedBytes.addAndGet(storedLength);
        entriesApplied.incrementAndGet();
    }

    void rollStarted() {
        rollAttempts.incrementAndGet();
    }

    /** A roll completed, away from a ledger in which BookKeeper made {@code ensembleChanges}. */
    void rolled(long ensembleChanges) {
        ledgerRolls.incrementAndGet();
        closedLedgersEnsembleChanges.addAndGet(ensembleChanges);
    }

    long logicalBytes() {
        return logicalBytes.get();
    }

    long storedBytes() {
        return storedBytes.get();
    }

    long entriesApplied() {
        return entriesApplied.get();
    }

    long ledgerRolls() {
        return ledgerRolls.get();
    }

    long rollAttempts() {
        return rollAttempts.get();
    }

    long closedLedgersEnsembleChanges() {
        return closedLedgersEnsembleChanges.get();
    }
}
