package io.ledgerkv.meta;

/** A ZooKeeper operation failed; {@link #code()} is ZooKeeper's reason. */
public final class ZkException extends Exception {
    private static final long serialVersionUID = 1L;

    /** ZooKeeper's result codes that ledgerkv tells apart. */
    public enum Code {
        NO_NODE, NODE_EXISTS, BAD_VERSION, NOT_EMPTY, CONNECTION_LOSS, SESSION_EXPIRED, OPERATION_TIMEOUT, NO_AUTH,
        AUTH_FAILED, INTERRUPTED, OTHER;

        /** Failures that say nothing about whether the server applied the operation. */
        public boolean indeterminate() {
            return this == CONNECTION_LOSS || this == SESSION_EXPIRED || this == OPERATION_TIMEOUT || this == INTERRUPTED;
        }
    }

    private final Code code;
    private final String path;

    public ZkException(Code code, String path, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.path = path;
    }

    public ZkException(Code code, String path) {
        this(code, path, code + (path == null ? "" : " for " + path), null);
    }

    public Code code() {
        return code;
    }

    /** The znode the failure concerns, if known. */
    public String path() {
        return path;
    }
}
