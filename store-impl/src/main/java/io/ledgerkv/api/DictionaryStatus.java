package io.ledgerkv.api;

/** A compression dictionary of a store: its id (as written in WAL entries), size, training sample and where it is kept. */
public record DictionaryStatus(int id, int bytes, int samples, long sampleBytes, long ledgerId, long createdAtMillis) {
}
