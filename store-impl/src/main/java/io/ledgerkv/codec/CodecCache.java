package io.ledgerkv.codec;

import java.util.HashMap;
import java.util.Map;

/**
 * The codecs one reader needs, created on first use per (codec, dictionary) and reused: entries
 * written over a store's life may use several codecs and dictionaries. Dictionaries come from a
 * {@link DictionaryLoader}. Not thread-safe: one cache per reading thread.
 */
public final class CodecCache implements AutoCloseable {

    /** Loads a dictionary by id, or throws {@link MissingDictionaryException}. */
    @FunctionalInterface
    public interface DictionaryLoader {
        Dictionary load(int id);
    }

    /** A dictionary id that no dictionary in the store has (deleted, or written by another store). */
    public static class MissingDictionaryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MissingDictionaryException(String message) {
            super(message);
        }
    }

    /** For stores without dictionaries. */
    public static final DictionaryLoader NO_DICTIONARIES = id -> {
        throw new MissingDictionaryException("dictionary " + id + " is referenced but this reader has no dictionaries");
    };

    private final DictionaryLoader loader;
    private final Map<Long, Codec> codecs = new HashMap<>();

    public CodecCache(DictionaryLoader loader) {
        this.loader = loader;
    }

    public Codec get(CodecType type, int dictId) {
        long key = ((long) type.id() << 32) | (dictId & 0xffffffffL);
        Codec c = codecs.get(key);
        if (c == null) {
            if (type.usesDictionary()) {
                if (dictId == 0) {
                    throw new MissingDictionaryException(type + " entry without a dictionary id");
                }
                Dictionary d = loader.load(dictId);
                if (d == null || d.id() != dictId) {
                    throw new MissingDictionaryException("dictionary " + dictId + " not found");
                }
                c = type.newCodec(0, d);
            } else {
                c = type.newCodec();
            }
            codecs.put(key, c);
        }
        return c;
    }

    @Override
    public void close() {
        codecs.values().forEach(Codec::close);
        codecs.clear();
    }
}
