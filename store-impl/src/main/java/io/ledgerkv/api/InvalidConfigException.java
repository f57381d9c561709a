package io.ledgerkv.api;

/** A configuration value is invalid. The message names the field and the rejected value. */
public class InvalidConfigException extends LedgerKvException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidConfigException(String field, String message) {
        super("invalid " + field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
