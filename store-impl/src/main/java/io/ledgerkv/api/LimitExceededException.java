package io.ledgerkv.api;

/** A key, value or transaction is larger than the configured limit. Nothing was written. */
public class LimitExceededException extends LedgerKvException {
    private static final long serialVersionUID = 1L;
    private final String limit;
    private final long actual;
    private final long allowed;

    public LimitExceededException(String what, String limit, long actual, long allowed) {
        super(what + " is " + actual + " bytes, over the limit " + limit + "=" + allowed + "; nothing was written");
        this.limit = limit;
        this.actual = actual;
        this.allowed = allowed;
    }

    /** The name of the {@link StoreConfig} field that was exceeded, e.g. {@code maxValueBytes}. */
    public String limit() {
        return limit;
    }

    public long actual() {
        return actual;
    }

    public long allowed() {
        return allowed;
    }
}
