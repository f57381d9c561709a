package io.ledgerkv.meta;

/**
 * Contents of a {@code dicts/dict-N} znode: where a compression dictionary's bytes are (one entry
 * of a BookKeeper ledger) and how to check them.
 *
 * @param id          dictionary id recorded in WAL entry headers (the znode's sequence number + 1)
 * @param ledgerId    ledger holding the dictionary bytes in entry 0
 * @param bytes       dictionary size
 * @param crc32c      CRC32C of the dictionary bytes
 * @param samples     number of samples it was trained on
 * @param sampleBytes total size of those samples
 */
public record DictionaryInfo(int id, long ledgerId, int bytes, int crc32c, int samples, long sampleBytes,
                             long createdAtMillis) {
}
