package io.ledgerkv.fault.history;

import java.util.Map;

/**
 * One line of a history, in the Jepsen style: an operation is an {@code INVOKE} followed by its
 * outcome from the same process: {@code OK} (it happened), {@code FAIL} (it certainly did not) or
 * {@code INFO} (unknown: timed out, the writer crashed or was fenced; it may or may not have
 * committed). A process that gets INFO counts as crashed and the worker continues under a new
 * process id. Nemesis and writer life-cycle events use the same shape.
 *
 * @param index   position in the history
 * @param process worker process id (nemesis and writer events use -1)
 * @param type    INVOKE, OK, FAIL, INFO; or NEMESIS_START / NEMESIS_END / WRITER_OPEN
 * @param f       operation: transfer, read, append, final-read; a fault kind for nemesis events
 * @param value   operation data (invoke) or result (ok)
 * @param nanos   time since the run started
 * @param epoch   writer epoch of the handle used (0 if none)
 * @param lsn     commit LSN (OK commits) or read position (OK reads), else null
 * @param error   why it failed or is unknown
 */
public record Event(long index, int process, Type type, String f, Map<String, Object> value, long nanos, long epoch, String lsn,
                    String error) {

    public enum Type {
        INVOKE, OK, FAIL, INFO, NEMESIS_START, NEMESIS_END, WRITER_OPEN
    }

    public boolean isOutcome() {
        return type == Type.OK || type == Type.FAIL || type == Type.INFO;
    }
}
