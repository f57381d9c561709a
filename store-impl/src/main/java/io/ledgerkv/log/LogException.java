package io.ledgerkv.log;

/** A ledger operation failed; {@link #error()} says why in terms the store acts on. */
public final class LogException extends Exception {
    private final LogError error;

    public LogException(LogError error, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public LogException(LogError error, String message) {
        this(error, message, null);
    }

    public LogError error() {
        return error;
    }

    @Override
    @SuppressWarnings("OverrideThrowableToString") // the message stays the cause's; the code is added for logs only
    public String toString() {
        return "LogException[" + error + "]: " + getMessage();
    }
}
