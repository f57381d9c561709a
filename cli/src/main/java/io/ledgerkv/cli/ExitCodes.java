package io.ledgerkv.cli;

import io.ledgerkv.api.AccessDeniedException;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.EncryptionKeyException;
import io.ledgerkv.api.StoreFencedException;
import io.ledgerkv.api.StoreNotFoundException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CLI's exit codes, the same for every command and listed in every command's {@code --help}:
 * a script can tell a missing store from an unreachable cluster from a refused password without
 * parsing messages.
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int UNHEALTHY = 4;
    static final int UNREACHABLE = 5;
    static final int DENIED = 6;
    static final int FENCED = 7;

    private ExitCodes() {
    }

    /** The help text: code to meaning, in order. */
    static Map<String, String> help() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Integer.toString(OK), "done");
        m.put(Integer.toString(FAILED), "the command failed (the message says why)");
        m.put(Integer.toString(USAGE), "usage error: wrong or missing options; nothing was touched");
        m.put(Integer.toString(NOT_FOUND), "no such store (or, for get, no such key)");
        m.put(Integer.toString(UNHEALTHY), "status: a store shown cannot take writes safely (reasons printed)");
        m.put(Integer.toString(UNREACHABLE), "ZooKeeper or the bookies could not be reached");
        m.put(Integer.toString(DENIED), "access denied: wrong ledger password, encryption keys or ZooKeeper identity");
        m.put(Integer.toString(FENCED), "a live writer owns the store (put/del without --fence), or this writer was fenced");
        return m;
    }

    /** The exit code for a command that failed with {@code t}. */
    static int of(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof LiveWriterException || c instanceof StoreFencedException) {
                return FENCED;
            }
            if (c instanceof StoreNotFoundException) {
                return NOT_FOUND;
            }
            if (c instanceof AccessDeniedException || c instanceof EncryptionKeyException) {
                return DENIED;
            }
            if (c instanceof ClusterUnavailableException) {
                return UNREACHABLE;
            }
        }
        return FAILED;
    }

    /** A write command refused because the store has a live writer it would fence. */
    static final class LiveWriterException extends RuntimeException {
        LiveWriterException(String message) {
            super(message);
        }
    }
}
